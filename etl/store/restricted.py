"""Writes and reads of the restricted zone. Every write is one transaction: all or nothing."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, delete, insert, select, text, update

from etl.model import TABLE_COLUMNS, ExtractBundle
from etl.store import schema


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _column_values(column: pd.Series) -> list[Any]:
    """A column as Python values, missing ones (NaN, NaT, NA) as None."""
    kind = column.dtype.kind if isinstance(column.dtype, np.dtype) else None
    if kind is not None and kind in "iub":  # numpy integers and booleans cannot be missing
        return column.to_numpy().tolist()
    if kind is not None and kind in "fO":
        values = column.to_numpy()
        missing = pd.isna(values)
        return np.where(missing, None, values).tolist() if missing.any() else values.tolist()
    # Nullable and string extension types, dates and times: as pandas boxes them.
    return column.astype(object).where(column.notna(), None).tolist()


def _insert_frame(connection: Connection, table, frame: pd.DataFrame, **constants: Any) -> None:
    """Insert the frame's rows (one executemany), each with the `constants` added."""
    if frame.empty:
        return
    names = [*map(str, frame.columns), *constants]
    values = [_column_values(frame[column]) for column in frame.columns]
    rows = zip(*values, *([value] * len(frame) for value in constants.values()), strict=True)
    connection.execute(insert(table), [dict(zip(names, row, strict=True)) for row in rows])


def log_event(connection: Connection, actor: str, action: str, detail: dict[str, Any]) -> None:
    """Append to the audit log inside the caller's transaction."""
    connection.execute(
        insert(schema.audit_log),
        {
            "at": now(),
            "actor": actor,
            "action": action,
            "detail": json.dumps(detail, ensure_ascii=False, default=str),
        },
    )


def upload_id_for(bundle: ExtractBundle, sha256: str) -> str:
    stamp = now().strftime("%Y%m%dT%H%M%S%f")
    return f"{bundle.municipality}-{bundle.reference_date:%Y%m%d}-{stamp}-{sha256[:8]}"


def bundle_sha256(bundle: ExtractBundle) -> str:
    """Content hash of the extract's tables, independent of file format."""
    digest = hashlib.sha256()
    for name in TABLE_COLUMNS:
        digest.update(_sorted_csv(bundle.table(name), TABLE_COLUMNS[name]).encode())
    return digest.hexdigest()


def _sorted_csv(frame: pd.DataFrame, order: tuple[str, ...]) -> str:
    """The frame as `frame.sort_values(list(order)).to_csv(index=False)` writes it, but built
    with the csv module: the same text (hashes of stored uploads stay valid) without the fixed
    cost of a pandas sort and writer per table."""
    columns = [str(c) for c in frame.columns]
    positions = [columns.index(name) for name in order]
    rows = sorted(
        zip(*(frame[c].tolist() for c in frame.columns), strict=True),
        key=lambda row: tuple(row[p] for p in positions),
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=os.linesep)
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue()


def save_extract(
    engine: Engine,
    bundle: ExtractBundle,
    *,
    file_name: str,
    actor: str = "etl",
    review_state: str = "accepted",
) -> str:
    """Store an extract; it replaces the active one of the same municipality and date.

    The replaced upload stays in history with state `superseded`. Returns the new upload id.
    """
    sha = bundle_sha256(bundle)
    upload_id = upload_id_for(bundle, sha)
    with engine.begin() as connection:
        _lock_municipality(connection, bundle.municipality)
        # Supersede first: the UPDATE takes SQLite's write lock at once, so two concurrent
        # uploads of one municipality and date cannot both stay active (unique index too).
        previous = (
            connection.execute(
                update(schema.uploads)
                .where(
                    schema.uploads.c.municipality == bundle.municipality,
                    schema.uploads.c.reference_date == bundle.reference_date,
                    schema.uploads.c.state == "active",
                )
                .values(state="superseded", superseded_by=upload_id)
                .returning(schema.uploads.c.upload_id)
            )
            .scalars()
            .all()
        )
        connection.execute(
            insert(schema.uploads),
            {
                "upload_id": upload_id,
                "municipality": bundle.municipality,
                "reference_date": bundle.reference_date,
                "file_name": file_name,
                "sha256": sha,
                "manifest": json.dumps(bundle.manifest, ensure_ascii=False, default=str),
                "received_at": now(),
                "uploaded_by": actor,
                "state": "active",
                "review_state": review_state,
            },
        )
        for name, table in (
            ("population", schema.population_counts),
            ("households", schema.household_counts),
            ("events", schema.event_counts),
        ):
            _insert_frame(connection, table, bundle.table(name), upload_id=upload_id)
        log_event(
            connection,
            actor,
            "upload",
            {
                "upload_id": upload_id,
                "municipality": bundle.municipality,
                "reference_date": bundle.reference_date,
                "file": file_name,
                "replaces": previous,
            },
        )
    return upload_id


