"""A small thread-based job runner: the page submits work and polls its progress.

State, progress and result live in the jobs table (etl.store.jobs), so any gunicorn worker can
answer the browser's polling, whichever worker runs the job. The pool is per process; a job
of a process that stops is marked failed at the next start of `python -m portal`.
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
_POOL = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="portal-job")


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


def submit(
    engine: Engine,
    kind: str,
    owner: str,
    work: Work,
    *,
    job_id: str | None = None,
    wait: bool = False,
) -> str:
    """Record a job and run it in the pool; `wait` blocks until it ends (tests, CLI)."""
    job_id = job_id or new_job_id()
    create_job(engine, job_id, kind, owner)
    future: Future = _POOL.submit(_run, engine, job_id, work)
    if wait:
        future.result()
    return job_id
