"""Aggregate normalised register tables (duckdb temp tables `persons`, `events`) into counts.

The caller passes the duckdb connection in (see etl.extract.register.load_register); every
query groups, so no person-level row leaves duckdb. Output tables follow etl.model: long
format, one row per non-zero cell, sorted by their key columns.

Age at the reference date: from the date of birth in completed years; from a year of birth
only, reference year minus birth year (exact at 31 December, the usual reference date).
Events count the 12 months up to the reference date (after the same day one year earlier, up
to and including the reference date); their age is the age at the event date, for births the
mother's age.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Final

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from etl.errors import InputError
from etl.extract.inspire import cell_indices
from etl.extract.register import (
    EVENTS_INVALID,
    PERSONS_INVALID,
    Check,
    RegisterSource,
    date_expr,
    event_checks,
    events_select,
    open_source,
    person_checks,
    persons_select,
    raw_sql,
)
from etl.model import (
    AREA_LEVELS,
    GRID_NATIONALITY,
    MAX_HOUSEHOLD_SIZE,
    TABLE_COLUMNS,
    ExtractBundle,
)
from etl.transform.ages import MAX_AGE

COORDINATE_BATCH: Final = 1_000_000
INT_COLUMNS: Final = ("age", "size", "count")


def age_sql(birth_date: str, birth_year: str, at: str) -> str:
    """Completed years at `at` from a date of birth, else year(at) - birth year; capped 100."""
    exact = (f"year({at}) - year({birth_date}) - CASE WHEN month({at}) * 100 + day({at}) < "
             f"month({birth_date}) * 100 + day({birth_date}) THEN 1 ELSE 0 END")  # fmt: skip
    return f"least({MAX_AGE}, coalesce({exact}, year({at}) - {birth_year}))"


def _key_sql(level: str, municipality: str) -> str:
    if level == "gemeinde":
        return f"'{municipality}'"
    return f"'{municipality}-' || ortsteil"


def _levels(municipality: str) -> list[tuple[str, str, str]]:
    """(level, key SQL, filter SQL) of the administrative levels."""
    return [("gemeinde", _key_sql("gemeinde", municipality), "true"),
            ("ortsteil", _key_sql("ortsteil", municipality), "ortsteil IS NOT NULL")]  # fmt: skip


def finish(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Columns in model order, integer counts, sorted by level order and keys."""
    columns = list(TABLE_COLUMNS[table])
    result = frame.reindex(columns=columns).copy()
    for column in INT_COLUMNS:
        if column in result:
            result[column] = result[column].astype("int64")
    for column in columns:
        if column not in INT_COLUMNS:
            result[column] = result[column].astype(object)
    level_rank = result["area_level"].map({level: i for i, level in enumerate(AREA_LEVELS)})
    order = result.assign(_rank=level_rank).sort_values(["_rank", *columns[1:-1]], kind="stable")
    return order.drop(columns="_rank").reset_index(drop=True)


def population(
    connection: duckdb.DuckDBPyConnection, municipality: str, reference_date: dt.date
) -> pd.DataFrame:
    """Population by area, sex, single year of age, nationality and residence (+ grid cells)."""
    age = age_sql("birth_date", "birth_year", f"DATE '{reference_date}'")
    connection.execute(
        f"CREATE OR REPLACE TEMP VIEW aged AS SELECT sex, {age} AS age, nationality, residence, "
        "ortsteil, x, y FROM persons"
    )
    # One pass for both levels: the Gemeinde total and the Ortsteile (grouping sets).
    administrative = connection.execute(
        "SELECT CASE WHEN grouping(ortsteil) = 1 THEN 'gemeinde' ELSE 'ortsteil' END AS "
        f"area_level, CASE WHEN grouping(ortsteil) = 1 THEN '{municipality}' ELSE "
        f"'{municipality}-' || ortsteil END AS area_key, sex, age, nationality, residence, "
        "count(*) AS count FROM aged GROUP BY GROUPING SETS ((sex, age, nationality, "
        "residence), (ortsteil, sex, age, nationality, residence)) "
        "HAVING grouping(ortsteil) = 1 OR ortsteil IS NOT NULL"
    ).df()
    return finish(pd.concat([administrative, grid_population(connection)]), "population")


