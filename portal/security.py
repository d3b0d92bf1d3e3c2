"""The portal's view of the shared security layer (`websecurity`): login, sessions, CSRF,
headers. Kept so that portal pages import `current_account` and `csrf_token` from one place."""

from __future__ import annotations

from websecurity import (
    LOGIN_PATH,
    LOGOUT_PATH,
    content_security_policy,
    csrf_token,
    current_account,
    install,
    state,
)

__all__ = [
    "LOGIN_PATH",
    "LOGOUT_PATH",
    "content_security_policy",
    "csrf_token",
    "current_account",
    "install",
    "state",
]
