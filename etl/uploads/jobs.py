"""A small thread-based job runner: the page submits work and polls its progress.

State, progress and result live in the jobs table (etl.store.jobs), so any gunicorn worker can
answer the browser's polling, whichever worker runs the job. The runner and its pool belong to
the process's application object (`etl.app.Stores.jobs`); a job of a process that stops is
marked failed at the next start-up (`Stores.startup`).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Final

from sqlalchemy import Engine

from etl.errors import EtlError
from etl.store.jobs import create_job, update_job

log = logging.getLogger(__name__)
Progress = Callable[[int, str], None]
Work = Callable[[Progress], dict[str, Any]]
WORKERS: Final = 4


def new_job_id() -> str:
    return secrets.token_urlsafe(18)


def _run(engine: Engine, job_id: str, work: Work) -> None:
    update_job(engine, job_id, state="running", progress=1)

    def progress(percent: int, message: str) -> None:
        update_job(engine, job_id, progress=max(1, min(99, percent)), message=message)

    try:
        result = work(progress)
    except EtlError as error:
        update_job(
            engine,
            job_id,
            state="failed",
            message=str(error),
            result={"ok": False, "errors": [{"message": str(error)}]},
        )
    except Exception:
        # The job boundary: log the traceback for operators, show users a reference only.
        log.exception("Auftrag %s fehlgeschlagen", job_id)
        message = f"Interner Fehler (Auftrag {job_id}); bitte die Administration informieren."
        update_job(
            engine,
            job_id,
            state="failed",
            message=message,
            result={"ok": False, "errors": [{"message": message}]},
        )
    else:
        update_job(
            engine,
            job_id,
            state="done",
            progress=100,
            message="fertig",
            result=result,
            upload_id=result.get("upload_id"),
        )


class JobRunner:
    """Runs work in a thread pool of its own and records it in the jobs table of `engine`."""

    def __init__(self, engine: Engine, workers: int = WORKERS) -> None:
        self.engine = engine
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="portal-job")

    def submit(
        self,
        kind: str,
        owner: str,
        work: Work,
        *,
        job_id: str | None = None,
        wait: bool = False,
    ) -> str:
        """Record a job and run it in the pool; `wait` blocks until it ends (tests, CLI)."""
        job_id = job_id or new_job_id()
        create_job(self.engine, job_id, kind, owner)
        future: Future = self._pool.submit(_run, self.engine, job_id, work)
        if wait:
            future.result()
        return job_id

    def shutdown(self, *, wait: bool = True) -> None:
        """Stop taking work; `wait` lets the running jobs end first."""
        self._pool.shutdown(wait=wait)
