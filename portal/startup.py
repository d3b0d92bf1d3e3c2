"""The portal's periodic sweep; its start-up duties are `etl.app.Stores.startup`.

Every start path (`python -m portal`, portal.wsgi) runs `stores.startup()` before it serves:
the stores are migrated, jobs a previous process left unfinished are marked failed, staged
uploads older than DEMOGRAFIE_UPLOAD_KEEP_HOURS, sessions past their absolute lifetime and
login-attempt windows older than a day are deleted. While running: the same sweep
(`stores.sweep()`) at most once an hour (per process), so a long-lived gunicorn worker deletes
abandoned uploads too.
"""

from __future__ import annotations

import threading
import time

import flask

from etl.app import Stores

SWEEP_SECONDS = 3600


def install_upload_sweep(server: flask.Flask, stores: Stores) -> None:
    """Delete stale staged uploads and sessions from a request at most every SWEEP_SECONDS."""
    lock, last = threading.Lock(), [time.monotonic()]

    @server.before_request
    def _sweep() -> None:
        now = time.monotonic()
        if now - last[0] < SWEEP_SECONDS or not lock.acquire(blocking=False):
            return
        try:
            last[0] = now
            stores.sweep()
        finally:
            lock.release()
