"""`install(server, stores, ...)`: headers for every server; login, sessions and access
rules only where a login is required."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import flask
import flask_login

from etl.accounts.service import AccessDenied
from etl.app import Stores
from etl.config import Settings
from i18n import N_
from i18n import translate as t
from websecurity import login
from websecurity.csrf import check_csrf, csrf_token
from websecurity.headers import CookielessCacheableSessions, ReadOnlySessions, add_headers
from websecurity.language import request_lang
from websecurity.sessions import current_account, load_user
from websecurity.state import EXTENSION, LOGIN_PATH, LOGOUT_PATH, SecurityState, state

log = logging.getLogger(__name__)
ALWAYS_PUBLIC = (
    "/assets/",
    "/_dash-component-suites/",
    "/_favicon.ico",
    "/favicon.ico",
    "/healthz",
)

__all__ = ["LOGIN_PATH", "LOGOUT_PATH", "install", "state"]


def _configure(
    server: flask.Flask, settings: Settings, app_name: str, secure: bool, reader: bool
) -> None:
    if not settings.secret_key:
        log.warning(
            "DEMOGRAFIE_SECRET_KEY ist leer: Sitzungen enden beim Neustart und gelten "
            "nur in einem Prozess. Für den Betrieb einen festen Schlüssel setzen."
        )
    server.secret_key = settings.secret_key or secrets.token_hex(32)
    server.session_interface = ReadOnlySessions() if reader else CookielessCacheableSessions()
    server.config.update(
        SESSION_COOKIE_NAME="demografie_portal" if reader else f"demografie_{app_name}",
        SESSION_COOKIE_SECURE=secure,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=2),
        MAX_CONTENT_LENGTH=int(settings.upload_max_bytes * 1.4) + 1_000_000,
    )


def install(
    server: flask.Flask,
    stores: Stores,
    *,
    app_name: str = "dashboard",
    require_login: bool | None = None,
    permission_for: Callable[[str], str | None] = lambda path: "dashboard",
    script_hashes: Sequence[str] | Callable[[], Sequence[str]] = (),
    csp_extra: Mapping[str, str] | None = None,
    secure_cookies: bool | None = None,
    csrf_everywhere: bool = True,
    login_stylesheet: Path | None = None,
    login_at: str = "",
    return_origins: tuple[str, ...] = (),
) -> None:
    """Secure a Flask server (the dashboard's or the portal's) with its app's `stores`.

    require_login defaults to `not settings.public_dashboard` (the dashboard's setting); the
    portal passes True. Without a login the server gets headers only: no login route, no
    session, and the accounts store is never opened. permission_for maps a path to the
    permission it needs (None: any logged-in account). script_hashes: `dash_app.csp_hashes`
    (called at the first response). csrf_everywhere=False checks CSRF on the login and logout
    forms only: for an app whose other POSTs (Dash callbacks) only read, like the dashboard.
    login_at: the portal's address; the server is then a *session reader*: it reads the
    portal's session cookie (same DEMOGRAFIE_SECRET_KEY, same host), checks it against the
    accounts store read-only, sets no cookie and sends logins to the portal. return_origins:
    other apps (the private dashboard) the login form may send the browser back to.
    """
    settings = stores.settings
    if secure_cookies is None:
        secure_cookies = urlsplit(settings.portal_url).scheme == "https"
    _configure(server, settings, app_name, secure_cookies, reader=bool(login_at))
    security = SecurityState(
        stores=stores,
        app_name=app_name,
        require_login=(not settings.public_dashboard) if require_login is None else require_login,
        permission_for=permission_for,
        csrf_everywhere=csrf_everywhere,
        csrf_cookie=f"{app_name}_csrf",
        script_hashes=script_hashes if callable(script_hashes) else lambda: script_hashes,
        csp_extra=csp_extra,
        login_stylesheet=login_stylesheet,
        login_at=login_at.rstrip("/"),
        return_origins=return_origins,
    )
    server.extensions[EXTENSION] = security
    server.after_request(_add_headers)
    if not security.require_login:
        return
    manager = flask_login.LoginManager(server)
    manager.session_protection = "strong"
    manager.user_loader(lambda user_id: load_user(state().accounts(), user_id))
    server.register_error_handler(AccessDenied, _denied)
    if login_at:
        server.before_request(_check_reader_request)
        login.register_redirect(server)
        return
    server.before_request(_check_request)
    login.register(server)


def _is_public(path: str) -> bool:
    return path in (LOGIN_PATH, "/auth/style.css") or path.startswith(ALWAYS_PUBLIC)


def _check_request():
    security, request = state(), flask.request
    csrf_token()
    if security.csrf_everywhere or request.path.startswith("/auth/"):
        check_csrf(request)
    if request.path == LOGOUT_PATH and request.method != "POST":
        return flask.Response(
            _text(N_("logout_post_only")),
            status=405,
            headers={"Allow": "POST"},
            mimetype="text/plain",
        )
    if _is_public(request.path) or request.path == LOGOUT_PATH:
        return None
    account = current_account()
    if account is None:
        if request.method == "GET" and not request.path.startswith("/_dash"):
            return flask.redirect(f"{LOGIN_PATH}?next={request.full_path.rstrip('?')}")
        return flask.Response(_text(N_("login_required")), status=401, mimetype="text/plain")
    permission = security.permission_for(request.path)
    if permission and not account.can(permission):
        return flask.Response(_text(N_("login_forbidden")), status=403, mimetype="text/plain")
    return None


def _text(key: str) -> str:
    """A refusal in the language of the request (`?lang=`), else the configured one."""
    return t(key, request_lang(state().settings.language))


def _check_reader_request():
    """A session reader's access rule: a valid portal session, or off to the login."""
    request = flask.request
    if _is_public(request.path) or current_account() is not None:
        return None
    if request.method == "GET" and not request.path.startswith("/_dash"):
        return flask.redirect(f"{LOGIN_PATH}?next={request.full_path.rstrip('?')}")
    return flask.Response(_text(N_("login_required")), status=401, mimetype="text/plain")


def _add_headers(response: flask.Response) -> flask.Response:
    security, request = state(), flask.request
    secure = flask.current_app.config["SESSION_COOKIE_SECURE"]
    no_store = security.app_name == "portal" and not request.path.startswith(
        ("/assets/", "/_dash-component-suites/")
    )
    has_csrf_cookie = security.require_login and not security.login_at
    token = flask.session.get("csrf") if has_csrf_cookie else None
    if token and request.cookies.get(security.csrf_cookie) != token:
        response.set_cookie(
            security.csrf_cookie, token, httponly=False, samesite="Strict", secure=secure
        )
    return add_headers(response, security.csp, secure=secure, no_store=no_store)


def _denied(error: Exception) -> flask.Response:
    return flask.Response(str(error), status=403, mimetype="text/plain")
