"""Reader of GENESIS / Regionalstatistik flat CSV exports ("Tabelle als CSV", `;`).

Layout: `GENESIS-Tabelle: <code>`, title lines, column-header rows (year or 31.12. date, sex,
age group), data rows `code;name;values` (or `year;code;name;values`), a `__________` line,
then footnotes and the licence. Output: one row per municipality (8-digit AGS), year, sex and
age group; see docs/inputs.md for the code-mapping rules. Aggregate rows (Land, Kreis,
Gemeindeverband) never enter `data`; rows that cannot be mapped are listed in `unmapped`.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pandas as pd

from etl.errors import InputError
from etl.transform.territory import map_statistics_codes

# Table code -> measure. Stocks (population) refer to 31.12. of `year`; flows to the year.
TABLES: Final[dict[str, str]] = {
    "12411-01-01-5": "population",
    "12411-01-01-5-B": "population",
    "12411-02-03-5": "population",
    "12411-02-03-5-B": "population",
    "12612-01-01-5": "births",
    "12612-01-01-5-B": "births",
    "12613-01-01-5": "deaths",
    "12613-01-01-5-B": "deaths",
}
SYMBOLS: Final = ("-", ".", "x", "/")
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
AGGREGATE_COLUMNS: Final = ("code", "level", *DATA_COLUMNS[1:], "line")

_HEAD = re.compile(r"^GENESIS-Tabelle:\s*(\S+)")
_YEAR = re.compile(r"^(?:\d{2}\.\d{2}\.)?((?:19|20)\d{2})$")
_SEX = {"insgesamt": "total", "männlich": "male", "weiblich": "female"}
_AGE_PATTERNS: Final = (
    (re.compile(r"^unter (\d+) jahr(?:e|en)?$"), lambda m: (0, int(m[1]))),
    (re.compile(r"^(\d+) bis unter (\d+) jahr(?:e|en)?$"), lambda m: (int(m[1]), int(m[2]))),
    (re.compile(r"^(\d+) jahr(?:e|en)? und (?:mehr|älter)$"), lambda m: (int(m[1]), None)),
)


@dataclass(frozen=True)
class GenesisTable:
    """One parsed export: municipality rows, unmapped rows, aggregates, licence text."""

    table_code: str
    title: str
    data: pd.DataFrame
    unmapped: pd.DataFrame
    attribution: str
    aggregates: pd.DataFrame
    footnotes: str = ""


@dataclass(frozen=True)
class _Column:
    year: int | None
    sex: str
    age_from: int
    age_to: int | None
    label: str


def read_genesis(path: str | Path) -> GenesisTable:
    """Parse a GENESIS flat CSV file; raises InputError naming file, line and column."""
    file = str(path)
    # Only \n and \r\n end a line (str.splitlines also splits at \x1e, \x85, ...).
    lines = [line.rstrip("\r") for line in _decode(_read_bytes(path), file).split("\n")]
    table_code = _table_code(lines, file)
    end = next((i for i, line in enumerate(lines) if line.startswith(SEPARATOR)), None)
    if end is None:
        raise InputError(
            f"Trennlinie {SEPARATOR!r} vor Fußnoten und Lizenz fehlt; vollständigen Export "
            "('Tabelle als CSV') verwenden.",
            file=file,
        )
    rows = [_split(line, number, file) for number, line in enumerate(lines[:end], start=1)]
    first_data = _first_data_row(rows, file)
    columns, n_labels = _columns(rows[1:first_data], file)
    cells = _cells(rows, first_data, columns, n_labels, file)
    footnotes, attribution = _footer(lines[end + 1 :])
    data, aggregates, unmapped = _map_codes(cells, TABLES[table_code])
    title = _title(rows[1:first_data])
    return GenesisTable(table_code, title, data, unmapped, attribution, aggregates, footnotes)


def _title(header: list[list[str]]) -> str:
    """The title lines: text in the first cell only, not a year or date."""
    texts = [r[0].strip() for r in header if r and not any(c.strip() for c in r[1:])]
    return " ".join(text for text in texts if text and not _YEAR.match(text))


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


def _first_data_row(rows: list[list[str]], file: str) -> int:
    for index, row in enumerate(rows[1:], start=1):
        if row and row[0].strip().isdigit() and sum(bool(c.strip()) for c in row) >= 3:
            return index
    raise InputError("keine Datenzeilen (Schlüssel;Name;Werte) gefunden.", file=file)


def _columns(header: list[list[str]], file: str) -> tuple[list[_Column], int]:
    """Describe each value column from the header rows; returns columns and label count."""
    column_rows = [r for r in header if r and not r[0].strip() and any(c.strip() for c in r)]
    if not column_rows:
        raise InputError(
            "keine Spaltenköpfe (Zeilen mit leerer erster Zelle) vor den Daten.",
            file=file,
            row=len(header) + 1,
        )
    n_labels = min(len(r) - len(_lstrip_empty(r)) for r in column_rows)
    width = max(len(r) for r in column_rows) - n_labels
    table_years = {
        _YEAR.match(r[0].strip())[1]
        for r in header  # type: ignore[index]
        if r and _YEAR.match(r[0].strip()) and not any(c.strip() for c in r[1:])
    }
    if len(table_years) > 1 or n_labels not in (2, 3) or width < 1:
        raise InputError(
            "Kopfzeilen nicht erkannt: erwartet Schlüssel;Name (oder Jahr;Schlüssel;"
            "Name) und danach Wertespalten.",
            file=file,
            row=len(header) + 1,
        )
    labels = [
        [(r[n_labels + j].strip() if n_labels + j < len(r) else "") for r in column_rows]
        for j in range(width)
    ]
    kinds = [_row_kind([labels[j][k] for j in range(width)]) for k in range(len(column_rows))]
    columns = [_column(cell_labels, kinds, table_years) for cell_labels in labels]
    keys = [(c.year, c.sex, c.age_from, c.age_to) for c in columns]
    for j, key in enumerate(keys):
        if keys.index(key) != j:
            raise InputError(
                "Spalte doppelt oder Kopf nicht erkannt (Merkmal unbekannt); nur "
                "Jahr, Geschlecht und Altersgruppe werden unterstützt.",
                file=file,
                row=len(header) + 1,
                column=columns[j].label,
            )
    return columns, n_labels


def _lstrip_empty(row: list[str]) -> list[str]:
    index = 0
    while index < len(row) and not row[index].strip():
        index += 1
    return row[index:]


def _row_kind(cells: list[str]) -> str:
    """'year', 'sex', 'age' or 'other' (variable names like 'Geschlecht': ignored)."""
    filled = [c.lower() for c in cells if c]
    if filled and all(_YEAR.match(c) for c in filled):
        return "year"
    if filled and all(c in _SEX for c in filled):
        return "sex"
    if filled and all(c == "insgesamt" or _age(c) for c in filled):
        return "age"
    return "other"


def _age(label: str) -> tuple[int, int | None] | None:
    for pattern, convert in _AGE_PATTERNS:
        match = pattern.match(label.lower())
        if match:
            return convert(match)
    return None


def _column(labels: list[str], kinds: list[str], table_years: set[str]) -> _Column:
    year = int(next(iter(table_years))) if table_years else None
    sex, ages = "total", (0, None)
    for label, kind in zip(labels, kinds, strict=True):
        if kind == "year" and label:
            year = int(_YEAR.match(label)[1])  # type: ignore[index]
        elif kind == "sex" and label:
            sex = _SEX[label.lower()]
        elif kind == "age" and label:
            ages = _age(label) or (0, None)
    return _Column(year, sex, ages[0], ages[1], " / ".join(x for x in labels if x))


_CELL_COLUMNS: Final = (
    "line",
    "code",
    "name",
    "year",
    "sex",
    "age_from",
    "age_to",
    "value",
    "symbol",
)
_CELL_TYPES: Final = {
    "code": "str",
    "name": "str",
    "year": "int64",
    "age_from": "Int64",
    "age_to": "Int64",
    "value": "Int64",
    "symbol": "str",
}


def _cells(
    rows: list[list[str]], first: int, columns: list[_Column], n_labels: int, file: str
) -> pd.DataFrame:
    """Long frame: line, code, name, year, sex, age_from, age_to, value, symbol."""
    records: list[tuple] = []
    for index in range(first, len(rows)):
        if any(c.strip() for c in rows[index]):
            records.extend(_row_cells(rows[index], index + 1, columns, n_labels, file))
    frame = pd.DataFrame.from_records(records, columns=list(_CELL_COLUMNS))
    return frame.astype(_CELL_TYPES)


def _row_cells(
    row: list[str], line: int, columns: list[_Column], n_labels: int, file: str
) -> list[tuple]:
    """The cells of one data row: labels (year,) code, name, then one value per column."""
    if len(row) <= n_labels:
        raise InputError("zu wenige Spalten.", file=file, row=line)
    labels, values = [c.strip() for c in row[:n_labels]], row[n_labels:]
    code, name = labels[-2], labels[-1]
    row_year = _row_year(labels[0], n_labels, file, line)
    if not code.isdigit():
        raise InputError(
            f"Schlüssel {code!r} ist keine Ziffernfolge.", file=file, row=line, column="Schlüssel"
        )
    if len(values) < len(columns) or any(v.strip() for v in values[len(columns) :]):
        raise InputError(f"{len(values)} Werte statt {len(columns)}.", file=file, row=line)
    cells = []
    for column, raw in zip(columns, values, strict=False):
        value, symbol = _value(raw.strip(), file, line, column.label)
        year = row_year if row_year is not None else column.year
        if year is None:
            raise InputError(
                "Jahr bzw. Stichtag fehlt im Kopf und in der Zeile.",
                file=file,
                row=line,
                column=column.label,
            )
        cells.append(
            (line, code, name, year, column.sex, column.age_from, column.age_to, value, symbol)
        )
    return cells


def _row_year(label: str, n_labels: int, file: str, line: int) -> int | None:
    if n_labels < 3:
        return None
    match = _YEAR.match(label)
    if not match:
        raise InputError(
            f"{label!r} ist kein Jahr bzw. Stichtag.", file=file, row=line, column="Jahr"
        )
    return int(match[1])


def _value(raw: str, file: str, line: int, column: str) -> tuple[int | None, str]:
    if raw.isdigit() and raw.isascii():
        return int(raw), ""
    if raw in SYMBOLS:
        return None, raw
    raise InputError(
        f"Wert {raw!r} ist weder eine ganze Zahl noch eines der Zeichen {' '.join(SYMBOLS)}.",
        file=file,
        row=line,
        column=column,
    )


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


def _map_codes(
    cells: pd.DataFrame, measure: str
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(data, aggregates, unmapped): municipality cells keyed by AGS, never double counted."""
    data, aggregates, unmapped = map_statistics_codes(cells)
    data = data.assign(measure=measure)[list(DATA_COLUMNS)]
    aggregates = aggregates.assign(measure=measure)[list(AGGREGATE_COLUMNS)]
    keys = ["ags", "year", "sex", "age_from", "age_to"]
    data = data.sort_values(keys, na_position="last").reset_index(drop=True)
    return data, aggregates.reset_index(drop=True), unmapped
