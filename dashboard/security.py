"""The dashboard's security layer (`websecurity`): headers and CSP always; a login only when
DEMOGRAFIE_PUBLIC is false.

The public dashboard mounts no login route and never opens the accounts store. A private
dashboard logs nobody in itself: it reads the portal's session cookie (same host, same
DEMOGRAFIE_SECRET_KEY), checks it against the accounts store read-only, and sends the browser
to the portal's login. It never sees the restricted zone in either mode.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from dash import Dash
from flask import Flask

import websecurity
from etl.app import EXTENSION as STORES_KEY

STYLESHEET = Path(__file__).resolve().parent / "assets" / "style.css"


def security_setup(
    *, csp_extra: Mapping[str, str] | None = websecurity.DASHBOARD_CSP_EXTRA
) -> Callable[[Flask, Dash], None]:
    """The `extra_setup` hook for `create_app` used by `python -m dashboard` and the WSGI entry.

    It secures the server with the `Stores` that `create_app` put in `server.extensions`.
    The dashboard's callbacks and API only read published data, so CSRF is checked on its
    login and logout forms only (a forged read returns nothing the attacker can see: no CORS).
    """

    def setup(server: Flask, app: Dash) -> None:
        stores = server.extensions[STORES_KEY]
        settings = stores.settings
        login_at = "" if settings.public_dashboard else settings.portal_url
        websecurity.install(
            server,
            stores,
            app_name="dashboard",
            script_hashes=app.csp_hashes,
            csp_extra=csp_extra,
            csrf_everywhere=False,
            login_stylesheet=STYLESHEET,
            login_at=login_at,
        )

    return setup
