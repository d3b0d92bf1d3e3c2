"""Background jobs of the portal: state, progress and result, polled by the browser.

The table lives in its own MetaData `portal`, created in the accounts store by its migrations
(`python -m etl migrate`, `etl.app.Stores.migrate`), not in the restricted zone: job results
are validation reports for one uploader and must survive across gunicorn workers, while the
restricted zone's schema belongs to the pipeline.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    insert,
    select,
    update,
)

from etl.store.accounts import aware, now

portal = MetaData()

jobs = Table(
    "jobs",
    portal,
    Column("job_id", String(40), primary_key=True),
    Column("kind", String(16), nullable=False),  # validate | store | publish
    Column("owner", String(80), nullable=False),
    Column("state", String(12), nullable=False),  # queued | running | done | failed
    Column("progress", Integer, nullable=False, default=0),  # 0..100
    Column("message", Text, nullable=False, default=""),
    Column("result", Text, nullable=False, default="{}"),  # JSON
    Column("upload_id", String(64)),  # set by a store job: links the upload to its report
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
)

FINISHED = ("done", "failed")
UNFINISHED = ("queued", "running")


@dataclass(frozen=True)
class Job:
    """One background job as the jobs table holds it.

    kind: validate | store | publish; state: queued | running | done | failed; progress
    0..100. result: the job's JSON payload (a validation report, a stored upload, a release),
    read with `etl.uploads.records` where it has a record type.
    """

    job_id: str
    kind: str
    owner: str
    state: str
    progress: int
    message: str
    result: dict[str, Any]
    upload_id: str | None
    created_at: dt.datetime
    finished_at: dt.datetime | None

    @property
    def finished(self) -> bool:
        return self.state in FINISHED


def create_job(engine: Engine, job_id: str, kind: str, owner: str) -> None:
    with engine.begin() as connection:
        connection.execute(
            insert(jobs),
            {
                "job_id": job_id,
                "kind": kind,
                "owner": owner,
                "state": "queued",
                "progress": 0,
                "message": "",
                "result": "{}",
                "created_at": now(),
            },
        )


def update_job(engine: Engine, job_id: str, **values: Any) -> None:
    """Set state, progress, message or result (a dict, stored as JSON)."""
    if "result" in values:
        values["result"] = json.dumps(values["result"], ensure_ascii=False, default=str)
    if values.get("state") in FINISHED:
        values["finished_at"] = now()
    with engine.begin() as connection:
        connection.execute(update(jobs).where(jobs.c.job_id == job_id).values(**values))


def read_job(engine: Engine, job_id: str) -> Job | None:
    with engine.connect() as connection:
        row = connection.execute(select(jobs).where(jobs.c.job_id == job_id)).first()
    if row is None:
        return None
    return Job(
        job_id=row.job_id,
        kind=row.kind,
        owner=row.owner,
        state=row.state,
        progress=int(row.progress),
        message=row.message,
        result=json.loads(row.result or "{}"),
        upload_id=row.upload_id,
        created_at=aware(row.created_at),
        finished_at=aware(row.finished_at),
    )


def fail_unfinished(engine: Engine, message: str) -> int:
    """Mark jobs left running by a stopped process as failed (at start-up)."""
    with engine.begin() as connection:
        return connection.execute(
            update(jobs)
            .where(jobs.c.state.in_(UNFINISHED))
            .values(state="failed", message=message, finished_at=now())
        ).rowcount


def job_for_upload(engine: Engine, upload_id: str) -> Job | None:
    """The store job that created an upload (its result holds the validation report)."""
    with engine.connect() as connection:
        job_id = connection.execute(
            select(jobs.c.job_id).where(jobs.c.upload_id == upload_id)
        ).scalar()
    return None if job_id is None else read_job(engine, job_id)
