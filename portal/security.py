"""Login, sessions, CSRF protection and security headers, for the portal and the dashboard.

`install(server, settings, ...)` adds to a Flask server: Flask-Login sessions backed by the
accounts store, a login page with rate limiting and account lockout, a CSRF check on every
state-changing request, access rules per path, and security headers (CSP and friends).

CSRF: a synchronizer token lives in the signed session; the login form carries it as a hidden
field, Dash's POSTs as header X-CSRF-Token (added to fetch by assets/csrf.js, which reads it
from a non-HttpOnly cookie). Unsafe requests also need a same-origin Origin / Sec-Fetch-Site
where the browser sends them.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

import flask
import flask_login
from werkzeug.exceptions import Forbidden

from etl.accounts.service import AccessDenied, Account, load_account
from etl.config import Settings

log = logging.getLogger(__name__)
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOGIN_PATH, LOGOUT_PATH = "/auth/login", "/auth/logout"
ALWAYS_PUBLIC = (
    "/auth/",
    "/assets/",
    "/_dash-component-suites/",
    "/_favicon.ico",
    "/favicon.ico",
    "/healthz",
)
EXTENSION = "demografie_security"
# Plotly's map traces (MapLibre) start their tile workers from blob: URLs and draw into
# blob:/data: images; nothing else is loosened for the dashboard (no tiles: the map has none).
DASHBOARD_CSP_EXTRA = {"worker-src": "'self' blob:", "img-src": "blob:"}


class PortalUser(flask_login.UserMixin):
    """Flask-Login's view of an account; the id carries the password stamp."""

    def __init__(self, account: Account) -> None:
        self.account = account

    def get_id(self) -> str:
        return f"{self.account.user_id}:{self.account.session_stamp}"


class LoginRateLimiter:
    """At most `limit` login attempts per client address in `window` seconds (per process)."""

    def __init__(self, limit: int = 20, window: float = 600.0) -> None:
        self.limit, self.window = limit, window
        self._attempts: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, address: str) -> bool:
        now = time.monotonic()
        with self._lock:
            attempts = self._attempts.setdefault(address, deque())
            while attempts and now - attempts[0] > self.window:
                attempts.popleft()
            if len(attempts) >= self.limit:
                return False
            attempts.append(now)
            return True


@dataclass
class SecurityState:
    """What `install` configured, kept in `server.extensions`."""

    settings: Settings
    app_name: str
    require_login: bool
    permission_for: Callable[[str], str | None]
    csrf_everywhere: bool
    csrf_cookie: str
    script_hashes: Callable[[], Sequence[str]]
    csp_extra: Mapping[str, str] | None = None
    limiter: LoginRateLimiter = field(default_factory=LoginRateLimiter)
    _accounts: object = None
    _csp: str = ""

    @property
    def csp(self) -> str:
        # Computed at the first response: Dash registers some inline scripts (e.g. the page
        # title callback of `use_pages`) only when it serves its first request.
        if not self._csp:
            self._csp = content_security_policy(self.script_hashes(), self.csp_extra)
        return self._csp

    def accounts(self):
        if self._accounts is None:
            from etl.store.accounts import accounts_engine

            self._accounts = accounts_engine(self.settings)
        return self._accounts


def state() -> SecurityState:
    return flask.current_app.extensions[EXTENSION]


def current_account() -> Account | None:
    """The logged-in account of this request, or None."""
    if not flask.has_request_context():
        return None
    user = flask_login.current_user
    return user.account if user and user.is_authenticated else None


def csrf_token() -> str:
    token = flask.session.get("csrf")
    if not token:
        token = flask.session["csrf"] = secrets.token_urlsafe(32)
    return token


def content_security_policy(
    script_hashes: Sequence[str] = (), extra: Mapping[str, str] | None = None
) -> str:
    """A strict CSP: own scripts plus the hashes of Dash's inline scripts, no framing."""
    policy = {
        "default-src": "'self'",
        "script-src": " ".join(["'self'", *script_hashes]),
        # Dash components and React set inline styles; style injection cannot run script.
        "style-src": "'self' 'unsafe-inline'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    for directive, value in (extra or {}).items():
        policy[directive] = f"{policy.get(directive, '')} {value}".strip()
    return "; ".join(f"{k} {v}" for k, v in policy.items())


def _configure(server: flask.Flask, settings: Settings, app_name: str, secure: bool) -> None:
    if not settings.secret_key:
        log.warning(
            "DEMOGRAFIE_SECRET_KEY ist leer: Sitzungen enden beim Neustart und gelten "
            "nur in einem Prozess. Für den Betrieb einen festen Schlüssel setzen."
        )
    server.secret_key = settings.secret_key or secrets.token_hex(32)
    server.config.update(
        SESSION_COOKIE_NAME=f"demografie_{app_name}",
        SESSION_COOKIE_SECURE=secure,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=2),
        MAX_CONTENT_LENGTH=int(settings.upload_max_bytes * 1.4) + 1_000_000,
    )


