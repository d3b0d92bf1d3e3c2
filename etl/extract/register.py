"""Read a person-level register export (CSV or Parquet) into duckdb, normalised and validated.

The register never leaves the municipality: this module only feeds `etl.transform.aggregate`,
which turns it into counts. Columns are recognised by the names in COLUMNS (German or English,
case and punctuation ignored); values by the code tables below. Hashing, date parsing and code
mapping run as SQL inside duckdb so that millions of records stream through with bounded memory.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import duckdb

from etl.errors import InputError
from etl.extract.tabular import CSV_SUFFIXES, PARQUET_SUFFIXES, SNIFF_BYTES, sniff_csv

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ColumnSpec:
    """One accepted column: canonical name, aliases, use in the persons and events file."""

    name: str
    aliases: tuple[str, ...]
    persons: str  # "required", "optional" or "-"
    events: str
    meaning: str


# THE table of accepted register columns (documented in docs/extract.md).
COLUMNS: Final[tuple[ColumnSpec, ...]] = (
    ColumnSpec("person_id", ("personen_id", "person", "pseudonym", "id", "pid"),
               "required", "required", "pseudonymous person id (for births: the child)"),
    ColumnSpec("birth_date", ("geburtsdatum", "geb_datum", "date_of_birth", "dob"),
               "optional", "optional", "date of birth, YYYY-MM-DD or DD.MM.YYYY"),
    ColumnSpec("birth_year", ("geburtsjahr", "year_of_birth"),
               "optional", "optional", "year of birth (if no date of birth)"),
    ColumnSpec("sex", ("geschlecht", "gender"),
               "required", "required", "m/w/d/x, männlich/weiblich/divers/ohne Angabe, ..."),
    ColumnSpec("nationality", ("staatsangehoerigkeit", "nationalitaet",
                               "staatsangehoerigkeit_1", "citizenship"),
               "required", "-", "deutsch/nichtdeutsch, DE or another ISO code, de/foreign"),
    ColumnSpec("residence", ("wohnungsstatus", "wohnungsart", "wohnung", "wohnsitz"),
               "required", "-", "Hauptwohnung/Nebenwohnung, haupt/neben, main/secondary"),
    ColumnSpec("ortsteil", ("ortsteil_code", "ortsteilschluessel", "ortsteilnummer", "district"),
               "optional", "optional", "Ortsteil code; area key becomes <AGS>-<code>"),
    ColumnSpec("x", ("rechtswert", "ostwert", "easting", "utm_x", "east"),
               "optional", "-", "easting in ETRS89/UTM32 (EPSG:25832), metres"),
    ColumnSpec("y", ("hochwert", "nordwert", "northing", "utm_y", "north"),
               "optional", "-", "northing in ETRS89/UTM32 (EPSG:25832), metres"),
    ColumnSpec("household_id", ("haushalts_id", "haushaltsid", "haushalt", "household"),
               "optional", "-", "household id; households are counted among main residences"),
    ColumnSpec("reference_date", ("stichtag", "bezugsdatum"),
               "optional", "-", "reference date; one per file"),
    ColumnSpec("event", ("ereignis", "vorgang", "ereignisart"),
               "-", "required", "Geburt/Tod/Zuzug/Fortzug or birth/death/move_in/move_out"),
    ColumnSpec("event_date", ("ereignisdatum", "datum", "date"),
               "-", "required", "date of the event"),
    ColumnSpec("mother_birth_date", ("geburtsdatum_mutter", "mutter_geburtsdatum"),
               "-", "optional", "births: the mother's date of birth"),
    ColumnSpec("mother_birth_year", ("geburtsjahr_mutter", "mutter_geburtsjahr"),
               "-", "optional", "births: the mother's year of birth"),
)  # fmt: skip

SEX_CODES: Final = {
    "w": "female", "weiblich": "female", "female": "female", "f": "female",
    "m": "male", "männlich": "male", "maennlich": "male", "male": "male",
    "d": "divers", "divers": "divers", "diverse": "divers",
    "x": "unknown", "ohne angabe": "unknown", "unknown": "unknown", "o": "unknown",
}  # fmt: skip
NATIONALITY_CODES: Final = {
    "deutsch": "de", "de": "de", "deu": "de", "d": "de", "german": "de",
    "nichtdeutsch": "foreign", "nicht deutsch": "foreign", "ausländisch": "foreign",
    "foreign": "foreign", "non-german": "foreign",
}  # fmt: skip
RESIDENCE_CODES: Final = {
    "hauptwohnung": "main", "haupt": "main", "main": "main", "h": "main",
    "alleinige wohnung": "main", "alleinige": "main",
    "nebenwohnung": "secondary", "neben": "secondary", "secondary": "secondary", "n": "secondary",
}  # fmt: skip
EVENT_CODES: Final = {
    "geburt": "birth", "birth": "birth", "tod": "death", "sterbefall": "death", "death": "death",
    "zuzug": "move_in", "move_in": "move_in", "fortzug": "move_out", "wegzug": "move_out",
    "move_out": "move_out",
}  # fmt: skip
DATE_FORMATS: Final = ("%Y-%m-%d", "%d.%m.%Y", "%Y%m%d")


def normalise_name(name: str) -> str:
    """'Staatsangehörigkeit' -> 'staatsangehoerigkeit', 'Personen-ID' -> 'personen_id'."""
    name = name.strip().lstrip("\ufeff").lower()
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        name = name.replace(umlaut, plain)
    return re.sub(r"[^a-z0-9]+", "_", name).strip("_")


def canonical_columns(header: list[str], kind: str, *, file: str) -> dict[str, str]:
    """Map canonical name -> column of the file; unknown columns are refused, not ignored."""
    lookup = {normalise_name(alias): spec.name for spec in COLUMNS
              for alias in (spec.name, *spec.aliases) if getattr(spec, kind) != "-"}  # fmt: skip
    found: dict[str, str] = {}
    for column in header:
        key = normalise_name(column)
        if key in lookup and lookup[key] not in found:
            found[lookup[key]] = column
        else:
            # Other columns (names, addresses, ...) are never read, so never aggregated.
            logger.info("%s: Spalte %r wird nicht verwendet.", file, column)
    required = [s.name for s in COLUMNS if getattr(s, kind) == "required" and s.name not in found]
    if "birth_date" not in found and "birth_year" not in found:
        required.append("birth_date oder birth_year")
    if required:
        raise InputError(f"Pflichtspalte fehlt: {', '.join(required)}.", file=file)
    if ("x" in found) != ("y" in found):
        raise InputError("Koordinaten brauchen beide Spalten x (Rechtswert) und y (Hochwert).",
                         file=file)  # fmt: skip
    return found


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def code_sql(column: str, codes: dict[str, str], *, iso_foreign: bool = False) -> str:
    """SQL mapping the raw text of a column to a canonical code (NULL when unknown)."""
    cases = " ".join(f"WHEN {literal(raw)} THEN {literal(code)}" for raw, code in codes.items())
    value = f"lower(trim({column}))"
    mapped = f"CASE {value} {cases} ELSE NULL END"
    if iso_foreign:  # any other ISO 3166 alpha-2/alpha-3 code is a foreign nationality
        return f"coalesce({mapped}, CASE WHEN regexp_full_match({value}, '[a-z]{{2,3}}') " \
            "THEN 'foreign' END)"  # fmt: skip
    return mapped


def date_sql(column: str, source_type: str) -> str:
    if source_type.startswith(("DATE", "TIMESTAMP")):
        return f"CAST({column} AS DATE)"
    formats = ", ".join(literal(f) for f in DATE_FORMATS)
    return f"CAST(try_strptime(trim(CAST({column} AS VARCHAR)), [{formats}]) AS DATE)"


def number_sql(column: str, source_type: str, kind: str) -> str:
    if source_type in ("VARCHAR", ""):
        return f"TRY_CAST(replace(trim({column}), ',', '.') AS {kind})"
    return f"TRY_CAST({column} AS {kind})"


def text_sql(column: str, source_type: str = "VARCHAR") -> str:
    if source_type == "VARCHAR":
        return f"NULLIF(trim({column}), '')"
    return f"NULLIF(trim(CAST({column} AS VARCHAR)), '')"


Check = tuple[str, str, str]  # (column, SQL true for an invalid row, message)


@dataclass(frozen=True)
class RegisterSource:
    """A register file opened as a duckdb relation with its canonical column mapping."""

    path: Path
    relation_sql: str  # a FROM-able expression reading the whole file
    columns: dict[str, str]  # canonical -> column in the file
    types: dict[str, str]  # canonical -> duckdb type of the file's column
    first_line: int  # line number of the first record (header = 1)


def open_source(connection: duckdb.DuckDBPyConnection, path: Path, kind: str) -> RegisterSource:
    """Recognise format, encoding, separator and columns of a persons or events file."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputError("Datei nicht gefunden.", file=str(path))
    if suffix in PARQUET_SUFFIXES:
        relation = f"read_parquet({literal(str(path))})"
    elif suffix in CSV_SUFFIXES:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
        encoding, separator = sniff_csv(head, file=path.name)
        # duckdb reads Windows-1252 as Latin-1: identical for all codes and German letters.
        duck_encoding = "utf-8" if encoding.startswith("utf") else "latin-1"
        relation = (
            f"read_csv({literal(str(path))}, delim={literal(separator)}, header=true, "
            f"all_varchar=true, quote='\"', encoding={literal(duck_encoding)})"
        )
    else:
        raise InputError(f"Unbekanntes Format {suffix!r}: erwartet .csv oder .parquet.",
                         file=path.name)  # fmt: skip
    try:
        described = connection.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
    except duckdb.Error as error:
        raise InputError(f"Datei nicht lesbar: {error}", file=path.name) from None
    file_types = {row[0]: str(row[1]) for row in described}
    columns = canonical_columns(list(file_types), kind, file=path.name)
    types = {name: file_types[column] for name, column in columns.items()}
    return RegisterSource(path, relation, columns, types, first_line=2)


