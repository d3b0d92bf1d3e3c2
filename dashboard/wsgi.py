"""WSGI entry for gunicorn: `gunicorn dashboard.wsgi:server` (settings from the environment)."""

from __future__ import annotations

import os

from dashboard.app import create_app
from etl.config import Settings

server = create_app(Settings.from_env(os.environ)).server
