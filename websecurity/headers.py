"""Response headers: a strict Content Security Policy, framing and sniffing rules, caching.

A response marked cacheable (`Cache-Control: public` or `immutable`, e.g. the geometry of a
release) never carries a cookie: a shared cache would hand one visitor's cookie to the next.
`CookielessCacheableSessions` keeps Flask from saving the session on such responses and
`add_headers` drops any other Set-Cookie there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import flask
from flask.sessions import SecureCookieSessionInterface

# Plotly's map traces (MapLibre) start their tile workers from blob: URLs and draw into
# blob:/data: images; nothing else is loosened for the dashboard (no tiles: the map has none).
DASHBOARD_CSP_EXTRA = {"worker-src": "'self' blob:", "img-src": "blob:"}


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


def is_cacheable(response: flask.Response) -> bool:
    """Whether shared caches may store the response (then it must carry no cookie)."""
    control = response.headers.get("Cache-Control", "")
    return "public" in control or "immutable" in control


class CookielessCacheableSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, minus the cookie on cacheable responses."""

    def save_session(self, app: flask.Flask, session, response: flask.Response) -> None:
        if is_cacheable(response):
            return
        super().save_session(app, session, response)


class ReadOnlySessions(CookielessCacheableSessions):
    """Reads another app's session cookie (the portal's) and never writes one."""

    def save_session(self, app: flask.Flask, session, response: flask.Response) -> None:
        return None


def add_headers(
    response: flask.Response, csp: str, *, secure: bool, no_store: bool
) -> flask.Response:
    """The security headers every response gets; Cache-Control no-store where asked."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", csp)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if no_store:
        headers["Cache-Control"] = "no-store"
    if is_cacheable(response):
        headers.remove("Set-Cookie")
    return response
