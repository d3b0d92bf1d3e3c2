"""`python -m etl grant-reader`: the dashboard's PostgreSQL role, reading published data only."""

from __future__ import annotations

import argparse
import os

from etl.app import Stores
from etl.config import Settings
from etl.errors import ConfigError
from etl.store.accounts import accounts_url
from etl.store.engine import zone_schema
from etl.store.roles import provision_reader


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--role", default="dashboard", help="Name der Leserolle (dashboard)")
    parser.add_argument(
        "--password-env",
        default="DASHBOARD_DB_PASSWORD",
        metavar="VARIABLE",
        help="Umgebungsvariable mit dem Passwort der Rolle (nie auf der Kommandozeile)",
    )
    parser.add_argument(
        "--own-database",
        action="store_true",
        help="die Datenbank gehört dem Betrieb: CONNECT nur noch für die eigenen Rollen",
    )


def run(args: argparse.Namespace, stores: Stores) -> int:
    settings = stores.settings
    password = os.environ.get(args.password_env, "")
    if not password:
        raise ConfigError(f"{args.password_env} ist leer: Passwort der Rolle {args.role} setzen.")
    engine = stores.publisher
    published = zone_schema(settings.publisher_store_url, "published")
    if engine.dialect.name != "postgresql":
        raise ConfigError(
            "grant-reader braucht PostgreSQL (SQLite wird schreibgeschützt geöffnet)."
        )
    provision_reader(
        engine,
        role=args.role,
        password=password,
        published_schema=published,
        restricted_schema=zone_schema(settings.restricted_store_url, "restricted"),
        # The accounts store, when it lives in the same PostgreSQL database, is closed too.
        other_schemas=_accounts_schema(settings),
        own_database=args.own_database,
        connect_roles=[engine.url.username] if engine.url.username else [],
    )
    print(f"Rolle {args.role}: liest nur das Schema {published}")
    return 0


def _accounts_schema(settings: Settings) -> tuple[str, ...]:
    url = accounts_url(settings)
    return (zone_schema(url, "accounts"),) if url.startswith("postgresql") else ()
