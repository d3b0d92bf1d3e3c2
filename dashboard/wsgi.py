"""WSGI entry for gunicorn: `gunicorn dashboard.wsgi:server` (settings from the environment).

Each worker imports this module after the fork and builds its own application object.

ProxyFix trusts DEMOGRAFIE_PROXY_HOPS reverse proxies, so logins (DEMOGRAFIE_PUBLIC=false)
work behind a proxy that rewrites the Host header.
"""

from __future__ import annotations

import os

from dashboard.app import create_app
from dashboard.security import security_setup
from etl.app import Stores
from etl.config import Settings
from websecurity.proxy import trust_proxies

settings = Settings.from_env(os.environ)
stores = Stores(settings, read_only=True)  # this worker's application object
server = create_app(settings, stores=stores, extra_setup=security_setup()).server
trust_proxies(server, settings.proxy_hops)
