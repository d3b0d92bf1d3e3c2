"""WSGI entry for gunicorn: `gunicorn dashboard.wsgi:server` (settings from the environment)."""

from __future__ import annotations

import os

from dashboard.app import create_app
from dashboard.security import security_setup
from etl.config import Settings

settings = Settings.from_env(os.environ)
server = create_app(settings, extra_setup=security_setup(settings)).server
