"""CSRF: a synchronizer token in the signed session plus a same-origin check.

The login form carries the token as a hidden field; Dash's POSTs send it as header
X-CSRF-Token (the portal's assets/csrf.js reads it from a non-HttpOnly cookie and wraps fetch).
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

import flask
from werkzeug.exceptions import Forbidden

CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def csrf_token() -> str:
    """The session's token, created on first use."""
    token = flask.session.get("csrf")
    if not token:
        token = flask.session["csrf"] = secrets.token_urlsafe(32)
    return token


def same_origin(request: flask.Request) -> bool:
    """Whether Origin and Sec-Fetch-Site (where the browser sends them) name this host."""
    origin = request.headers.get("Origin")
    if origin == "null" or (origin and urlsplit(origin).netloc != request.host):
        return False
    return request.headers.get("Sec-Fetch-Site", "same-origin") in ("same-origin", "none")


def check_csrf(request: flask.Request) -> None:
    """Raise Forbidden unless an unsafe request is same-origin and carries the session token."""
    if request.method in SAFE_METHODS:
        return
    expected = flask.session.get("csrf")
    sent = request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD, "")
    if not same_origin(request):
        raise Forbidden("Anfrage von fremder Herkunft abgelehnt.")
    if not expected or not sent or not secrets.compare_digest(str(sent), str(expected)):
        raise Forbidden("Sicherheitsmerkmal (CSRF) fehlt oder ist abgelaufen; Seite neu laden.")