def _coordinate_cells(connection: duckdb.DuckDBPyConnection) -> None:
    """Temp table coordinate_cells(x, y, n100, e100): the 100 m LAEA cell of each address."""
    reader = connection.sql(
        "SELECT DISTINCT x, y FROM aged WHERE residence = 'main' AND x IS NOT NULL"
    ).to_arrow_reader(COORDINATE_BATCH)
    batches = []
    for batch in reader:
        x = batch.column("x").to_numpy(zero_copy_only=False)
        y = batch.column("y").to_numpy(zero_copy_only=False)
        north, east = cell_indices(x, y, 100)
        batches.append(pa.table({"x": x, "y": y, "n100": north, "e100": east}))
    empty = pa.table({"x": np.array([], "float64"), "y": np.array([], "float64"),
                      "n100": np.array([], "int64"), "e100": np.array([], "int64")})  # fmt: skip
    connection.register("coordinate_cells_arrow", pa.concat_tables([empty, *batches]))
    connection.execute(
        "CREATE OR REPLACE TEMP TABLE coordinate_cells AS SELECT * FROM coordinate_cells_arrow"
    )
    connection.unregister("coordinate_cells_arrow")


def grid_population(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Main-residence population by INSPIRE cell (1 km, 100 m), sex and broad age group."""
    _coordinate_cells(connection)
    broad = "CASE WHEN age < 18 THEN 0 WHEN age < 65 THEN 18 ELSE 65 END"
    connection.execute(
        f"CREATE OR REPLACE TEMP TABLE grid_counts AS SELECT n100, e100, sex, {broad} AS age, "
        "count(*) AS n FROM aged JOIN coordinate_cells USING (x, y) "
        "WHERE residence = 'main' GROUP BY ALL"
    )
    return connection.execute(
        f"SELECT 'grid1km' AS area_level, '1kmN' || (n100 // 10) || 'E' || (e100 // 10) AS "
        f"area_key, sex, age, '{GRID_NATIONALITY}' AS nationality, 'main' AS residence, "
        "sum(n) AS count FROM grid_counts GROUP BY ALL UNION ALL "
        "SELECT 'grid100m', '100mN' || n100 || 'E' || e100, sex, age, "
        f"'{GRID_NATIONALITY}', 'main', sum(n) FROM grid_counts GROUP BY ALL"
    ).df()


def households(connection: duckdb.DuckDBPyConnection, municipality: str) -> pd.DataFrame:
    """Households (distinct ids among main residences) by size 1..5+; the Ortsteil of a
    household is its members' most frequent one (ties: the smallest code)."""
    main = "FROM persons WHERE residence = 'main' AND household_id IS NOT NULL"
    # Most households live in one Ortsteil (min = max); only the others need the mode.
    connection.execute(
        "CREATE OR REPLACE TEMP TABLE household_sizes AS WITH h AS (SELECT household_id, "
        f"count(*) AS size, min(ortsteil) AS lo, max(ortsteil) AS hi {main} "
        "GROUP BY household_id), mixed AS (SELECT household_id, arg_min(ortsteil, (-n, "
        "ortsteil)) AS ortsteil FROM (SELECT household_id, ortsteil, count(*) AS n "
        f"{main} AND ortsteil IS NOT NULL AND household_id IN (SELECT household_id FROM h "
        "WHERE lo <> hi) GROUP BY ALL) GROUP BY household_id) "
        f"SELECT household_id, least(size, {MAX_HOUSEHOLD_SIZE}) AS size, CASE WHEN lo = hi "
        "THEN lo ELSE mixed.ortsteil END AS ortsteil FROM h LEFT JOIN mixed USING (household_id)"
    )
    parts = [
        f"SELECT '{level}' AS area_level, {key} AS area_key, size, count(*) AS count "
        f"FROM household_sizes WHERE {condition} GROUP BY ALL"
        for level, key, condition in _levels(municipality)
    ]
    return finish(connection.execute(" UNION ALL ".join(parts)).df(), "households")


def events(
    connection: duckdb.DuckDBPyConnection,
    municipality: str,
    reference_date: dt.date,
    file: str | None = None,
) -> tuple[pd.DataFrame, int]:
    """Events of the 12 months up to the reference date; also the number of events counted."""
    at = f"DATE '{reference_date}'"
    person_age = age_sql("birth_date", "birth_year", "event_date")
    mother_age = age_sql("mother_birth_date", "mother_birth_year", "event_date")
    connection.execute(
        "CREATE OR REPLACE TEMP VIEW window_events AS SELECT event, sex, ortsteil, "
        f"CASE WHEN event = 'birth' THEN {mother_age} ELSE {person_age} END AS age FROM events "
        f"WHERE event_date > {at} - INTERVAL 1 YEAR AND event_date <= {at}"
    )
    parts = [
        f"SELECT '{level}' AS area_level, {key} AS area_key, event, sex, age, count(*) AS count "
        f"FROM window_events WHERE {condition} GROUP BY ALL"
        for level, key, condition in _levels(municipality)
    ]
    counted, negative = connection.execute(
        "SELECT count(*), count(*) FILTER (WHERE age < 0) FROM window_events"
    ).fetchone()
    if negative:
        raise InputError(f"{negative} Ereignisse liegen vor dem Geburtsdatum der Person (bei "
                         "Geburten: der Mutter); bitte Ereignis- und Geburtsdaten prüfen.",
                         file=file, column="event_date")  # fmt: skip
    return finish(connection.execute(" UNION ALL ".join(parts)).df(), "events"), int(counted)


def empty_table(table: str) -> pd.DataFrame:
    """A table of the model without rows."""
    return finish(pd.DataFrame(columns=list(TABLE_COLUMNS[table])), table)


def first_invalid(
    connection: duckdb.DuckDBPyConnection, source: RegisterSource, checks: list[Check]
) -> None:
    """Raise InputError for the first invalid row (file, line, column, value)."""
    flags = ", ".join(f"({condition}) AS bad{i}" for i, (_, condition, _) in enumerate(checks))
    any_bad = " OR ".join(f"coalesce(bad{i}, true)" for i in range(len(checks)))
    query = (f"SELECT * FROM (SELECT row_number() OVER () AS line, {flags}, * FROM "
             f"{source.relation_sql}) WHERE {any_bad} ORDER BY line LIMIT 1")  # fmt: skip
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
            value = record.get(original)
            raise InputError(
                f"{message} Gefunden: {value!r}.",
                file=source.path.name,
                row=record["line"] + source.first_line - 1,
                column=original,
            )


def load_register(connection: duckdb.DuckDBPyConnection, source: RegisterSource, table: str) -> int:
    """Create temp table `table` ('persons' or 'events') from the file; validate; row count."""
    checks = person_checks(source) if table == "persons" else event_checks(source)
    columns = persons_select(source) if table == "persons" else events_select(source)
    invalid = PERSONS_INVALID if table == "persons" else EVENTS_INVALID
    try:
        connection.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT *, coalesce(({invalid}),"
            f" true) AS invalid FROM (SELECT {columns} FROM {source.relation_sql})"
        )
        rows, bad = connection.execute(
            f"SELECT count(*), count(*) FILTER (WHERE invalid) FROM {table}"
        ).fetchone()
    except duckdb.Error as error:
        raise InputError(f"Datei nicht lesbar: {error}", file=source.path.name) from None
    if bad:
        connection.execute("SET preserve_insertion_order = true")  # line numbers need order
        first_invalid(connection, source, checks)
        raise InputError("Ungültige Zeile (nicht näher bestimmbar).", file=source.path.name)
    if table == "persons":
        _check_unique_persons(connection, source)
    return int(rows)


def _check_unique_persons(connection: duckdb.DuckDBPyConnection, source: RegisterSource) -> None:
    """Person ids are compared by a 64-bit hash first; a hit is confirmed on the text."""
    duplicate = connection.execute(
        "SELECT person_hash FROM persons GROUP BY person_hash HAVING count(*) > 1 LIMIT 1"
    ).fetchone()
    if duplicate:
        connection.execute("SET preserve_insertion_order = true")
        person_id = raw_sql(source, "person_id")
        line = connection.execute(
            "SELECT line FROM (SELECT line, row_number() OVER (PARTITION BY id ORDER BY line) "
            f"AS nth FROM (SELECT row_number() OVER () AS line, {person_id} AS id FROM "
            f"{source.relation_sql}) WHERE hash(id) = {duplicate[0]}) WHERE nth = 2 "
            "ORDER BY line LIMIT 1").fetchone()  # fmt: skip
        if line is None:  # a hash collision of two different ids: nothing to report
            return
        raise InputError("Personen-ID kommt mehrfach vor (jede Person nur einmal je Auszug).",
                         file=source.path.name, row=line[0] + source.first_line - 1 if line
                         else None, column=source.columns["person_id"])  # fmt: skip


def reference_date_of(
    connection: duckdb.DuckDBPyConnection, source: RegisterSource, given: dt.date | None
) -> dt.date:
    """The one reference date of the persons file, agreeing with `given` (the CLI option)."""
    if "reference_date" not in source.columns:
        if given is None:
            raise InputError(
                "Kein Stichtag: Spalte reference_date/Stichtag fehlt; bitte "
                "--reference-date JJJJ-MM-TT angeben.",
                file=source.path.name,
            )
        return given
    dates = [row[0] for row in connection.execute(
        "SELECT DISTINCT reference_date FROM persons LIMIT 2").fetchall()]  # fmt: skip
    if len(dates) > 1:
        connection.execute("SET preserve_insertion_order = true")
        first = connection.execute(
            f"SELECT {date_expr(source, 'reference_date')} FROM {source.relation_sql} LIMIT 1"
        ).fetchone()[0]
        first_invalid(connection, source, [(
            "reference_date", f"{date_expr(source, 'reference_date')} <> DATE '{first}'",
            f"Mehrere Stichtage in einer Datei (erste Zeile: {first}); je Datei ist nur ein "
            "Stichtag erlaubt.")])  # fmt: skip
    found = dates[0] if dates else given
    if given is not None and found != given:
        raise InputError(
            f"Stichtag der Datei ({found}) widerspricht --reference-date {given}.",
            file=source.path.name,
            column=source.columns["reference_date"],
        )
    if found is None:
        raise InputError("Die Datei enthält keine Personen.", file=source.path.name)
    return found


def _check_ages(connection: duckdb.DuckDBPyConnection, source: RegisterSource) -> None:
    """Nobody may be born after the reference date."""
    if connection.execute("SELECT count(*) FROM aged WHERE age < 0").fetchone()[0]:
        raise InputError(
            "Geburtsdatum nach dem Stichtag.",
            file=source.path.name,
            column=source.columns.get("birth_date", source.columns.get("birth_year")),
        )


def build_extract(
    persons_path: Path,
    municipality: str,
    *,
    events_path: Path | None = None,
    reference_date: dt.date | None = None,
    memory_limit: str = "2GB",
) -> tuple[ExtractBundle, dict[str, int]]:
    """Aggregate a register (and its events) into an anonymised extract.

    Returns the bundle (without manifest) and the input row counts by table.
    """
    if not re.fullmatch(r"\d{8}", municipality):
        raise InputError(f"Gemeindeschlüssel {municipality!r} ist kein 8-stelliger AGS.")
    connection = duckdb.connect(config={"memory_limit": memory_limit})
    # Order is only needed for line numbers in error messages (set again on those paths).
    connection.execute("SET enable_progress_bar = false; SET preserve_insertion_order = false")
    try:
        persons_source = open_source(connection, Path(persons_path), "persons")
        input_rows = {"persons": load_register(connection, persons_source, "persons")}
        reference = reference_date_of(connection, persons_source, reference_date)
        population_counts = population(connection, municipality, reference)
        _check_ages(connection, persons_source)
        household_counts = households(connection, municipality)
        event_counts = empty_table("events")
        if events_path is not None:
            events_source = open_source(connection, Path(events_path), "events")
            input_rows["events"] = load_register(connection, events_source, "events")
            event_counts, input_rows["events_in_period"] = events(
                connection, municipality, reference, events_source.path.name
            )
    finally:
        connection.close()
    bundle = ExtractBundle(municipality, reference, population_counts, household_counts,
                           event_counts)  # fmt: skip
    return bundle, input_rows
