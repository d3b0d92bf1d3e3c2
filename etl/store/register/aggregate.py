"""Aggregate normalised register tables (duckdb temp tables `persons`, `events`) into counts.

The caller passes the duckdb connection in (see etl.store.register.load); every
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
from typing import TYPE_CHECKING, Final

import duckdb

from etl.errors import InputError
from etl.store.register.expressions import open_source
from etl.store.register.load import load_events, load_persons
from etl.store.register.queries import SEXES, age_sql
from etl.transform.ages import BROAD_AGE_GROUPS

# pandas (and etl.model, which imports it) are imported inside the functions that build frames:
# `etl extract` imports them in the background while duckdb reads the register.
if TYPE_CHECKING:
    import pandas as pd

    from etl.model import ExtractBundle

__all__ = ["age_sql", "build_extract", "events", "households", "population"]

COORDINATE_BATCH: Final = 1_000_000
INT_COLUMNS: Final = ("age", "size", "count")


def _key_sql(level: str, municipality: str) -> str:
    if level == "gemeinde":
        return f"'{municipality}'"
    return f"'{municipality}-' || ortsteil"


def _levels(municipality: str) -> list[tuple[str, str, str]]:
    """(level, key SQL, filter SQL) of the administrative levels."""
    return [
        ("gemeinde", _key_sql("gemeinde", municipality), "true"),
        ("ortsteil", _key_sql("ortsteil", municipality), "ortsteil IS NOT NULL"),
    ]


def finish(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Columns in model order, integer counts, sorted by level order and keys."""
    from etl.model import AREA_LEVELS, TABLE_COLUMNS

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


def population(connection: duckdb.DuckDBPyConnection, municipality: str) -> pd.DataFrame:
    """Population by area, sex, single year of age, nationality and residence (+ grid cells)."""
    # One pass for both levels: the Gemeinde total and the Ortsteile (grouping sets).
    administrative = connection.execute(
        "SELECT CASE WHEN grouping(ortsteil) = 1 THEN 'gemeinde' ELSE 'ortsteil' END AS "
        f"area_level, CASE WHEN grouping(ortsteil) = 1 THEN '{municipality}' ELSE "
        f"'{municipality}-' || ortsteil END AS area_key, sex, age, nationality, residence, "
        "count(*) AS count FROM persons GROUP BY GROUPING SETS ((sex, age, nationality, "
        "residence), (ortsteil, sex, age, nationality, residence)) "
        "HAVING grouping(ortsteil) = 1 OR ortsteil IS NOT NULL"
    ).df()
    import pandas as pd

    return finish(pd.concat([administrative, grid_population(connection)]), "population")


def _grid_groups() -> list[tuple[str, str, int, str]]:
    """(column, sex, lower age bound, SQL condition) of the grid's sex x broad age groups."""
    return [
        (
            f"{sex}_{low}",
            sex,
            low,
            f"sex = '{sex}' AND age >= {low}" + (f" AND age < {high}" if high is not None else ""),
        )
        for sex in SEXES
        for low, high in BROAD_AGE_GROUPS
    ]