def parse_reference_date(text: str, *, file: str | None = None) -> dt.date:
    """'2023-12-31' or '31.12.2023' to a date."""
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise InputError(f"Stichtag {text!r} ist kein Datum (erwartet JJJJ-MM-TT oder TT.MM.JJJJ).",
                     file=file, column="reference_date")  # fmt: skip


def _hashed_sex_sql(person_id: str, sex_code: str) -> str:
    """Female/male as given; divers/unknown by the parity of SHA-256(person id) (SEX_RULE)."""
    parity = f"strpos('13579bdf', right(sha256({person_id}), 1)) > 0"
    return (f"CASE WHEN {sex_code} IN ('divers', 'unknown') THEN "
            f"CASE WHEN {parity} THEN 'male' ELSE 'female' END ELSE {sex_code} END")  # fmt: skip


def _hashed_text(value: str) -> str:
    """A 64-bit hash of a text (NULL stays NULL): ids are only compared, never shown."""
    return f"CASE WHEN {value} IS NULL THEN NULL ELSE hash({value}) END"


def _given(source: RegisterSource, *names: str) -> str:
    """SQL: is any of the raw columns filled?"""
    tests = [
        f"{raw_sql(source, name)} IS NOT NULL" if source.types[name] == "VARCHAR"
        else f"{_quote(source.columns[name])} IS NOT NULL"  # typed: no text cast needed
        for name in names if name in source.columns
    ]  # fmt: skip
    return "(" + " OR ".join(tests) + ")" if tests else "false"


