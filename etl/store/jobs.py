"""Background jobs of the portal: state, progress and result, polled by the browser.

The table lives in its own MetaData `portal`, created in the accounts store by its migrations
(`python -m etl migrate`, `etl.app.Stores.migrate`), not in the restricted zone: job results
are validation reports for one uploader and must survive across gunicorn workers, while the
restricted zone's schema belongs to the pipeline.
"""

from __future__ import annotations

import json
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


def read_job(engine: Engine, job_id: str) -> dict[str, Any] | None:
    with engine.connect() as connection:
        row = connection.execute(select(jobs).where(jobs.c.job_id == job_id)).first()
    if row is None:
        return None
    record = dict(row._mapping)
    record["result"] = json.loads(record["result"] or "{}")
    record["created_at"], record["finished_at"] = (
        aware(record["created_at"]),
        aware(record["finished_at"]),
    )
    return record


def fail_unfinished(engine: Engine, message: str) -> int:
    """Mark jobs left running by a stopped process as failed (at start-up)."""
    with engine.begin() as connection:
        return connection.execute(
            update(jobs)
            .where(jobs.c.state.in_(("queued", "running")))
            .values(state="failed", message=message, finished_at=now())
        ).rowcount


def job_for_upload(engine: Engine, upload_id: str) -> dict[str, Any] | None:
    """The store job that created an upload (its result holds the validation report)."""
    with engine.connect() as connection:
        job_id = connection.execute(
            select(jobs.c.job_id).where(jobs.c.upload_id == upload_id)
        ).scalar()
    return None if job_id is None else read_job(engine, job_id)