def _cell_counts(connection: duckdb.DuckDBPyConnection) -> None:
    """Table cell_counts(n100, e100, <group counts>): main residences by 100 m cell.

    Persons are first counted per address (one row per distinct coordinate pair), so pyproj
    only sees each address once and no person-level row leaves duckdb. The addresses stream
    through in batches, each summed by cell at once, so memory holds one batch at a time.
    """
    import pyarrow as pa

    from etl.extract.inspire import cell_indices

    names = [name for name, *_ in _grid_groups()]
    counts = ", ".join(
        f"count(*) FILTER (WHERE {condition}) AS {name}" for name, _, _, condition in _grid_groups()
    )
    sums = ", ".join(f"sum({name})::BIGINT AS {name}" for name in names)
    reader = connection.sql(
        f"SELECT x, y, {counts} FROM persons WHERE residence = 'main' AND x IS NOT NULL "
        "GROUP BY x, y"
    ).to_arrow_reader(COORDINATE_BATCH)
    # A second cursor writes while the first one streams; it sees the main schema only.
    writer = connection.cursor()
    try:
        writer.execute(
            "CREATE OR REPLACE TABLE cell_counts (n100 BIGINT, e100 BIGINT, "
            + ", ".join(f"{name} BIGINT" for name in names)
            + ")"
        )
        for batch in reader:
            x = batch.column("x").to_numpy(zero_copy_only=False)
            y = batch.column("y").to_numpy(zero_copy_only=False)
            north, east = cell_indices(x, y, 100)
            cells = pa.table(
                {"n100": north, "e100": east, **{name: batch.column(name) for name in names}}
            )
            writer.register("address_cells", cells)
            writer.execute(
                f"INSERT INTO cell_counts SELECT n100, e100, {sums} FROM "
                "address_cells GROUP BY n100, e100"
            )
            writer.unregister("address_cells")
    finally:
        writer.close()


def grid_population(connection: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Main-residence population by INSPIRE cell (1 km, 100 m), sex and broad age group."""
    from etl.model import GRID_NATIONALITY

    _cell_counts(connection)
    parts = []
    for name, sex, low, _ in _grid_groups():
        for level, n, e, key in (
            ("grid1km", "n100 // 10", "e100 // 10", "1kmN"),
            ("grid100m", "n100", "e100", "100mN"),
        ):
            parts.append(
                f"SELECT '{level}' AS area_level, '{key}' || ({n}) || 'E' || ({e}) AS area_key, "
                f"'{sex}' AS sex, {low} AS age, '{GRID_NATIONALITY}' AS nationality, "
                f"'main' AS residence, sum({name}) AS count FROM main.cell_counts "
                f"GROUP BY ALL HAVING sum({name}) > 0"
            )
    return connection.execute(" UNION ALL ".join(parts)).df()


def households(connection: duckdb.DuckDBPyConnection, municipality: str) -> pd.DataFrame:
    """Households (distinct ids among main residences) by size 1..5+; the Ortsteil of a
    household is its members' most frequent one (ties: the smallest code)."""
    from etl.model import MAX_HOUSEHOLD_SIZE

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
        raise InputError(
            f"{negative} Ereignisse liegen vor dem Geburtsdatum der Person (bei "
            "Geburten: der Mutter); bitte Ereignis- und Geburtsdaten prüfen.",
            file=file,
            column="event_date",
        )
    return finish(connection.execute(" UNION ALL ".join(parts)).df(), "events"), int(counted)


def empty_table(table: str) -> pd.DataFrame:
    """A table of the model without rows."""
    import pandas as pd

    from etl.model import TABLE_COLUMNS

    return finish(pd.DataFrame(columns=list(TABLE_COLUMNS[table])), table)


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
    from etl.model import ExtractBundle

    if not re.fullmatch(r"\d{8}", municipality):
        raise InputError(f"Gemeindeschlüssel {municipality!r} ist kein 8-stelliger AGS.")
    connection = duckdb.connect(config={"memory_limit": memory_limit})
    # Order is only needed for line numbers in error messages (set again on those paths).
    connection.execute("SET enable_progress_bar = false; SET preserve_insertion_order = false")
    try:
        persons_source = open_source(connection, Path(persons_path), "persons")
        reference, persons = load_persons(connection, persons_source, reference_date)
        input_rows = {"persons": persons}
        population_counts = population(connection, municipality)
        household_counts = households(connection, municipality)
        event_counts = empty_table("events")
        if events_path is not None:
            events_source = open_source(connection, Path(events_path), "events")
            input_rows["events"] = load_events(connection, events_source)
            event_counts, input_rows["events_in_period"] = events(
                connection, municipality, reference, events_source.path.name
            )
    finally:
        connection.close()
    bundle = ExtractBundle(
        municipality, reference, population_counts, household_counts, event_counts
    )
    return bundle, input_rows
