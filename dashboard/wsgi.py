"""WSGI entry for gunicorn: `gunicorn dashboard.wsgi:server` (settings from the environment).

ProxyFix trusts DEMOGRAFIE_PROXY_HOPS reverse proxies, so logins (DEMOGRAFIE_PUBLIC=false)
work behind a proxy that rewrites the Host header.
"""

from __future__ import annotations

import os

from dashboard.app import create_app
from dashboard.security import security_setup
from etl.config import Settings
from websecurity.proxy import trust_proxies

settings = Settings.from_env(os.environ)
server = create_app(settings, extra_setup=security_setup(settings)).server
trust_proxies(server, settings.proxy_hops)