def _birth_bad(prefix: str = "") -> str:
    """Invalid birth over the normalised columns (see _birth_invalid for the raw form)."""
    return (f"({prefix}birth_date IS NULL AND ({prefix}birth_date_given OR {prefix}birth_year "
            f"IS NULL OR {prefix}birth_year NOT BETWEEN 1850 AND 2100))")  # fmt: skip


PERSONS_INVALID: Final = (
    "person_missing OR sex IS NULL OR nationality IS NULL OR residence IS NULL OR "
    + _birth_bad()
    + " OR (xy_given AND (x IS NULL OR y IS NULL OR x NOT BETWEEN 100000 AND "
    "1000000 OR y NOT BETWEEN 5000000 AND 6200000)) OR (reference_date_given AND "
    "reference_date IS NULL)"
)
EVENTS_INVALID: Final = (
    "person_missing OR event IS NULL OR event_date IS NULL OR sex IS NULL OR "
    + _birth_bad()
    + " OR (event = 'birth' AND "
    + _birth_bad("mother_")
    + ")"
)


def raw_sql(source: RegisterSource, name: str) -> str:
    if name not in source.columns:
        return "NULL::VARCHAR"
    return text_sql(_quote(source.columns[name]), source.types[name])


def date_expr(source: RegisterSource, name: str) -> str:
    if name not in source.columns:
        return "NULL::DATE"
    return date_sql(_quote(source.columns[name]), source.types[name])


