"""Load a register file into duckdb temp tables `persons` or `events`, validated.

One pass over the file parses, normalises and checks every row (etl.store.register.queries) into a
compact table; the row-by-row search for the offending line, column and value only runs when
that pass found something wrong.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from etl.errors import InputError
from etl.store.register.expressions import RegisterSource, date_expr, raw_sql
from etl.store.register.queries import (
    EVENTS_INVALID,
    Check,
    event_checks,
    events_select,
    person_checks,
    persons_sql,
)


def first_invalid(
    connection: duckdb.DuckDBPyConnection, source: RegisterSource, checks: list[Check]
) -> None:
    """Raise InputError for the first invalid row (file, line, column, value)."""
    flags = ", ".join(f"({condition}) AS bad{i}" for i, (_, condition, _) in enumerate(checks))
    any_bad = " OR ".join(f"coalesce(bad{i}, true)" for i in range(len(checks)))
    query = (
        f"SELECT * FROM (SELECT row_number() OVER () AS line, {flags}, * FROM "
        f"{source.relation_sql}) WHERE {any_bad} ORDER BY line LIMIT 1"
    )
    connection.execute("SET preserve_insertion_order = true")  # line numbers need the order
    try:
        row = connection.execute(query).fetchone()
        names = [d[0] for d in connection.description]
    except duckdb.Error as error:
        raise InputError(f"Datei nicht lesbar: {error}", file=source.path.name) from None
    if row is None:
        return
    record = dict(zip(names, row, strict=True))
    for i, (column, _, message) in enumerate(checks):
        if record[f"bad{i}"] is not False:
            original = source.columns.get(column, column)
            raise InputError(
                f"{message} Gefunden: {record.get(original)!r}.",
                file=source.path.name,
                row=record["line"] + source.first_line - 1,
                column=original,
            )


def _create(connection: duckdb.DuckDBPyConnection, source: RegisterSource, sql: str) -> None:
    try:
        connection.execute(sql)
    except duckdb.Error as error:
        raise InputError(f"Datei nicht lesbar: {error}", file=source.path.name) from None


def _file_reference(
    connection: duckdb.DuckDBPyConnection, source: RegisterSource
) -> dt.date | None:
    """Some reference date written in the file (all must be equal; checked while loading)."""
    if "reference_date" not in source.columns:
        return None
    date = date_expr(source, "reference_date")
    try:
        row = connection.execute(
            f"SELECT {date} FROM {source.relation_sql} WHERE {date} IS NOT NULL LIMIT 1"
        ).fetchone()
    except duckdb.Error as error:
        raise InputError(f"Datei nicht lesbar: {error}", file=source.path.name) from None
    return row[0] if row else None


def load_persons(
    connection: duckdb.DuckDBPyConnection, source: RegisterSource, given: dt.date | None
) -> tuple[dt.date, int]:
    """Temp table `persons` (see queries.persons_sql), checked; (reference date, rows).

    The reference date comes from the file (one per file) or `given` (the CLI option); both
    must agree. Ages are computed while loading, so nobody may be born after that date.
    """
    has_column = "reference_date" in source.columns
    if not has_column and given is None:
        raise InputError(
            "Kein Stichtag: Spalte reference_date/Stichtag fehlt; bitte "
            "--reference-date JJJJ-MM-TT angeben.",
            file=source.path.name,
        )
    in_file = _file_reference(connection, source)
    _create(
        connection,
        source,
        "CREATE OR REPLACE TEMP TABLE persons AS " + persons_sql(source, given or in_file, in_file),
    )
    rows, bad, other, youngest = connection.execute(
        "SELECT count(*), count(*) FILTER (WHERE invalid), count(*) FILTER (WHERE "
        "other_reference), min(age) FROM persons"
    ).fetchone()
    if bad:
        first_invalid(connection, source, person_checks(source))
        raise InputError("Ungültige Zeile (nicht näher bestimmbar).", file=source.path.name)
    _check_unique_persons(connection, source)
    if other:
        _several_reference_dates(connection, source)
    found = in_file if has_column and rows else given
    if given is not None and found != given:
        raise InputError(
            f"Stichtag der Datei ({found}) widerspricht --reference-date {given}.",
            file=source.path.name,
            column=source.columns["reference_date"],
        )
    if found is None:
        raise InputError("Die Datei enthält keine Personen.", file=source.path.name)
    if youngest is not None and youngest < 0:
        birth = source.columns.get("birth_date", source.columns.get("birth_year"))
        raise InputError("Geburtsdatum nach dem Stichtag.", file=source.path.name, column=birth)
    return found, int(rows)


def _several_reference_dates(connection: duckdb.DuckDBPyConnection, source: RegisterSource) -> None:
    """Raise for the first line whose reference date differs from the first line's."""
    date = date_expr(source, "reference_date")
    connection.execute("SET preserve_insertion_order = true")
    first = connection.execute(f"SELECT {date} FROM {source.relation_sql} LIMIT 1").fetchone()[0]
    first_sql = f"DATE '{first}'" if first else "NULL::DATE"
    first_invalid(
        connection,
        source,
        [
            (
                "reference_date",
                f"{date} IS DISTINCT FROM {first_sql}",
                f"Mehrere Stichtage in einer Datei (erste Zeile: {first}); je Datei ist nur ein "
                "Stichtag erlaubt.",
            )
        ],
    )
    raise InputError("Mehrere Stichtage in einer Datei.", file=source.path.name)


