"""Accounts: roles and what they may do, creating and changing users, checking a login."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from sqlalchemy import Engine

from etl.accounts.passwords import generate_password, hash_password, needs_rehash, verify_password
from etl.errors import ConfigError, EtlError
from etl.store import accounts as store

ROLES: Final = ("admin", "statistician", "uploader", "viewer")
PERMISSIONS: Final = {
    "dashboard": frozenset(ROLES),
    "upload": frozenset({"uploader"}),
    "submissions": frozenset({"uploader", "statistician"}),
    "review": frozenset({"statistician"}),
    "publish": frozenset({"statistician"}),
    "audit": frozenset({"admin", "statistician"}),
    "users": frozenset({"admin"}),
}
USERNAME: Final = re.compile(r"[a-z0-9][a-z0-9._-]{2,79}")
AGS: Final = re.compile(r"\d{8}")


class AccessDenied(EtlError):
    """The account may not do this (wrong role or another municipality's data)."""


class AuthError(EtlError):
    """A login was refused; the message is safe to show (it does not say which part was wrong).

    locked_minutes: set when the account is locked, so a login form can say it in its language.
    """

    def __init__(self, message: str, *, locked_minutes: int | None = None) -> None:
        self.locked_minutes = locked_minutes
        super().__init__(message)


@dataclass(frozen=True)
class Account:
    """A user as the portal sees it: no password hash."""

    user_id: int
    username: str
    role: str
    municipalities: tuple[str, ...]
    disabled: bool
    session_stamp: str  # changes with the password, so old sessions end

    def can(self, permission: str) -> bool:
        return not self.disabled and self.role in PERMISSIONS[permission]

    def may_see(self, municipality: str) -> bool:
        """Statisticians see every municipality, uploaders only their own."""
        if self.role == "statistician":
            return not self.disabled
        return self.can("upload") and municipality in self.municipalities


def account_of(record: dict) -> Account:
    return Account(
        user_id=record["user_id"],
        username=record["username"],
        role=record["role"],
        municipalities=tuple(record["municipalities"]),
        disabled=bool(record["disabled"]),
        session_stamp=f"{record['password_changed_at'].timestamp():.6f}",
    )


def check_user_fields(username: str, role: str, municipalities: list[str]) -> None:
    if not USERNAME.fullmatch(username):
        raise ConfigError(
            f"Benutzername {username!r} ungültig: 3–80 Zeichen a-z, 0-9, . _ -, "
            "beginnend mit Buchstabe oder Ziffer."
        )
    if role not in ROLES:
        raise ConfigError(f"Rolle {role!r} unbekannt; erlaubt: {', '.join(ROLES)}.")
    bad = [m for m in municipalities if not AGS.fullmatch(m)]
    if bad:
        raise ConfigError(f"Kein 8-stelliger AGS: {', '.join(bad)}.")
    if role == "uploader" and not municipalities:
        raise ConfigError("Eine Meldestelle braucht mindestens einen AGS (--ags 03101000).")
    if role != "uploader" and municipalities:
        raise ConfigError("Nur Meldestellen (uploader) werden an Gemeinden gebunden.")


def create_user(
    engine: Engine,
    username: str,
    role: str,
    municipalities: Sequence[str] = (),
    password: str | None = None,
    *,
    actor: str = "etl",
) -> str:
    """Create an account; returns the password (generated when none is given)."""
    municipalities = list(municipalities)
    check_user_fields(username, role, municipalities)
    password = password or generate_password()
    store.insert_user(
        engine,
        {
            "username": username,
            "role": role,
            "municipalities": sorted(set(municipalities)),
            "password_hash": hash_password(password),
            "disabled": False,
            "failed_logins": 0,
        },
    )
    store.log_security_event(engine, actor, "user-add", username=username, role=role)
    return password


def set_disabled(engine: Engine, username: str, disabled: bool, *, actor: str = "etl") -> None:
    store.update_user(engine, username, disabled=disabled)
    if disabled:
        store.end_user_sessions(engine, username)
    store.log_security_event(
        engine, actor, "user-disable" if disabled else "user-enable", username=username
    )


def reset_password(
    engine: Engine, username: str, password: str | None = None, *, actor: str = "etl"
) -> str:
    """Set a new password (generated if none), unlock the account and end its sessions."""
    password = password or generate_password()
    store.update_user(
        engine,
        username,
        password_hash=hash_password(password),
        password_changed_at=store.now(),
        failed_logins=0,
        locked_until=None,
    )
    store.end_user_sessions(engine, username)
    store.log_security_event(engine, actor, "user-reset", username=username)
    return password


def authenticate(
    engine: Engine,
    username: str,
    password: str,
    *,
    max_attempts: int,
    lockout_minutes: int,
    remote_addr: str = "",
) -> Account:
    """The account if name and password match; AuthError otherwise (counts towards lockout)."""
    username, now = username[:80], store.now()
    until = now + dt.timedelta(minutes=lockout_minutes)
    attempt = store.reserve_login_attempt(engine, username, max_attempts, now, until)
    record = store.find_user(engine, username=username) if attempt != "unknown" else None
    if record and attempt == "locked":
        verify_password(None, password)  # same cost as a real check
        store.log_security_event(engine, username, "login-locked", remote_addr=remote_addr)
        left = (record["locked_until"] or until) - now
        minutes = max(1, int(left.total_seconds() // 60) + 1)
        raise AuthError(
            f"Zu viele Fehlversuche: das Konto ist für {minutes} Minuten gesperrt.",
            locked_minutes=minutes,
        )
    if not verify_password(record["password_hash"] if record else None, password):
        if record and store.login_failed(engine, username, max_attempts, until):
            store.log_security_event(engine, username, "lockout", remote_addr=remote_addr)
        store.log_security_event(engine, username, "login-failed", remote_addr=remote_addr)
        raise AuthError("Benutzername oder Passwort ist falsch.")
    if record["disabled"]:
        store.log_security_event(engine, username, "login-disabled", remote_addr=remote_addr)
        raise AuthError("Benutzername oder Passwort ist falsch.")
    values = {"failed_logins": 0, "locked_until": None}
    if needs_rehash(record["password_hash"]):
        values["password_hash"] = hash_password(password)
    store.update_user(engine, username, **values)
    store.log_security_event(engine, username, "login", remote_addr=remote_addr)
    return account_of(record)


def load_account(engine: Engine, user_id: int, session_stamp: str) -> Account | None:
    """The account for a session, or None if it is gone, disabled or its password changed."""
    record = store.find_user(engine, user_id=user_id)
    if record is None or record["disabled"]:
        return None
    account = account_of(record)
    return account if account.session_stamp == session_stamp else None


def require(account: Account | None, permission: str) -> Account:
    """The account if it has the permission; AccessDenied otherwise."""
    if account is None or not account.can(permission):
        raise AccessDenied("Dafür fehlt Ihrem Konto die Berechtigung.")
    return account