def _number(source: RegisterSource, name: str, kind: str) -> str:
    if name not in source.columns:
        return f"NULL::{kind}"
    return number_sql(_quote(source.columns[name]), source.types[name], kind)


def _birth(source: RegisterSource, prefix: str = "") -> tuple[str, str]:
    """(date SQL, year SQL) of a birth; a year without date must lie in 1850..2100."""
    return date_expr(source, f"{prefix}birth_date"), _number(
        source, f"{prefix}birth_year", "INTEGER"
    )


def _birth_invalid(source: RegisterSource, prefix: str = "") -> str:
    date, year = _birth(source, prefix)
    date_raw, year_raw = (
        raw_sql(source, prefix + "birth_date"),
        raw_sql(source, prefix + "birth_year"),
    )
    given = f"coalesce({date_raw}, {year_raw})"
    return (f"{given} IS NULL OR ({raw_sql(source, prefix + 'birth_date')} IS NOT NULL AND {date} "
            f"IS NULL) OR ({date} IS NULL AND ({year} IS NULL OR {year} NOT BETWEEN 1850 AND "
            "2100))")  # fmt: skip


BIRTH_MESSAGE: Final = ("Geburtsdatum/Geburtsjahr fehlt oder ist ungültig (erwartet JJJJ-MM-TT, "
                        "TT.MM.JJJJ oder ein Jahr JJJJ).")  # fmt: skip


def _xy(source: RegisterSource) -> tuple[str, str]:
    return _number(source, "x", "DOUBLE"), _number(source, "y", "DOUBLE")


def person_checks(source: RegisterSource) -> list[Check]:
    """(column, SQL true for an invalid row of the raw file, message) for a persons file."""
    c = source.columns
    checks = [
        ("person_id", f"{raw_sql(source, 'person_id')} IS NULL", "Personen-ID fehlt."),
        ("sex", f"({code_sql(_quote(c['sex']), SEX_CODES)}) IS NULL",
         "Geschlecht fehlt oder ist unbekannt; erlaubt: m/w/d/x, männlich/weiblich/divers/"
         "ohne Angabe, male/female/diverse/unknown."),
        ("nationality",
         f"({code_sql(_quote(c['nationality']), NATIONALITY_CODES, iso_foreign=True)}) IS NULL",
         "Staatsangehörigkeit fehlt oder ist unbekannt; erlaubt: deutsch/nichtdeutsch, "
         "ISO-Code (DE, TR, ...), de/foreign."),
        ("residence", f"({code_sql(_quote(c['residence']), RESIDENCE_CODES)}) IS NULL",
         "Wohnungsstatus fehlt oder ist unbekannt; erlaubt: Hauptwohnung/Nebenwohnung, "
         "haupt/neben, main/secondary."),
        ("birth_date" if "birth_date" in c else "birth_year", _birth_invalid(source),
         BIRTH_MESSAGE),
    ]  # fmt: skip
    if "x" in c:
        x, y = _xy(source)
        given = f"coalesce({raw_sql(source, 'x')}, {raw_sql(source, 'y')}) IS NOT NULL"
        checks.append(("x", f"{given} AND ({x} IS NULL OR {y} IS NULL OR {x} NOT BETWEEN "
                       f"100000 AND 1000000 OR {y} NOT BETWEEN 5000000 AND 6200000)",
                       "Koordinate fehlt, ist keine Zahl oder liegt nicht in ETRS89/UTM32 "
                       "(EPSG:25832, Meter)."))  # fmt: skip
    if "reference_date" in c:
        checks.append(
            (
                "reference_date",
                f"{date_expr(source, 'reference_date')} IS NULL",
                "Stichtag fehlt oder ist kein Datum (JJJJ-MM-TT oder TT.MM.JJJJ).",
            )
        )
    return checks


