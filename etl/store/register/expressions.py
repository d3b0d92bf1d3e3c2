"""duckdb expressions over a register file: opening it, quoting, typed column expressions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from etl.errors import InputError
from etl.extract.register import DATE_FORMATS, canonical_columns
from etl.extract.tabular import CSV_SUFFIXES, PARQUET_SUFFIXES, SNIFF_BYTES, sniff_csv


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
