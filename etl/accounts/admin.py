"""Account administration as the portal's admin page does it: every call checks the admin."""

from __future__ import annotations

from typing import Any

from etl.accounts import service
from etl.accounts.service import Account, require
from etl.config import Settings
from etl.store.accounts import accounts_engine, list_users


def accounts(settings: Settings, admin: Account) -> list[dict[str, Any]]:
    require(admin, "users")
    return [
        {k: v for k, v in user.items() if k != "password_hash"}
        for user in list_users(accounts_engine(settings))
    ]


def add_account(
    settings: Settings, admin: Account, username: str, role: str, municipalities: list[str]
) -> str:
    """Create an account with a generated password; returns it (shown once)."""
    require(admin, "users")
    return service.create_user(
        accounts_engine(settings), username, role, municipalities, actor=admin.username
    )


def set_disabled(settings: Settings, admin: Account, username: str, disabled: bool) -> None:
    require(admin, "users")
    if username == admin.username and disabled:
        raise service.AccessDenied("Das eigene Konto kann nicht gesperrt werden.")
    service.set_disabled(accounts_engine(settings), username, disabled, actor=admin.username)


def reset_password(settings: Settings, admin: Account, username: str) -> str:
    require(admin, "users")
    return service.reset_password(accounts_engine(settings), username, actor=admin.username)
