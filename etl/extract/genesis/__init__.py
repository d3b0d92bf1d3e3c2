"""Reader of GENESIS / Regionalstatistik flat CSV exports ("Tabelle als CSV", `;`).

Layout: `GENESIS-Tabelle: <code>`, title lines, column-header rows (year or date, sex,
nationality, age group, household type, direction of moves), data rows `code;name;values`
(or `year;code;name;values`, or `date;code;name;age group;values`), a `__________` line,
then footnotes and the licence. `read_genesis` returns one row per Gemeinde (8-digit AGS) or,
in Kreis tables, per Kreis (5 digits) and every combination of the columns; Samtgemeinde,
Kreis and Land rows are aggregates, checked against their members and never stored; every
row of the file is in `report`. See docs/inputs.md.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import pandas as pd

from etl.errors import InputError
from etl.extract.genesis.cells import SYMBOLS, read_cells
from etl.extract.genesis.layout import YEAR, read_layout
from etl.extract.genesis.mapping import REPORT_COLUMNS, map_cells
from etl.extract.genesis.tables import TABLES, TableSpec

__all__ = [
    "AGGREGATE_COLUMNS",
    "DATA_COLUMNS",
    "EXTRA_COLUMNS",
    "REPORT_COLUMNS",
    "SEPARATOR",
    "STORED_COLUMNS",
    "SYMBOLS",
    "TABLES",
    "GenesisTable",
    "TableSpec",
    "read_genesis",
]

SEPARATOR: Final = "__________"
DATA_COLUMNS: Final = (
    "ags",
    "name",
    "year",
    "measure",
    "sex",
    "age_from",
    "age_to",
    "value",
    "symbol",
)
# Added after the stable columns: 'gemeinde' or 'kreis'; 'total', 'german' or 'foreign';
# 'total' or a household type (see layout.HOUSEHOLD_TYPES).
EXTRA_COLUMNS: Final = ("level", "nationality", "household_type")
# The columns of `official_values` (etl.store.schema) filled from `data`.
STORED_COLUMNS: Final = (*(c for c in DATA_COLUMNS if c != "name"), *EXTRA_COLUMNS)
AGGREGATE_COLUMNS: Final = ("code", "level", *DATA_COLUMNS[1:], "line", *EXTRA_COLUMNS[1:])
UNMAPPED_COLUMNS: Final = ("code", "name", "reason", "line")
_HEAD = re.compile(r"^GENESIS-Tabelle:\s*(\S+)")


@dataclass(frozen=True)
class GenesisTable:
    """One parsed export: data rows, aggregates, the report of every row, licence text.

    `unmapped` lists the rows of `report` that are 'vanished' or 'unknown' or have years left
    out (code, name, reason, line).
    """

    table_code: str
    title: str
    data: pd.DataFrame
    unmapped: pd.DataFrame
    attribution: str
    aggregates: pd.DataFrame
    footnotes: str = ""
    report: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REPORT_COLUMNS))


def read_genesis(path: str | Path) -> GenesisTable:
    """Parse a GENESIS flat CSV file; raises InputError naming file, line and column."""
    file = str(path)
    # Only \n and \r\n end a line (str.splitlines also splits at \x1e, \x85, ...).
    lines = [line.rstrip("\r") for line in _decode(_read_bytes(path), file).split("\n")]
    table_code = _table_code(lines, file)
    spec = TABLES[table_code]
    end = next((i for i, line in enumerate(lines) if line.startswith(SEPARATOR)), None)
    if end is None:
        raise InputError(
            f"Trennlinie {SEPARATOR!r} vor Fußnoten und Lizenz fehlt; vollständigen Export "
            "('Tabelle als CSV') verwenden.",
            file=file,
        )
    rows = [_split(line, number, file) for number, line in enumerate(lines[:end], start=1)]
    layout = read_layout(rows, file)
    mapped = map_cells(read_cells(rows, layout, spec, file), spec.depth, spec.scale, file)
    footnotes, attribution = _footer(lines[end + 1 :])
    report = mapped.report
    reported = report["status"].isin(["vanished", "unknown"]) | report["reason"].ne("")
    unmapped = report.loc[reported, list(UNMAPPED_COLUMNS)]
    return GenesisTable(
        table_code,
        _title(rows[1 : layout.first_data]),
        _data(mapped.data),
        unmapped.reset_index(drop=True),
        attribution,
        mapped.aggregates[list(AGGREGATE_COLUMNS)],
        footnotes,
        report,
    )


def _data(cells: pd.DataFrame) -> pd.DataFrame:
    """The data columns, sorted; within an area, year and measure the totals of nationality
    and household type come first (a reader keeping the first row per area gets the total)."""
    keys = ["ags", "year", "measure", "nationality", "household_type", "sex", "age_from"]
    data = cells[[*DATA_COLUMNS, *EXTRA_COLUMNS]]
    data = data.sort_values([*keys, "age_to"], na_position="last", key=_totals_first, kind="stable")
    return data.reset_index(drop=True)


def _totals_first(column: pd.Series) -> pd.Series:
    if column.name in ("nationality", "household_type"):
        return column.ne("total")
    return column


def _title(header: list[list[str]]) -> str:
    """The title lines: text in the first cell only, not a year or date."""
    texts = [r[0].strip() for r in header if r and not any(c.strip() for c in r[1:])]
    return " ".join(text for text in texts if text and not YEAR.match(text))


def _read_bytes(path: str | Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError as error:
        raise InputError("Datei nicht gefunden; Pfad prüfen.", file=str(path)) from error
    except (IsADirectoryError, PermissionError) as error:
        raise InputError(f"Datei nicht lesbar ({error.strerror}).", file=str(path)) from error


def _decode(raw: bytes, file: str) -> str:
    """UTF-8 (with or without BOM), else Windows-1252 as in older exports."""
    if b"\x00" in raw:
        raise InputError("Binärdatei, keine GENESIS-CSV-Datei.", file=file)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as error:
        raise InputError(
            "Zeichenkodierung weder UTF-8 noch Windows-1252; Datei neu exportieren.", file=file
        ) from error


def _table_code(lines: list[str], file: str) -> str:
    match = _HEAD.match(lines[0].strip().strip('"')) if lines else None
    if not match:
        raise InputError(
            "keine GENESIS-Datei: die erste Zeile muss 'GENESIS-Tabelle: <Code>' lauten "
            "(Export als 'CSV' aus regionalstatistik.de oder www-genesis.destatis.de).",
            file=file,
            row=1,
        )
    code = match[1].strip(";")
    if code not in TABLES:
        raise InputError(
            f"Tabelle {code!r} wird nicht unterstützt; unterstützt sind {', '.join(TABLES)}.",
            file=file,
            row=1,
        )
    return code


def _split(line: str, number: int, file: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=";"), [])
    except csv.Error as error:
        raise InputError(f"Zeile nicht lesbar ({error}).", file=file, row=number) from error


def _footer(lines: list[str]) -> tuple[str, str]:
    """(footnotes, attribution): the quoted block with '©' or 'Lizenz' is the attribution."""
    blocks = [
        " ".join(" ".join(field.split()) for field in row if field.strip())
        for row in csv.reader([f"{line}\n" for line in lines], delimiter=";")
    ]
    blocks = [b for b in blocks if b]
    licence = [b for b in blocks if "©" in b or "lizen" in b.lower() or b.startswith("Stand:")]
    notes = [b for b in blocks if b not in licence]
    return "\n".join(notes), "\n".join(licence) if licence else "\n".join(blocks)
