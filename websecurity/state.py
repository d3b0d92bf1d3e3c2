"""What `install` configured for a server, kept in `server.extensions`."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import flask
from sqlalchemy import Engine

from etl.app import Stores
from etl.config import Settings
from websecurity.headers import content_security_policy

EXTENSION = "demografie_security"
LOGIN_PATH, LOGOUT_PATH = "/auth/login", "/auth/logout"


@dataclass
class SecurityState:
    """The security configuration of one server; engines come from the app's `Stores`."""

    stores: Stores
    app_name: str
    require_login: bool
    permission_for: Callable[[str], str | None]
    csrf_everywhere: bool
    csrf_cookie: str
    script_hashes: Callable[[], Sequence[str]]
    login_stylesheet: Path | None = None
    login_at: str = ""  # a session reader: the portal's address, where the login happens
    return_origins: tuple[str, ...] = ()  # other apps the login may send the browser back to
    csp_extra: Mapping[str, str] | None = None
    _csp: str = ""

    @property
    def settings(self) -> Settings:
        return self.stores.settings

    @property
    def csp(self) -> str:
        # Computed at the first response: Dash registers some inline scripts (e.g. the page
        # title callback of `use_pages`) only when it serves its first request.
        if not self._csp:
            self._csp = content_security_policy(self.script_hashes(), self.csp_extra)
        return self._csp

    def accounts(self) -> Engine:
        """The accounts store; only servers that require a login ever open it."""
        if not self.require_login:
            raise RuntimeError("A server without login must not open the accounts store.")
        # A session reader (the private dashboard) only checks sessions: read-only engine.
        return self.stores.accounts_reader if self.login_at else self.stores.accounts


def state() -> SecurityState:
    return flask.current_app.extensions[EXTENSION]
