"""Validate one table of an anonymised extract: columns, codes, keys, numbers, duplicates.

Works on the table's columns as numpy arrays and calls a check once per distinct value, not
per row, so that a bulk import of a thousand small extracts is not dominated by the fixed cost
of pandas operations. Every refusal names file, line (of the source file) and column, and the
value found.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection
from typing import Final

import numpy as np
import pandas as pd

from etl.errors import InputError
from etl.extract.grouping import first_duplicate, first_position, map_unique
from etl.extract.person_level import HEADER_ALIASES
from etl.extract.register import EVENT_CODES, RESIDENCE_CODES, normalise_name
from etl.model import (
    AREA_LEVELS,
    EVENTS,
    GRID_LEVELS,
    GRID_NATIONALITY,
    MAX_HOUSEHOLD_SIZE,
    NATIONALITIES,
    TABLE_COLUMNS,
)
from etl.transform.ages import BROAD_AGE_GROUPS, MAX_AGE

VALUE_ALIASES: Final = {
    "sex": {
        "weiblich": "female",
        "w": "female",
        "männlich": "male",
        "maennlich": "male",
        "m": "male",
    },
    "nationality": {"deutsch": "de", "nichtdeutsch": "foreign", "insgesamt": "all"},
    "residence": RESIDENCE_CODES,
    "event": EVENT_CODES,
}
GRID_AGES: Final = frozenset(age_from for age_from, _ in BROAD_AGE_GROUPS)
GRID_KEY: Final = {"grid1km": r"1kmN\d{4}E\d{4}", "grid100m": r"100mN\d{5}E\d{5}"}
CODES: Final = {"sex": ("female", "male"), "residence": ("main", "secondary"), "event": EVENTS}
INTEGERS: Final = {"age": (0, MAX_AGE), "size": (1, MAX_HOUSEHOLD_SIZE), "count": (0, None)}
INTEGER_TEXT: Final = re.compile(r"\d{1,9}")


class _Columns:
    """A table's columns as arrays, with the source line of each row, for checks that refuse."""

    def __init__(self, frame: pd.DataFrame, file: str) -> None:
        self.file = file
        self.lines = frame.index.to_numpy()
        self.values = {str(c): frame[c].to_numpy(dtype=object) for c in frame.columns}

    def __getitem__(self, column: str) -> np.ndarray:
        return self.values[column]

    def refuse_at(self, position: int | None, column: str, message: str) -> None:
        """Raise for the row at `position` (nothing when None), naming its line and value."""
        if position is not None:
            value = self.values[column][position] if column in self.values else ""
            raise InputError(
                f"{message} Gefunden: {value!r}.",
                file=self.file,
                row=int(self.lines[position]),
                column=column,
            )

    def refuse(self, bad: np.ndarray, column: str, message: str) -> None:
        """Raise for the first row flagged in `bad`."""
        self.refuse_at(first_position(bad), column, message)

    def outside(self, column: str, allowed: Collection[object]) -> np.ndarray:
        """Rows whose value in `column` is not among `allowed`."""
        return map_unique(self.values[column], lambda value: value not in allowed, bool)


def _canonical_name(column: object) -> str:
    name = normalise_name(str(column))
    return HEADER_ALIASES.get(name, name)


def _canonical_columns(frame: pd.DataFrame, table: str, file: str) -> _Columns:
    renamed = frame.rename(columns=_canonical_name)
    if renamed.columns.has_duplicates:
        name = renamed.columns[renamed.columns.duplicated()][0]
        raise InputError(
            f"Zwei Spalten bedeuten {name!r} ({', '.join(map(str, frame.columns))}); "
            "eine davon entfernen.",
            file=file,
            column=name,
        )
    expected = set(TABLE_COLUMNS[table])
    missing = [c for c in TABLE_COLUMNS[table] if c not in renamed]
    extra = [c for c in renamed if c not in expected | {"reference_date"}]
    if missing or extra:
        raise InputError(
            f"Spalten passen nicht zur Tabelle {table}: erwartet "
            f"{', '.join(TABLE_COLUMNS[table])}"
            + (f"; es fehlt {', '.join(missing)}" if missing else "")
            + (f"; unbekannt {', '.join(extra)}" if extra else "")
            + ".",
            file=file,
            column=(missing or extra)[0],
        )
    columns = _Columns(renamed, file)
    for column, aliases in VALUE_ALIASES.items():
        if column in columns.values:
            columns.values[column] = map_unique(columns[column], _alias(aliases))
    return columns


def _alias(aliases: dict[str, str]) -> Callable[[str], str]:
    def canonical(value: str) -> str:
        lowered = value.lower()
        return aliases.get(lowered, lowered)

    return canonical


