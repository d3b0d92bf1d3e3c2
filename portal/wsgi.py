"""WSGI entry point: `gunicorn portal.wsgi:server` (set DEMOGRAFIE_SECRET_KEY for >1 worker).

Each worker builds its application object (`etl.app.Stores`) after the fork, runs the same
start-up duties as `python -m portal` (`stores.startup()`: stores migrated, unfinished jobs
failed, stale uploads deleted) and sweeps stale uploads hourly. Behind a TLS-terminating proxy, set
DEMOGRAFIE_PORTAL_URL=https://... (secure cookies); ProxyFix trusts DEMOGRAFIE_PROXY_HOPS
proxies for X-Forwarded-For/-Proto/-Host.
"""

from __future__ import annotations

import os

from etl.app import Stores
from etl.config import Settings
from portal.app import create_app
from portal.startup import install_upload_sweep
from websecurity.proxy import trust_proxies

settings = Settings.from_env(os.environ)
stores = Stores(settings)
stores.startup()
# Under `gunicorn --preload` this runs in the master before the fork: close the pools the
# start-up opened, so each worker opens its own connections (the Stores reopens on first use).
stores.close()
app = create_app(settings, stores=stores)
server = app.server
install_upload_sweep(server, stores)
trust_proxies(server, settings.proxy_hops)
