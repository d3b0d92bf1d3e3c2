"""Sessions: Flask-Login backed by server-side session rows in the accounts store.

The browser's signed cookie holds `user_id:password_stamp:session_id`. Every request looks the
session row up (`etl.store.accounts.session_is_valid`, a read) and the account (disabled or a
changed password end it). Logout deletes the row, so a copied cookie stops working at once.
"""

from __future__ import annotations

import flask
import flask_login

from etl.accounts.service import Account, load_account
from etl.store.accounts import session_is_valid


class SessionUser(flask_login.UserMixin):
    """Flask-Login's view of an account and the server-side session it logged in with."""

    def __init__(self, account: Account, session_id: str) -> None:
        self.account, self.session_id = account, session_id

    def get_id(self) -> str:
        return f"{self.account.user_id}:{self.account.session_stamp}:{self.session_id}"


def load_user(engine, user_id: str) -> SessionUser | None:
    """The user of a session cookie, or None if the session or the account has ended."""
    key, stamp, session_id = [*user_id.split(":"), "", ""][:3]
    if not key.isdigit() or not session_id:
        return None
    account = load_account(engine, int(key), stamp)
    if account is None or not session_is_valid(engine, account.user_id, session_id):
        return None
    return SessionUser(account, session_id)


def current_user() -> SessionUser | None:
    if not flask.has_request_context():
        return None
    user = flask_login.current_user._get_current_object()  # not the proxy: logout changes it
    return user if user and user.is_authenticated else None


def current_account() -> Account | None:
    """The logged-in account of this request, or None."""
    user = current_user()
    return user.account if user else None