def _integers(columns: _Columns, column: str, low: int, high: int | None) -> np.ndarray:
    """The column as int64; refuses text that is no number and numbers out of range."""
    text = columns[column]
    not_integer = map_unique(text, lambda value: INTEGER_TEXT.fullmatch(value) is None, bool)
    columns.refuse(not_integer, column, "Keine nicht-negative ganze Zahl.")
    values = map_unique(text, int, np.int64)
    upper = f"..{high}" if high is not None else " oder mehr"
    out_of_range = (values < low) | (values > high) if high is not None else values < low
    columns.refuse(out_of_range, column, f"Wert außerhalb {low}{upper}.")
    return values


def _check_keys(columns: _Columns, table: str, municipality: str) -> None:
    levels = AREA_LEVELS if table == "population" else ("gemeinde", "ortsteil")
    columns.refuse(
        columns.outside("area_level", levels),
        "area_level",
        f"Unbekannte Ebene; erlaubt in {table}: {', '.join(levels)}.",
    )
    patterns = {
        "gemeinde": re.compile(re.escape(municipality)),
        # Any code here: etl.extract.structure explains name- and id-like codes itself.
        "ortsteil": re.compile(re.escape(municipality) + r"-[^\s,;]{1,60}"),
        **{level: re.compile(pattern) for level, pattern in GRID_KEY.items()},
    }
    bad = np.fromiter(
        (
            patterns[level].fullmatch(key) is None
            for level, key in zip(columns["area_level"], columns["area_key"], strict=True)
        ),
        dtype=bool,
        count=len(columns.lines),
    )
    columns.refuse(
        bad,
        "area_key",
        f"Gebietsschlüssel passt nicht zur Ebene oder gehört nicht zur Gemeinde {municipality} "
        "(gemeinde: AGS, ortsteil: AGS-Code, Raster: 1kmN....E.... / 100mN.....E.....).",
    )


def _check_grid(columns: _Columns, ages: np.ndarray) -> None:
    """Population rows of grid cells: nationality `all`, main residence, broad age groups."""
    grid = ~columns.outside("area_level", GRID_LEVELS)
    nationality = columns["nationality"]
    columns.refuse(
        np.where(
            grid, nationality != GRID_NATIONALITY, columns.outside("nationality", NATIONALITIES)
        ),
        "nationality",
        f"Unbekannter Code; erlaubt: {', '.join(NATIONALITIES)} (Raster: {GRID_NATIONALITY}).",
    )
    columns.refuse(
        grid & (columns["residence"] != "main"),
        "residence",
        "Rasterzellen enthalten nur Hauptwohnungen (main).",
    )
    columns.refuse(
        grid & ~np.isin(ages, sorted(GRID_AGES)),
        "age",
        f"Rasterzellen haben nur die Altersgruppen {sorted(GRID_AGES)}.",
    )


def _check_codes(columns: _Columns, table: str) -> dict[str, np.ndarray]:
    """Check the code and number columns; returns the number columns as int64."""
    for column, values in CODES.items():
        if column in columns.values:
            columns.refuse(
                columns.outside(column, values),
                column,
                f"Unbekannter Code; erlaubt: {', '.join(values)}.",
            )
    numbers = {
        column: _integers(columns, column, low, high)
        for column, (low, high) in INTEGERS.items()
        if column in columns.values
    }
    if table == "population":
        _check_grid(columns, numbers["age"])
    return numbers


def validate_table(
    frame: pd.DataFrame, table: str, file: str, municipality: str, reference_date: dt.date
) -> pd.DataFrame:
    """Check one table of an extract; returns it typed (ints) with the model's columns."""
    columns = _canonical_columns(frame, table, file)
    if "reference_date" in columns.values:
        columns.refuse(
            columns["reference_date"] != reference_date.isoformat(),
            "reference_date",
            f"Stichtag weicht vom Manifest ({reference_date}) ab; je "
            "Auszug ist nur ein Stichtag erlaubt.",
        )
    _check_keys(columns, table, municipality)
    numbers = _check_codes(columns, table)
    keys = list(TABLE_COLUMNS[table][:-1])
    columns.refuse_at(
        first_duplicate([columns[k] for k in keys]),
        "area_key",
        f"Doppelter Schlüssel ({', '.join(keys)}).",
    )
    return pd.DataFrame(
        {
            name: pd.Series(numbers[name], dtype="int64", copy=False)
            if name in numbers
            else pd.Series(columns[name], dtype=object, copy=False)
            for name in TABLE_COLUMNS[table]
        }
    )