def event_checks(source: RegisterSource) -> list[Check]:
    """(column, SQL true for an invalid row, message) for an events file."""
    c = source.columns
    event = code_sql(_quote(c["event"]), EVENT_CODES)
    mother = f"({event}) = 'birth' AND ({_birth_invalid(source, 'mother_')})"
    return [
        ("person_id", f"{raw_sql(source, 'person_id')} IS NULL", "Personen-ID fehlt."),
        ("event", f"({event}) IS NULL",
         "Ereignis fehlt oder ist unbekannt; erlaubt: Geburt/Tod/Zuzug/Fortzug oder "
         "birth/death/move_in/move_out."),
        ("event_date", f"{date_expr(source, 'event_date')} IS NULL",
         "Ereignisdatum fehlt oder ist kein Datum (JJJJ-MM-TT oder TT.MM.JJJJ)."),
        ("sex", f"({code_sql(_quote(c['sex']), SEX_CODES)}) IS NULL",
         "Geschlecht fehlt oder ist unbekannt; erlaubt: m/w/d/x, männlich/weiblich/divers/"
         "ohne Angabe, male/female/diverse/unknown."),
        ("birth_date" if "birth_date" in c else "birth_year", _birth_invalid(source),
         BIRTH_MESSAGE),
        ("mother_birth_year" if "mother_birth_year" in c and "mother_birth_date" not in c
         else "mother_birth_date", mother,
         "Bei Geburten wird das Geburtsdatum oder -jahr der Mutter gebraucht."),
    ]  # fmt: skip


def persons_select(source: RegisterSource) -> str:
    """Column list of the normalised persons (no validation: see load_register)."""
    c = source.columns
    person_id = raw_sql(source, "person_id")
    sex = _hashed_sex_sql(person_id, code_sql(_quote(c["sex"]), SEX_CODES))
    birth_date, birth_year = _birth(source)
    x, y = _xy(source)
    return (
        f"{sex} AS sex, "
        f"{code_sql(_quote(c['nationality']), NATIONALITY_CODES, iso_foreign=True)} AS nationality,"
        f" {code_sql(_quote(c['residence']), RESIDENCE_CODES)} AS residence, "
        f"{birth_date} AS birth_date, {birth_year} AS birth_year, "
        f"{_ortsteil(source)} AS ortsteil, {x} AS x, {y} AS y, "
        f"{_hashed_text(raw_sql(source, 'household_id'))} AS household_id, "
        f"{date_expr(source, 'reference_date')} AS reference_date, "
        f"{person_id} IS NULL AS person_missing, hash({person_id}) AS person_hash, "
        f"{_given(source, 'birth_date')} AS birth_date_given, "
        f"{_given(source, 'x', 'y')} AS xy_given, "
        f"{_given(source, 'reference_date')} AS reference_date_given"
    )


def events_select(source: RegisterSource) -> str:
    """Column list of the normalised events."""
    c = source.columns
    person_id = raw_sql(source, "person_id")
    birth_date, birth_year = _birth(source)
    mother_date, mother_year = _birth(source, "mother_")
    return (
        f"{code_sql(_quote(c['event']), EVENT_CODES)} AS event, "
        f"{date_expr(source, 'event_date')} AS event_date, "
        f"{_hashed_sex_sql(person_id, code_sql(_quote(c['sex']), SEX_CODES))} AS sex, "
        f"{birth_date} AS birth_date, {birth_year} AS birth_year, "
        f"{mother_date} AS mother_birth_date, {mother_year} AS mother_birth_year, "
        f"{_ortsteil(source)} AS ortsteil, {person_id} IS NULL AS person_missing, "
        f"{_given(source, 'birth_date')} AS birth_date_given, "
        f"{_given(source, 'mother_birth_date')} AS mother_birth_date_given"
    )


def _ortsteil(source: RegisterSource) -> str:
    """Ortsteil code; purely numeric codes are padded to three digits ('1' -> '001')."""
    raw = raw_sql(source, "ortsteil")
    padded = f"lpad({raw}, 3, '0')"
    return f"CASE WHEN regexp_full_match({raw}, '[0-9]{{1,2}}') THEN {padded} ELSE {raw} END"
