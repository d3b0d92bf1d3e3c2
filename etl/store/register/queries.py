"""SQL that normalises and checks the rows of a register file (see etl.extract.register).

Two forms of every check exist: a fast one over the normalised columns, evaluated for every row
while the file streams into duckdb (`PERSONS_INVALID`, `EVENTS_INVALID`), and one over the raw
file (`person_checks`, `event_checks`), evaluated only after the fast form found a bad row, to
name its line, column and value. Both must flag the same rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from etl.extract.register import EVENT_CODES, NATIONALITY_CODES, RESIDENCE_CODES, SEX_CODES
from etl.store.register.expressions import (
    RegisterSource,
    code_sql,
    date_expr,
    number_expr,
    quote,
    raw_sql,
)
from etl.transform.ages import MAX_AGE

Check = tuple[str, str, str]  # (column, SQL true for an invalid row, message)

BIRTH_MESSAGE: Final = (
    "Geburtsdatum/Geburtsjahr fehlt oder ist ungültig (erwartet JJJJ-MM-TT, "
    "TT.MM.JJJJ oder ein Jahr JJJJ)."
)
SEX_MESSAGE: Final = (
    "Geschlecht fehlt oder ist unbekannt; erlaubt: m/w/d/x, männlich/weiblich/"
    "divers/ohne Angabe, male/female/diverse/unknown."
)
# The codes of etl.model (SEXES, NATIONALITIES, RESIDENCES; a test checks they agree), repeated
# so that reading a register does not wait for etl.model's pandas import.
SEXES: Final = ("female", "male")
NATIONALITIES: Final = ("de", "foreign")
RESIDENCES: Final = ("main", "secondary")
UTM_RANGE: Final = "{x} NOT BETWEEN 100000 AND 1000000 OR {y} NOT BETWEEN 5000000 AND 6200000"


def age_sql(birth_date: str, birth_year: str, at: str) -> str:
    """Completed years at `at` from a date of birth, else year(at) - birth year; capped 100."""
    exact = (
        f"year({at}) - year({birth_date}) - CASE WHEN month({at}) * 100 + day({at}) < "
        f"month({birth_date}) * 100 + day({birth_date}) THEN 1 ELSE 0 END"
    )
    return f"least({MAX_AGE}, coalesce({exact}, year({at}) - {birth_year}))"


def hashed_sex_sql(person_id: str, sex_code: str) -> str:
    """Female/male as given; divers/unknown by the parity of SHA-256(person id) (SEX_RULE).

    The last hex digit of the digest is odd exactly when its last byte is: odd -> male. The
    digest is only computed for the (few) divers/unknown rows.
    """
    parity = f"strpos('13579bdf', right(sha256({person_id}), 1)) > 0"
    return (
        f"CASE WHEN {sex_code} IN ('divers', 'unknown') THEN "
        f"CASE WHEN {parity} THEN 'male' ELSE 'female' END ELSE {sex_code} END"
    )


def _given(source: RegisterSource, *names: str) -> str:
    """SQL: is any of the raw columns filled?"""
    tests = [
        f"{raw_sql(source, name)} IS NOT NULL"
        if source.types[name] == "VARCHAR"
        else f"{quote(source.columns[name])} IS NOT NULL"  # typed: no text cast needed
        for name in names
        if name in source.columns
    ]
    return "(" + " OR ".join(tests) + ")" if tests else "false"


def _birth_bad(prefix: str = "") -> str:
    """Invalid birth over the normalised columns (see _birth_invalid for the raw form)."""
    return (
        f"({prefix}birth_date IS NULL AND ({prefix}birth_date_given OR {prefix}birth_year "
        f"IS NULL OR {prefix}birth_year NOT BETWEEN 1850 AND 2100))"
    )


PERSONS_INVALID: Final = (
    "person_missing OR sex IS NULL OR nationality IS NULL OR residence IS NULL OR "
    + _birth_bad()
    + " OR (xy_given AND (x IS NULL OR y IS NULL OR "
    + UTM_RANGE.format(x="x", y="y")
    + ")) OR (reference_date_given AND reference_date IS NULL)"
)
EVENTS_INVALID: Final = (
    "person_missing OR event IS NULL OR event_date IS NULL OR sex IS NULL OR "
    + _birth_bad()
    + " OR (event = 'birth' AND "
    + _birth_bad("mother_")
    + ")"
)


def _birth(source: RegisterSource, prefix: str = "") -> tuple[str, str]:
    """(date SQL, year SQL) of a birth; a year without date must lie in 1850..2100."""
    date = date_expr(source, f"{prefix}birth_date")
    return date, number_expr(source, f"{prefix}birth_year", "INTEGER")


def _birth_invalid(source: RegisterSource, prefix: str = "") -> str:
    date, year = _birth(source, prefix)
    date_raw = raw_sql(source, prefix + "birth_date")
    given = f"coalesce({date_raw}, {raw_sql(source, prefix + 'birth_year')})"
    return (
        f"{given} IS NULL OR ({date_raw} IS NOT NULL AND {date} IS NULL) OR ({date} IS NULL "
        f"AND ({year} IS NULL OR {year} NOT BETWEEN 1850 AND 2100))"
    )


def _xy(source: RegisterSource) -> tuple[str, str]:
    return number_expr(source, "x", "DOUBLE"), number_expr(source, "y", "DOUBLE")


def _code(source: RegisterSource, name: str) -> str:
    """SQL: the canonical code of a coded column (NULL when unknown)."""
    codes = {
        "sex": SEX_CODES,
        "nationality": NATIONALITY_CODES,
        "residence": RESIDENCE_CODES,
        "event": EVENT_CODES,
    }[name]
    return code_sql(quote(source.columns[name]), codes, iso_foreign=name == "nationality")


def person_checks(source: RegisterSource) -> list[Check]:
    """(column, SQL true for an invalid row of the raw file, message) for a persons file."""
    c = source.columns
    checks = [
        ("person_id", f"{raw_sql(source, 'person_id')} IS NULL", "Personen-ID fehlt."),
        ("sex", f"({_code(source, 'sex')}) IS NULL", SEX_MESSAGE),
        (
            "nationality",
            f"({_code(source, 'nationality')}) IS NULL",
            "Staatsangehörigkeit fehlt oder ist unbekannt; erlaubt: deutsch/nichtdeutsch, "
            "ISO-Code (DE, TR, ...), de/foreign.",
        ),
        (
            "residence",
            f"({_code(source, 'residence')}) IS NULL",
            "Wohnungsstatus fehlt oder ist unbekannt; erlaubt: Hauptwohnung/Nebenwohnung, "
            "haupt/neben, main/secondary.",
        ),
        (
            "birth_date" if "birth_date" in c else "birth_year",
            _birth_invalid(source),
            BIRTH_MESSAGE,
        ),
    ]
    if "x" in c:
        x, y = _xy(source)
        given = f"coalesce({raw_sql(source, 'x')}, {raw_sql(source, 'y')}) IS NOT NULL"
        checks.append(
            (
                "x",
                f"{given} AND ({x} IS NULL OR {y} IS NULL OR {UTM_RANGE.format(x=x, y=y)})",
                "Koordinate fehlt, ist keine Zahl oder "
                "liegt nicht in ETRS89/UTM32 (EPSG:25832, Meter).",
            )
        )
    if "reference_date" in c:
        invalid = f"{date_expr(source, 'reference_date')} IS NULL"
        checks.append(
            (
                "reference_date",
                invalid,
                "Stichtag fehlt oder ist kein Datum (JJJJ-MM-TT oder TT.MM.JJJJ).",
            )
        )
    return checks


def event_checks(source: RegisterSource) -> list[Check]:
    """(column, SQL true for an invalid row, message) for an events file."""
    c = source.columns
    event = _code(source, "event")
    mother = f"({event}) = 'birth' AND ({_birth_invalid(source, 'mother_')})"
    return [
        ("person_id", f"{raw_sql(source, 'person_id')} IS NULL", "Personen-ID fehlt."),
        (
            "event",
            f"({event}) IS NULL",
            "Ereignis fehlt oder ist unbekannt; erlaubt: Geburt/Tod/Zuzug/Fortzug oder "
            "birth/death/move_in/move_out.",
        ),
        (
            "event_date",
            f"{date_expr(source, 'event_date')} IS NULL",
            "Ereignisdatum fehlt oder ist kein Datum (JJJJ-MM-TT oder TT.MM.JJJJ).",
        ),
        ("sex", f"({_code(source, 'sex')}) IS NULL", SEX_MESSAGE),
        (
            "birth_date" if "birth_date" in c else "birth_year",
            _birth_invalid(source),
            BIRTH_MESSAGE,
        ),
        (
            "mother_birth_year"
            if "mother_birth_year" in c and "mother_birth_date" not in c
            else "mother_birth_date",
            mother,
            "Bei Geburten wird das Geburtsdatum oder -jahr der Mutter gebraucht.",
        ),
    ]


def _normalised_persons(source: RegisterSource) -> str:
    """Column list of the persons as read: codes mapped, dates and numbers parsed once."""
    person_id = raw_sql(source, "person_id")
    birth_date, birth_year = _birth(source)
    x, y = _xy(source)
    return (
        f"{person_id} AS person_id, {_code(source, 'sex')} AS sex_code, "
        f"{_code(source, 'nationality')} AS nationality, "
        f"{_code(source, 'residence')} AS residence, "
        f"{birth_date} AS birth_date, {birth_year} AS birth_year, "
        f"{ortsteil_sql(source)} AS ortsteil, {x} AS x, {y} AS y, "
        f"{raw_sql(source, 'household_id')} AS household_text, "
        f"{date_expr(source, 'reference_date')} AS reference_date, "
        f"{_given(source, 'birth_date')} AS birth_date_given, "
        f"{_given(source, 'x', 'y')} AS xy_given, "
        f"{_given(source, 'reference_date')} AS reference_date_given"
    )


def _enum(column: str, values: tuple[str, ...]) -> str:
    """A code column as ENUM (one byte): grouping by it is much cheaper than by text."""
    return f"CAST({column} AS ENUM({', '.join(repr(v) for v in values)})) AS {column}"


def persons_sql(
    source: RegisterSource, reference: dt.date | None, file_reference: dt.date | None
) -> str:
    """SELECT of the compact persons table: one row per person with its age at `reference`.

    Columns: sex, age, nationality, residence, ortsteil, x, y, household_id and person_hash
    (64-bit hashes: ids are only compared, never shown), `invalid` (PERSONS_INVALID) and
    `other_reference` (the row's reference date differs from `file_reference`).
    """
    at, first = (
        f"DATE '{date.isoformat()}'" if date else "NULL::DATE"
        for date in (reference, file_reference)
    )
    other = (
        f"reference_date IS DISTINCT FROM {first}"
        if "reference_date" in source.columns
        else "false"
    )
    sex = hashed_sex_sql("person_id", "sex_code")
    return (
        f"SELECT {_enum('sex', SEXES)}, {age_sql('birth_date', 'birth_year', at)} AS age, "
        f"{_enum('nationality', NATIONALITIES)}, {_enum('residence', RESIDENCES)}, ortsteil, "
        "x, y, CASE WHEN household_text IS NULL THEN NULL ELSE hash(household_text) END AS "
        "household_id, hash(person_id) AS person_hash, "
        f"coalesce(({PERSONS_INVALID}), true) AS invalid, {other} AS other_reference "
        f"FROM (SELECT *, {sex} AS sex, person_id IS NULL AS person_missing FROM "
        f"(SELECT {_normalised_persons(source)} FROM {source.relation_sql}))"
    )


def events_select(source: RegisterSource) -> str:
    """Column list of the normalised events."""
    person_id = raw_sql(source, "person_id")
    birth_date, birth_year = _birth(source)
    mother_date, mother_year = _birth(source, "mother_")
    return (
        f"{_code(source, 'event')} AS event, "
        f"{date_expr(source, 'event_date')} AS event_date, "
        f"{hashed_sex_sql(person_id, _code(source, 'sex'))} AS sex, "
        f"{birth_date} AS birth_date, {birth_year} AS birth_year, "
        f"{mother_date} AS mother_birth_date, {mother_year} AS mother_birth_year, "
        f"{ortsteil_sql(source)} AS ortsteil, {person_id} IS NULL AS person_missing, "
        f"{_given(source, 'birth_date')} AS birth_date_given, "
        f"{_given(source, 'mother_birth_date')} AS mother_birth_date_given"
    )


def ortsteil_sql(source: RegisterSource) -> str:
    """Ortsteil code; purely numeric codes are padded to three digits ('1' -> '001')."""
    raw = raw_sql(source, "ortsteil")
    padded = f"lpad({raw}, 3, '0')"
    # The length test first: the regular expression then only runs on short codes.
    return (
        f"CASE WHEN length({raw}) <= 2 AND regexp_full_match({raw}, '[0-9]{{1,2}}') THEN "
        f"{padded} ELSE {raw} END"
    )
