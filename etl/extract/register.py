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
    ColumnSpec(
        "person_id",
        ("personen_id", "person", "pseudonym", "id", "pid"),
        "required",
        "required",
        "pseudonymous person id (for births: the child)",
    ),
    ColumnSpec(
        "birth_date",
        ("geburtsdatum", "geb_datum", "date_of_birth", "dob"),
        "optional",
        "optional",
        "date of birth, YYYY-MM-DD or DD.MM.YYYY",
    ),
    ColumnSpec(
        "birth_year",
        ("geburtsjahr", "year_of_birth"),
        "optional",
        "optional",
        "year of birth (if no date of birth)",
    ),
    ColumnSpec(
        "sex",
        ("geschlecht", "gender"),
        "required",
        "required",
        "m/w/d/x, männlich/weiblich/divers/ohne Angabe, ...",
    ),
    ColumnSpec(
        "nationality",
        ("staatsangehoerigkeit", "nationalitaet", "staatsangehoerigkeit_1", "citizenship"),
        "required",
        "-",
        "deutsch/nichtdeutsch, DE or another ISO code, de/foreign",
    ),
    ColumnSpec(
        "residence",
        ("wohnungsstatus", "wohnungsart", "wohnung", "wohnsitz"),
        "required",
        "-",
        "Hauptwohnung/Nebenwohnung, haupt/neben, main/secondary",
    ),
    ColumnSpec(
        "ortsteil",
        ("ortsteil_code", "ortsteilschluessel", "ortsteilnummer", "district"),
        "optional",
        "optional",
        "Ortsteil code; area key becomes <AGS>-<code>",
    ),
    ColumnSpec(
        "x",
        ("rechtswert", "ostwert", "easting", "utm_x", "east"),
        "optional",
        "-",
        "easting in ETRS89/UTM32 (EPSG:25832), metres",
    ),
    ColumnSpec(
        "y",
        ("hochwert", "nordwert", "northing", "utm_y", "north"),
        "optional",
        "-",
        "northing in ETRS89/UTM32 (EPSG:25832), metres",
    ),
    ColumnSpec(
        "household_id",
        ("haushalts_id", "haushaltsid", "haushalt", "household"),
        "optional",
        "-",
        "household id; households are counted among main residences",
    ),
    ColumnSpec(
        "reference_date",
        ("stichtag", "bezugsdatum"),
        "optional",
        "-",
        "reference date; one per file",
    ),
    ColumnSpec(
        "event",
        ("ereignis", "vorgang", "ereignisart"),
        "-",
        "required",
        "Geburt/Tod/Zuzug/Fortzug or birth/death/move_in/move_out",
    ),
    ColumnSpec(
        "event_date", ("ereignisdatum", "datum", "date"), "-", "required", "date of the event"
    ),
    ColumnSpec(
        "mother_birth_date",
        ("geburtsdatum_mutter", "mutter_geburtsdatum"),
        "-",
        "optional",
        "births: the mother's date of birth",
    ),
    ColumnSpec(
        "mother_birth_year",
        ("geburtsjahr_mutter", "mutter_geburtsjahr"),
        "-",
        "optional",
        "births: the mother's year of birth",
    ),
)

SEX_CODES: Final = {
    "w": "female",
    "weiblich": "female",
    "female": "female",
    "f": "female",
    "m": "male",
    "männlich": "male",
    "maennlich": "male",
    "male": "male",
    "d": "divers",
    "divers": "divers",
    "diverse": "divers",
    "x": "unknown",
    "ohne angabe": "unknown",
    "unknown": "unknown",
    "o": "unknown",
}
NATIONALITY_CODES: Final = {
    "deutsch": "de",
    "de": "de",
    "deu": "de",
    "d": "de",
    "german": "de",
    "nichtdeutsch": "foreign",
    "nicht deutsch": "foreign",
    "ausländisch": "foreign",
    "foreign": "foreign",
    "non-german": "foreign",
}
RESIDENCE_CODES: Final = {
    "hauptwohnung": "main",
    "haupt": "main",
    "main": "main",
    "h": "main",
    "alleinige wohnung": "main",
    "alleinige": "main",
    "nebenwohnung": "secondary",
    "neben": "secondary",
    "secondary": "secondary",
    "n": "secondary",
}
EVENT_CODES: Final = {
    "geburt": "birth",
    "birth": "birth",
    "tod": "death",
    "sterbefall": "death",
    "death": "death",
    "zuzug": "move_in",
    "move_in": "move_in",
    "fortzug": "move_out",
    "wegzug": "move_out",
    "move_out": "move_out",
}
DATE_FORMATS: Final = ("%Y-%m-%d", "%d.%m.%Y", "%Y%m%d")