def install(
    server: flask.Flask,
    settings: Settings,
    *,
    app_name: str = "dashboard",
    require_login: bool | None = None,
    permission_for: Callable[[str], str | None] = lambda path: "dashboard",
    script_hashes: Sequence[str] | Callable[[], Sequence[str]] = (),
    csp_extra: Mapping[str, str] | None = None,
    secure_cookies: bool | None = None,
    csrf_everywhere: bool = True,
) -> None:
    """Secure a Flask server (the dashboard's or the portal's).

    require_login defaults to `not settings.public_dashboard` (the dashboard's setting); the
    portal passes True. permission_for maps a path to the permission it needs (None: any
    logged-in account). script_hashes: `dash_app.csp_hashes` (called at the first response).
    csrf_everywhere=False checks CSRF on the login and logout forms only: for an app whose
    other POSTs (Dash callbacks) only read, like the public dashboard, which has no csrf.js.
    """
    from portal import auth

    secure = (
        secure_cookies
        if secure_cookies is not None
        else (urlsplit(settings.portal_url).scheme == "https")
    )
    _configure(server, settings, app_name, secure)
    server.extensions[EXTENSION] = SecurityState(
        settings=settings,
        app_name=app_name,
        require_login=(not settings.public_dashboard) if require_login is None else require_login,
        permission_for=permission_for,
        csrf_everywhere=csrf_everywhere,
        csrf_cookie=f"{app_name}_csrf",
        script_hashes=script_hashes if callable(script_hashes) else lambda: script_hashes,
        csp_extra=csp_extra,
    )
    manager = flask_login.LoginManager(server)
    manager.session_protection = "strong"
    manager.user_loader(_load_user)
    server.before_request(_check_request)
    server.after_request(_add_headers)
    server.register_error_handler(AccessDenied, _denied)
    auth.register(server)


def _load_user(user_id: str) -> PortalUser | None:
    key, _, stamp = user_id.partition(":")
    if not key.isdigit():
        return None
    account = load_account(state().accounts(), int(key), stamp)
    return PortalUser(account) if account else None


def _same_origin(request: flask.Request) -> bool:
    origin = request.headers.get("Origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.host:
        return False
    if origin == "null":
        return False
    return request.headers.get("Sec-Fetch-Site", "same-origin") in ("same-origin", "none")


def check_csrf(request: flask.Request) -> None:
    """Raise Forbidden unless an unsafe request is same-origin and carries the session token."""
    if request.method in SAFE_METHODS:
        return
    expected = flask.session.get("csrf")
    sent = request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD, "")
    if not _same_origin(request):
        raise Forbidden("Anfrage von fremder Herkunft abgelehnt.")
    if not expected or not sent or not secrets.compare_digest(str(sent), str(expected)):
        raise Forbidden("Sicherheitsmerkmal (CSRF) fehlt oder ist abgelaufen; Seite neu laden.")


def _is_public(path: str) -> bool:
    return path in ("/auth/login", "/auth/style.css") or any(
        path.startswith(prefix) for prefix in ALWAYS_PUBLIC if prefix != "/auth/"
    )


def _check_request():
    security, request = state(), flask.request
    csrf_token()
    if security.csrf_everywhere or request.path.startswith("/auth/"):
        check_csrf(request)
    if request.path == LOGOUT_PATH and request.method != "POST":
        return flask.Response(
            "Abmelden nur per Formular (POST).",
            status=405,
            headers={"Allow": "POST"},
            mimetype="text/plain",
        )
    if _is_public(request.path) or request.path == LOGOUT_PATH:
        return None
    account = current_account()
    if account is None:
        if not security.require_login:
            return None
        if request.method == "GET" and not request.path.startswith("/_dash"):
            return flask.redirect(f"{LOGIN_PATH}?next={flask.request.full_path.rstrip('?')}")
        return flask.Response("Anmeldung erforderlich.", status=401, mimetype="text/plain")
    permission = security.permission_for(request.path)
    if permission and not account.can(permission):
        return flask.Response(
            "Keine Berechtigung für diese Seite.", status=403, mimetype="text/plain"
        )
    return None


def _add_headers(response: flask.Response) -> flask.Response:
    security = state()
    headers = response.headers
    headers.setdefault("Content-Security-Policy", security.csp)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if flask.current_app.config["SESSION_COOKIE_SECURE"]:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if security.app_name == "portal" and not flask.request.path.startswith(
        ("/assets/", "/_dash-component-suites/")
    ):
        headers["Cache-Control"] = "no-store"
    token = flask.session.get("csrf")
    if token and flask.request.cookies.get(security.csrf_cookie) != token:
        response.set_cookie(
            security.csrf_cookie,
            token,
            httponly=False,
            samesite="Strict",
            secure=flask.current_app.config["SESSION_COOKIE_SECURE"],
        )
    return response


def _denied(error: Exception) -> flask.Response:
    return flask.Response(str(error), status=403, mimetype="text/plain")


def dashboard_setup(
    settings: Settings, *, csp_extra: Mapping[str, str] | None = DASHBOARD_CSP_EXTRA
):
    """The `extra_setup(server, app)` hook for `dashboard.app.create_app`: headers, CSP with
    the dashboard's inline-script hashes, and a login when DEMOGRAFIE_PUBLIC is false.

    The dashboard's callbacks and API only read published data, so CSRF is checked on its
    login and logout forms only (a forged read returns nothing the attacker can see: no CORS).
    """

    def setup(server: flask.Flask, app) -> None:
        install(
            server,
            settings,
            app_name="dashboard",
            script_hashes=app.csp_hashes,
            csp_extra=csp_extra,
            csrf_everywhere=False,
        )

    return setup