def upload_lock_key(municipality: str) -> int:
    """Advisory-lock key of a municipality's uploads (shared with the portal's upload lock)."""
    return zlib.crc32(f"demografie-upload-{municipality}".encode())


def _lock_municipality(connection: Connection, municipality: str) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": upload_lock_key(municipality)}
        )


@contextmanager
def _connected(bind: Engine | Connection) -> Iterator[Connection]:
    if isinstance(bind, Connection):
        yield bind
    else:
        with bind.connect() as connection:
            yield connection


@contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """One consistent read of the restricted zone (REPEATABLE READ; SQLite: one transaction)."""
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                yield connection
        else:
            connection.exec_driver_sql("BEGIN")
            try:
                yield connection
            finally:
                connection.exec_driver_sql("ROLLBACK")


def active_uploads(engine: Engine | Connection) -> pd.DataFrame:
    """Active, accepted uploads: one per municipality and reference date."""
    query = (
        select(schema.uploads)
        .where(schema.uploads.c.state == "active", schema.uploads.c.review_state == "accepted")
        .order_by(schema.uploads.c.reference_date, schema.uploads.c.municipality)
    )
    with _connected(engine) as connection:
        return pd.read_sql(query, connection, dtype={"municipality": "str"})


def all_uploads(engine: Engine) -> pd.DataFrame:
    with engine.connect() as connection:
        return pd.read_sql(
            select(schema.uploads).order_by(schema.uploads.c.received_at), connection
        )


def read_counts(
    engine: Engine | Connection, table_name: str, upload_ids: list[str]
) -> pd.DataFrame:
    """Counts of the given uploads from `population_counts`, `household_counts` or
    `event_counts`, with the upload id."""
    table = schema.restricted.tables[table_name]
    if not upload_ids:
        return pd.DataFrame(columns=[c.name for c in table.columns])
    with _connected(engine) as connection:
        return pd.read_sql(
            select(table).where(table.c.upload_id.in_(upload_ids)),
            connection,
            dtype={"area_key": "str"},
        )


def replace_table(
    engine: Engine,
    table_name: str,
    frame: pd.DataFrame,
    *,
    actor: str,
    detail: dict[str, Any],
    where: Any = None,
) -> None:
    """Replace the rows of a master table (all rows, or those matching `where`) atomically."""
    replace_tables(engine, {table_name: (frame, where)}, actor=actor, detail=detail)


def replace_tables(
    engine: Engine,
    frames: dict[str, tuple[pd.DataFrame, Any]],
    *,
    actor: str,
    detail: dict[str, Any],
) -> None:
    """Replace several master tables in one transaction: {name: (frame, where or None)}."""
    with engine.begin() as connection:
        for table_name, (frame, where) in frames.items():
            table = schema.restricted.tables[table_name]
            connection.execute(delete(table) if where is None else delete(table).where(where))
            _insert_frame(connection, table, frame)
            log_event(connection, actor, f"import-{table_name}", {**detail, "rows": len(frame)})


def save_official(
    engine: Engine, source: dict[str, Any], values: pd.DataFrame, *, actor: str = "etl"
) -> None:
    """Store one imported official table; a re-import of the same table code replaces it."""
    table_code = source["table_code"]
    with engine.begin() as connection:
        old = (
            connection.execute(
                select(schema.official_sources.c.source_id).where(
                    schema.official_sources.c.table_code == table_code
                )
            )
            .scalars()
            .all()
        )
        connection.execute(
            delete(schema.official_values).where(schema.official_values.c.source_id.in_(old))
        )
        connection.execute(
            delete(schema.official_sources).where(schema.official_sources.c.source_id.in_(old))
        )
        connection.execute(insert(schema.official_sources), {**source, "imported_at": now()})
        _insert_frame(
            connection,
            schema.official_values,
            values,
            source_id=source["source_id"],
            table_code=table_code,
        )
        log_event(
            connection,
            actor,
            "import-genesis",
            {"table_code": table_code, "rows": len(values), "replaces": old},
        )


def read_table(engine: Engine | Connection, table_name: str) -> pd.DataFrame:
    """A whole restricted master table (areas, boundaries, region_sets, crosswalk, official_*)."""
    table = schema.restricted.tables[table_name]
    key_columns = {c.name: "str" for c in table.columns if c.name.endswith("_key")}
    key_columns.update({c: "str" for c in ("ags", "municipality") if c in table.columns})
    with _connected(engine) as connection:
        return pd.read_sql(select(table), connection, dtype=key_columns)


def read_audit_log(engine: Engine, limit: int = 200) -> pd.DataFrame:
    with engine.connect() as connection:
        return pd.read_sql(
            select(schema.audit_log).order_by(schema.audit_log.c.id.desc()).limit(limit),
            connection,
        )
