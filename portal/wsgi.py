"""WSGI entry point: `gunicorn portal.wsgi:server` (set DEMOGRAFIE_SECRET_KEY for >1 worker).

Behind a TLS-terminating proxy, set DEMOGRAFIE_PORTAL_URL=https://... (secure cookies) and
let the proxy send X-Forwarded-Proto/-Host: ProxyFix trusts one proxy hop.
"""

from __future__ import annotations

import os

from werkzeug.middleware.proxy_fix import ProxyFix

from etl.config import Settings
from portal.app import create_app

app = create_app(Settings.from_env(os.environ))
server = app.server
server.wsgi_app = ProxyFix(server.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
