"""Data rows of a GENESIS export as one long frame of cells."""

from __future__ import annotations

import re
from typing import Final

import pandas as pd

from etl.errors import InputError
from etl.extract.genesis.layout import YEAR, Column, Layout, age_range
from etl.extract.genesis.tables import TableSpec

SYMBOLS: Final = ("-", ".", "x", "/")
CELL_COLUMNS: Final = (
    "line",
    "code",
    "name",
    "year",
    "measure",
    "sex",
    "age_from",
    "age_to",
    "nationality",
    "household_type",
    "column",
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
_DECIMAL: Final = re.compile(r"^(\d+),(\d{1,2})$")


def read_cells(rows: list[list[str]], layout: Layout, spec: TableSpec, file: str) -> pd.DataFrame:
    """Long frame (CELL_COLUMNS) of every data row; raises InputError naming row and column."""
    records: list[tuple] = []
    for index in range(layout.first_data, len(rows)):
        if any(c.strip() for c in rows[index]):
            records.extend(_row_cells(rows[index], index + 1, layout, spec, file))
    frame = pd.DataFrame.from_records(records, columns=list(CELL_COLUMNS))
    return frame.astype(_CELL_TYPES)


def _row_cells(
    row: list[str], line: int, layout: Layout, spec: TableSpec, file: str
) -> list[tuple]:
    n_labels = len(layout.roles)
    if len(row) <= n_labels:
        raise InputError("zu wenige Spalten.", file=file, row=line)
    labels = dict(zip(layout.roles, (c.strip() for c in row[:n_labels]), strict=True))
    values, columns = row[n_labels:], layout.columns
    code = labels["code"]
    if not code.isdigit():
        raise InputError(
            f"Schlüssel {code!r} ist keine Ziffernfolge.", file=file, row=line, column="Schlüssel"
        )
    if len(values) < len(columns) or any(v.strip() for v in values[len(columns) :]):
        raise InputError(f"{len(values)} Werte statt {len(columns)}.", file=file, row=line)
    row_year = _row_year(labels.get("year"), file, line)
    row_age = _row_age(labels.get("age"), file, line)
    cells = []
    for column, raw in zip(columns, values, strict=False):
        value, symbol = _value(raw.strip(), spec.scale, file, line, column.label)
        year = row_year if row_year is not None else column.year
        if year is None:
            raise InputError(
                "Jahr bzw. Stichtag fehlt im Kopf und in der Zeile.",
                file=file,
                row=line,
                column=column.label,
            )
        ages = row_age if row_age is not None else (column.age_from, column.age_to)
        cells.append(
            (
                line,
                code,
                labels["name"],
                year,
                _measure(column, spec, file, line),
                column.sex,
                *ages,
                column.nationality,
                column.household_type,
                column.label,
                value,
                symbol,
            )
        )
    return cells


def _measure(column: Column, spec: TableSpec, file: str, line: int) -> str:
    if spec.measure != "moves":
        return spec.measure
    if not column.direction:
        raise InputError(
            "Richtung (Zuzüge/Fortzüge) fehlt im Kopf.", file=file, row=line, column=column.label
        )
    return f"moves_{column.direction}"


def _row_year(label: str | None, file: str, line: int) -> int | None:
    if label is None:
        return None
    match = YEAR.match(label)
    if not match:
        raise InputError(
            f"{label!r} ist kein Jahr bzw. Stichtag.", file=file, row=line, column="Jahr"
        )
    return int(match[1])


def _row_age(label: str | None, file: str, line: int) -> tuple[int, int | None] | None:
    if label is None:
        return None
    if label.lower() == "insgesamt":
        return (0, None)
    ages = age_range(label)
    if ages is None:
        raise InputError(
            f"{label!r} ist keine Altersgruppe.", file=file, row=line, column="Altersgruppe"
        )
    return ages


def _value(raw: str, scale: int, file: str, line: int, column: str) -> tuple[int | None, str]:
    if raw.isdigit() and raw.isascii():
        return int(raw) * scale, ""
    decimal = _DECIMAL.match(raw) if scale == 100 else None
    if decimal:
        return int(decimal[1]) * 100 + int(decimal[2].ljust(2, "0")), ""
    if raw in SYMBOLS:
        return None, raw
    allowed = "ganze Zahl" if scale == 1 else "Zahl mit höchstens zwei Nachkommastellen"
    raise InputError(
        f"Wert {raw!r} ist weder eine {allowed} noch eines der Zeichen {' '.join(SYMBOLS)}.",
        file=file,
        row=line,
        column=column,
    )
