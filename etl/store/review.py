"""Review state of uploads and the reads the portal's validation needs from the restricted zone.

An upload from the portal arrives with review_state `pending`; a statistician sets `accepted`
(it then counts for the next release, see `restricted.active_uploads`) or `rejected`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Final

import pandas as pd
from sqlalchemy import Engine, MetaData, select, update
from sqlalchemy.exc import OperationalError, ProgrammingError

from etl.errors import StoreError
from etl.store import schema
from etl.store.restricted import log_event, read_counts

REVIEW_STATES: Final = ("pending", "accepted", "rejected")
COUNT_TABLES: Final = {
    "population": "population_counts",
    "households": "household_counts",
    "events": "event_counts",
}


def set_review_state(
    engine: Engine, upload_id: str, state: str, *, actor: str, note: str = ""
) -> None:
    """Accept or reject an active upload; the change and its note go to the audit log."""
    if state not in REVIEW_STATES:
        raise StoreError(f"Prüfstatus {state!r} unbekannt; erlaubt: {', '.join(REVIEW_STATES)}.")
    uploads = schema.uploads
    with engine.begin() as connection:
        row = connection.execute(
            select(uploads.c.municipality, uploads.c.state, uploads.c.review_state)
            .where(uploads.c.upload_id == upload_id)
            .with_for_update()
        ).first()
        if row is None:
            raise StoreError(f"Meldung {upload_id!r} gibt es nicht.")
        if row.state != "active":
            raise StoreError(f"Meldung {upload_id} ist durch eine neuere ersetzt worden.")
        connection.execute(
            update(uploads).where(uploads.c.upload_id == upload_id).values(review_state=state)
        )
        log_event(
            connection,
            actor,
            "review",
            {
                "upload_id": upload_id,
                "municipality": row.municipality,
                "from": row.review_state,
                "to": state,
                "note": note,
            },
        )


def uploads_of(engine: Engine, municipalities: list[str] | None = None) -> pd.DataFrame:
    """All uploads (history included), newest first; only those of `municipalities` if given."""
    query = select(schema.uploads).order_by(schema.uploads.c.received_at.desc())
    if municipalities is not None:
        query = query.where(schema.uploads.c.municipality.in_(municipalities))
    with engine.connect() as connection:
        return pd.read_sql(query, connection, dtype={"municipality": "str"})


def active_upload(engine: Engine, municipality: str, reference_date: dt.date) -> str | None:
    """The active upload id of a municipality and reference date (any review state)."""
    uploads = schema.uploads
    with engine.connect() as connection:
        return connection.execute(
            select(uploads.c.upload_id).where(
                uploads.c.municipality == municipality,
                uploads.c.reference_date == reference_date,
                uploads.c.state == "active",
            )
        ).scalar()


def previous_year_upload(engine: Engine, municipality: str, before: dt.date):
    """(upload id, reference date) of the active upload with the latest date in an earlier
    year, or None."""
    uploads = schema.uploads
    with engine.connect() as connection:
        return connection.execute(
            select(uploads.c.upload_id, uploads.c.reference_date)
            .where(
                uploads.c.municipality == municipality,
                uploads.c.reference_date < dt.date(before.year, 1, 1),
                uploads.c.state == "active",
            )
            .order_by(uploads.c.reference_date.desc())
            .limit(1)
        ).first()


def upload_tables(engine: Engine, upload_id: str) -> dict[str, pd.DataFrame]:
    """The three count tables of one upload, without the upload id column."""
    return {
        name: read_counts(engine, table, [upload_id]).drop(columns=["upload_id"])
        for name, table in COUNT_TABLES.items()
    }


def official_totals(engine: Engine, municipality: str, year: int) -> pd.DataFrame:
    """Imported official population values of one municipality and year (all ages)."""
    values = schema.official_values
    query = select(values.c.table_code, values.c.sex, values.c.value).where(
        values.c.ags == municipality,
        values.c.year == year,
        values.c.measure == "population",
        values.c.age_from.is_(None) | (values.c.age_from == 0),
        values.c.age_to.is_(None),
    )
    with engine.connect() as connection:
        return pd.read_sql(query, connection)


def table_fingerprints(engine: Engine, metadata: MetaData) -> dict[str, str]:
    """SHA-256 over the sorted rows of every table: equal fingerprints, equal contents."""
    fingerprints = {}
    with engine.connect() as connection:
        for name, table in sorted(metadata.tables.items()):
            try:
                rows = connection.execute(select(table)).all()
            except (OperationalError, ProgrammingError) as error:  # a missing table
                fingerprints[name] = f"missing: {type(error).__name__}"
                connection.rollback()
                continue
            lines = sorted(repr(tuple(row)) for row in rows)
            fingerprints[name] = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    return fingerprints