def load_events(connection: duckdb.DuckDBPyConnection, source: RegisterSource) -> int:
    """Temp table `events` (normalised columns), checked; returns its row count."""
    _create(
        connection,
        source,
        "CREATE OR REPLACE TEMP TABLE events AS SELECT *, coalesce(("
        f"{EVENTS_INVALID}), true) AS invalid FROM (SELECT {events_select(source)} FROM "
        f"{source.relation_sql})",
    )
    rows, bad = connection.execute(
        "SELECT count(*), count(*) FILTER (WHERE invalid) FROM events"
    ).fetchone()
    if bad:
        first_invalid(connection, source, event_checks(source))
        raise InputError("Ungültige Zeile (nicht näher bestimmbar).", file=source.path.name)
    return int(rows)


def _check_unique_persons(connection: duckdb.DuckDBPyConnection, source: RegisterSource) -> None:
    """Person ids are compared by a 64-bit hash first; a hit is confirmed on the text.

    Sorting the hashes in numpy (8 bytes a person) costs a fraction of a duckdb GROUP BY with
    one group per person.
    """
    import numpy as np

    hashes = connection.execute("SELECT person_hash FROM persons").fetchnumpy()["person_hash"]
    hashes = np.sort(np.asarray(hashes, dtype="uint64"))
    repeated = np.unique(hashes[1:][hashes[1:] == hashes[:-1]])[:1000]
    if not len(repeated):
        return
    connection.execute("SET preserve_insertion_order = true")
    person_id = raw_sql(source, "person_id")
    line = connection.execute(
        "SELECT line FROM (SELECT line, row_number() OVER (PARTITION BY id ORDER BY line) "
        f"AS nth FROM (SELECT row_number() OVER () AS line, {person_id} AS id FROM "
        f"{source.relation_sql}) WHERE hash(id) IN ({', '.join(map(str, repeated.tolist()))})) "
        "WHERE nth = 2 "
        "ORDER BY line LIMIT 1"
    ).fetchone()
    if line is None:  # hash collisions of different ids only: nothing to report
        return
    raise InputError(
        "Personen-ID kommt mehrfach vor (jede Person nur einmal je Auszug).",
        file=source.path.name,
        row=line[0] + source.first_line - 1,
        column=source.columns["person_id"],
    )
