"""Account administration as the portal's admin page does it: every call checks the admin."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from etl.accounts import service
from etl.accounts.service import Account, require
from etl.store.accounts import list_users

if TYPE_CHECKING:
    from etl.app import Stores


def accounts(stores: Stores, admin: Account) -> list[dict[str, Any]]:
    require(admin, "users")
    return [
        {k: v for k, v in user.items() if k != "password_hash"}
        for user in list_users(stores.accounts)
    ]


def add_account(
    stores: Stores, admin: Account, username: str, role: str, municipalities: list[str]
) -> str:
    """Create an account with a generated password; returns it (shown once)."""
    require(admin, "users")
    return service.create_user(
        stores.accounts, username, role, municipalities, actor=admin.username
    )


def set_disabled(stores: Stores, admin: Account, username: str, disabled: bool) -> None:
    require(admin, "users")
    if username == admin.username and disabled:
        raise service.AccessDenied("Das eigene Konto kann nicht gesperrt werden.")
    service.set_disabled(stores.accounts, username, disabled, actor=admin.username)


def reset_password(stores: Stores, admin: Account, username: str) -> str:
    require(admin, "users")
    return service.reset_password(stores.accounts, username, actor=admin.username)
