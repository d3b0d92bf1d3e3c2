"""The application object of one process: settings, one engine per store, the job runner.

Each entry point builds one `Stores` and passes it on: the CLI (`etl.cli.main`), the
dashboard's `create_app` and the portal's `create_app` (and their WSGI modules). Nothing else
holds process state: no module-level engine caches, caches or thread pools.

Getting an engine only opens a connection pool. Tables are created and upgraded by one
explicit step, `migrate` (`python -m etl migrate`, the writing CLI commands before they
write, and the portal's `startup`), never as a side effect of a getter.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Final

from sqlalchemy import Engine

from etl.config import Settings
from etl.errors import StoreError
from etl.store.accounts import accounts_reader_engine, accounts_writer_engine
from etl.store.engine import publisher_engine, reader_engine, restricted_engine
from etl.store.migrate import ZONES, upgrade_zone
from etl.uploads.jobs import WORKERS, JobRunner

EXTENSION: Final = "demografie_stores"  # key of the Stores in a Flask server's `extensions`
OLD_LOGIN_WINDOWS: Final = dt.timedelta(days=1)
UNFINISHED_MESSAGE: Final = "Abgebrochen: das Portal wurde neu gestartet."
WRITERS: Final = frozenset({"restricted", "publisher", "accounts"})


class Stores:
    """Engines, job runner and start-up duties of one process; thread-safe.

    Engines open on first use, one per store, and are shared by every thread of the process
    (a gunicorn worker builds its own Stores after the fork, in the WSGI module). A process
    that only reads (the dashboard) builds it with `read_only=True`: asking it for a writing
    engine raises StoreError, so it can never open the restricted zone.
    """

    def __init__(
        self, settings: Settings, *, read_only: bool = False, job_workers: int = WORKERS
    ) -> None:
        self.settings = settings
        self.read_only = read_only
        self._job_workers = job_workers
        self._lock = threading.Lock()
        self._engines: dict[str, Engine] = {}
        self._jobs: JobRunner | None = None

    def __repr__(self) -> str:
        mode = ", read_only" if self.read_only else ""
        return f"Stores(home={self.settings.home!s}, open={sorted(self._engines)}{mode})"

    def _engine(self, name: str, opener: Callable[[Settings], Engine]) -> Engine:
        if self.read_only and name in WRITERS:
            raise StoreError(
                f"Dieser Prozess liest nur (Stores(read_only=True)); der Zugang {name!r} "
                "ist nur ETL und Portal vorbehalten."
            )
        with self._lock:
            if name not in self._engines:
                self._engines[name] = opener(self.settings)
            return self._engines[name]

    @property
    def restricted(self) -> Engine:
        """Read-write engine of the restricted zone (ETL and portal only)."""
        return self._engine("restricted", restricted_engine)

    @property
    def publisher(self) -> Engine:
        """Read-write engine of the published zone (publishing only)."""
        return self._engine("publisher", publisher_engine)

    @property
    def reader(self) -> Engine:
        """Read-only engine of the published zone: the dashboard's and the API's."""
        return self._engine("reader", reader_engine)

    @property
    def accounts(self) -> Engine:
        """Read-write engine of the accounts store (users, sessions, jobs)."""
        return self._engine("accounts", accounts_writer_engine)

    @property
    def accounts_reader(self) -> Engine:
        """Read-only engine of the accounts store: the private dashboard checks sessions."""
        return self._engine("accounts_reader", accounts_reader_engine)

    @property
    def jobs(self) -> JobRunner:
        """The background job runner; jobs are recorded in the accounts store."""
        accounts = self.accounts
        with self._lock:
            if self._jobs is None:
                self._jobs = JobRunner(accounts, self._job_workers)
            return self._jobs

    def migrate(self, *zones: str) -> dict[str, str]:
        """Create or upgrade the named stores (all three by default); returns their revisions.

        The one place that runs DDL for a process. Unknown zone names raise ValueError.
        """
        writers = {"restricted": "restricted", "published": "publisher", "accounts": "accounts"}
        unknown = set(zones) - set(ZONES)
        if unknown:
            raise ValueError(f"Unknown store {sorted(unknown)}; expected some of {ZONES}.")
        return {zone: upgrade_zone(getattr(self, writers[zone]), zone) for zone in zones or ZONES}

    def startup(self) -> None:
        """The portal's start-up duties: stores migrated, unfinished jobs failed, a sweep."""
        from etl.store.jobs import fail_unfinished

        self.migrate()
        fail_unfinished(self.accounts, UNFINISHED_MESSAGE)
        self.sweep()

    def sweep(self) -> None:
        """Delete stale staged uploads, expired sessions and login windows older than a day."""
        from etl.store.accounts import end_stale_sessions
        from etl.store.login_limits import forget_old_windows
        from etl.uploads.intake import discard_stale

        discard_stale(self.settings)
        end_stale_sessions(self.accounts)
        forget_old_windows(self.accounts, OLD_LOGIN_WINDOWS)

    def close(self) -> None:
        """Let running jobs end, then close every connection pool (tests, process exit, before
        a fork). The object stays usable: engines and the job runner reopen on next use."""
        with self._lock:
            jobs, self._jobs = self._jobs, None
            engines, self._engines = list(self._engines.values()), {}
        if jobs is not None:
            jobs.shutdown(wait=True)
        for engine in engines:
            engine.dispose()