def normalise_name(name: str) -> str:
    """'Staatsangehörigkeit' -> 'staatsangehoerigkeit', 'Personen-ID' -> 'personen_id'."""
    name = name.strip().lstrip("\ufeff").lower()
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        name = name.replace(umlaut, plain)
    return re.sub(r"[^a-z0-9]+", "_", name).strip("_")


def canonical_columns(header: list[str], kind: str, *, file: str) -> dict[str, str]:
    """Map canonical name -> column of the file; unknown columns are refused, not ignored."""
    lookup = {
        normalise_name(alias): spec.name
        for spec in COLUMNS
        for alias in (spec.name, *spec.aliases)
        if getattr(spec, kind) != "-"
    }
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
        raise InputError(
            "Koordinaten brauchen beide Spalten x (Rechtswert) und y (Hochwert).", file=file
        )
    return found


def quote(name: str) -> str:
    """A duckdb identifier in double quotes."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: str) -> str:
    """A duckdb string literal in single quotes."""
    return "'" + value.replace("'", "''") + "'"


def trim_sql(text: str) -> str:
    """SQL trim(text), cheaper: duckdb's trim strips spaces only, and most values have none."""
    return (
        f"CASE WHEN starts_with({text}, ' ') OR ends_with({text}, ' ') THEN trim({text}) "
        f"ELSE {text} END"
    )


def code_sql(column: str, codes: dict[str, str], *, iso_foreign: bool = False) -> str:
    """SQL mapping the raw text of a column to a canonical code (NULL when unknown)."""
    cases = " ".join(f"WHEN {literal(raw)} THEN {literal(code)}" for raw, code in codes.items())
    value = f"lower({trim_sql(f'CAST({column} AS VARCHAR)')})"
    mapped = f"CASE {value} {cases} ELSE NULL END"
    if iso_foreign:  # any other ISO 3166 alpha-2/alpha-3 code is a foreign nationality
        return (
            f"coalesce({mapped}, CASE WHEN regexp_full_match({value}, '[a-z]{{2,3}}') "
            "THEN 'foreign' END)"
        )
    return mapped


def date_sql(column: str, source_type: str) -> str:
    """SQL: a column as DATE; text in one of DATE_FORMATS, else NULL."""
    if source_type.startswith(("DATE", "TIMESTAMP")):
        return f"CAST({column} AS DATE)"
    formats = ", ".join(literal(f) for f in DATE_FORMATS)
    text = trim_sql(column) if source_type == "VARCHAR" else f"CAST({column} AS VARCHAR)"
    return f"CAST(try_strptime({text}, [{formats}]) AS DATE)"


def number_sql(column: str, source_type: str, kind: str) -> str:
    """SQL: a column as number of type `kind`; text may use a decimal comma."""
    if source_type in ("VARCHAR", ""):
        return f"TRY_CAST(replace({trim_sql(column)}, ',', '.') AS {kind})"
    return f"TRY_CAST({column} AS {kind})"


def text_sql(column: str, source_type: str = "VARCHAR") -> str:
    """SQL: the trimmed text of a column, NULL when empty."""
    if source_type == "VARCHAR":
        return f"NULLIF({trim_sql(column)}, '')"
    return f"NULLIF(CAST({column} AS VARCHAR), '')"  # a cast adds no spaces


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
        raise InputError(
            f"Unbekanntes Format {suffix!r}: erwartet .csv oder .parquet.", file=path.name
        )
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
    raise InputError(
        f"Stichtag {text!r} ist kein Datum (erwartet JJJJ-MM-TT oder TT.MM.JJJJ).",
        file=file,
        column="reference_date",
    )


def raw_sql(source: RegisterSource, name: str) -> str:
    """SQL: the trimmed text of a register column (NULL when empty or absent)."""
    if name not in source.columns:
        return "NULL::VARCHAR"
    return text_sql(quote(source.columns[name]), source.types[name])


def date_expr(source: RegisterSource, name: str) -> str:
    """SQL: a register column as DATE (NULL when not a date or absent)."""
    if name not in source.columns:
        return "NULL::DATE"
    return date_sql(quote(source.columns[name]), source.types[name])


def number_expr(source: RegisterSource, name: str, kind: str) -> str:
    """SQL: a register column as number of duckdb type `kind` (decimal comma allowed)."""
    if name not in source.columns:
        return f"NULL::{kind}"
    return number_sql(quote(source.columns[name]), source.types[name], kind)
