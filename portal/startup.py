"""Start-up duties of the portal, run by every start path (`python -m portal`, portal.wsgi).

At start: jobs a previous process left unfinished are marked failed, staged uploads older
than DEMOGRAFIE_UPLOAD_KEEP_HOURS, sessions past their absolute lifetime and login-attempt
windows older than a day are deleted. While
running: the same sweep at most once an hour (per process), so a long-lived gunicorn worker
deletes abandoned uploads too.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import flask

from etl.config import Settings

SWEEP_SECONDS = 3600
OLD_LOGIN_WINDOWS = dt.timedelta(days=1)


def run_startup_duties(settings: Settings) -> None:
    from etl.store.accounts import accounts_engine, end_stale_sessions
    from etl.store.jobs import fail_unfinished
    from etl.store.login_limits import forget_old_windows
    from etl.uploads.intake import discard_stale

    fail_unfinished(accounts_engine(settings), "Abgebrochen: das Portal wurde neu gestartet.")
    discard_stale(settings)
    end_stale_sessions(accounts_engine(settings))
    forget_old_windows(accounts_engine(settings), OLD_LOGIN_WINDOWS)


def install_upload_sweep(server: flask.Flask, settings: Settings) -> None:
    """Delete stale staged uploads and sessions from a request at most every SWEEP_SECONDS."""
    from etl.store.accounts import accounts_engine, end_stale_sessions
    from etl.store.login_limits import forget_old_windows
    from etl.uploads.intake import discard_stale

    lock, last = threading.Lock(), [time.monotonic()]

    @server.before_request
    def _sweep() -> None:
        now = time.monotonic()
        if now - last[0] < SWEEP_SECONDS or not lock.acquire(blocking=False):
            return
        try:
            last[0] = now
            discard_stale(settings)
            end_stale_sessions(accounts_engine(settings))
            forget_old_windows(accounts_engine(settings), OLD_LOGIN_WINDOWS)
        finally:
            lock.release()
