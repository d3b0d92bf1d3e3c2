"""`python -m etl user add|list|disable|enable|reset`: manage portal accounts."""

from __future__ import annotations

import argparse
import getpass

from etl.accounts.service import ROLES, create_user, reset_password, set_disabled
from etl.app import Stores
from etl.errors import ConfigError
from etl.store.accounts import list_users


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = sub.add_parser("add", help="Konto anlegen")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument(
        "--ags",
        action="append",
        default=[],
        metavar="AGS",
        help="8-stelliger AGS einer Gemeinde (Meldestellen; mehrfach möglich)",
    )
    _password_options(add)
    sub.add_parser("list", help="Konten auflisten")
    for name, text in (("disable", "Konto sperren"), ("enable", "Konto entsperren")):
        sub.add_parser(name, help=text).add_argument("username")
    reset = sub.add_parser("reset", help="Passwort neu setzen, Sperre aufheben")
    reset.add_argument("username")
    _password_options(reset)


def _password_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--password", help="Passwort (sonst erzeugt; Vorsicht: Shell-Verlauf)")
    group.add_argument("--prompt", action="store_true", help="Passwort interaktiv abfragen")


def _password(args: argparse.Namespace) -> str | None:
    if not args.prompt:
        return args.password
    first = getpass.getpass("Neues Passwort: ")
    if first != getpass.getpass("Wiederholen: "):
        raise ConfigError("Die beiden Eingaben stimmen nicht überein.")
    return first


def _report_password(username: str, given: str | None, password: str) -> None:
    if given is None:
        print(f"Erzeugtes Passwort für {username} (wird nur jetzt angezeigt): {password}")


def run(args: argparse.Namespace, stores: Stores) -> int:
    stores.migrate("accounts")
    engine = stores.accounts
    if args.action == "add":
        given = _password(args)
        password = create_user(engine, args.username, args.role, args.ags, given)
        print(f"Konto {args.username} ({args.role}) angelegt.")
        _report_password(args.username, given, password)
    elif args.action == "list":
        print(f"{'Benutzer':<24} {'Rolle':<13} {'Status':<10} Gemeinden")
        for user in list_users(engine):
            status = "gesperrt" if user["disabled"] else "aktiv"
            if user["locked_until"]:
                status += "*"
            print(
                f"{user['username']:<24} {user['role']:<13} {status:<10} "
                f"{', '.join(user['municipalities'])}"
            )
    elif args.action in ("disable", "enable"):
        set_disabled(engine, args.username, args.action == "disable")
        print(f"Konto {args.username} {'gesperrt' if args.action == 'disable' else 'aktiv'}.")
    else:
        given = _password(args)
        password = reset_password(engine, args.username, given)
        print(f"Passwort von {args.username} neu gesetzt; alte Sitzungen sind beendet.")
        _report_password(args.username, given, password)
    return 0
