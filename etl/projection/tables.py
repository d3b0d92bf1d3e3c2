"""Validate the projection input tables and turn them into arrays (no file access here).

Frames are expected as read with `dtype=str, keep_default_na=False`; row numbers in
messages are file lines (the header is line 1). Every error names file, row and column.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from etl.errors import InputError
from etl.projection.engine import SEXES


@dataclass(frozen=True)
class PopulationTable:
    """Population as an array (areas, sex, age) with its area keys and age lower bounds."""

    areas: tuple[str, ...]
    ages: tuple[int, ...]
    values: np.ndarray


def _line(frame: pd.DataFrame, position: int) -> int:
    return int(position) + 2


def require_columns(frame: pd.DataFrame, columns: tuple[str, ...], file: str) -> None:
    """Raise InputError naming the first required column that is missing."""
    for column in columns:
        if column not in frame.columns:
            found = ", ".join(map(str, frame.columns))
            raise InputError(
                f"Spalte fehlt (gefunden: {found}); benötigt werden {', '.join(columns)}.",
                file=file,
                column=column,
            )


def numbers(frame: pd.DataFrame, column: str, file: str, *, integer: bool = False) -> np.ndarray:
    """Parse a column as numbers; the error names the first unreadable row."""
    text = frame[column].astype(str).str.strip()
    parsed = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)
    bad = np.flatnonzero(np.isnan(parsed) | (integer & (parsed != np.round(parsed))))
    if bad.size:
        position = int(bad[0])
        kind = "eine ganze Zahl" if integer else "eine Zahl"
        raise InputError(
            f"{text.iloc[position]!r} ist nicht {kind}.",
            file=file,
            row=_line(frame, position),
            column=column,
        )
    return parsed


def check_range(
    frame: pd.DataFrame, values: np.ndarray, column: str, file: str, low: float, high: float
) -> None:
    """Raise InputError for the first value outside [low, high]."""
    bad = np.flatnonzero((values < low) | (values > high))
    if bad.size:
        position = int(bad[0])
        raise InputError(
            f"Wert {values[position]:g} liegt außerhalb von [{low:g}, {high:g}].",
            file=file,
            row=_line(frame, position),
            column=column,
        )


def sex_index(frame: pd.DataFrame, file: str) -> np.ndarray:
    """Map the sex column to 0 (female) / 1 (male); unknown values raise InputError."""
    text = frame["sex"].astype(str).str.strip()
    known = text.isin(SEXES).to_numpy()
    if not known.all():
        position = int(np.flatnonzero(~known)[0])
        raise InputError(
            f"Unbekanntes Geschlecht {text.iloc[position]!r}; erlaubt sind female, male.",
            file=file,
            row=_line(frame, position),
            column="sex",
        )
    return (text == "male").to_numpy().astype(int)


def _check_ages(ages: np.ndarray, file: str, step: int) -> tuple[int, ...]:
    distinct = tuple(int(a) for a in np.unique(ages))
    expected = tuple(range(0, step * len(distinct), step))
    if distinct != expected:
        raise InputError(
            f"Altersgruppen {list(distinct)} passen nicht zum Schritt {step}; erwartet "
            f"werden die Untergrenzen 0, {step}, 2·{step}, ... (letzte Gruppe offen).",
            file=file,
            column="age",
        )
    return distinct


def _fill(
    frame: pd.DataFrame,
    file: str,
    keys: list[np.ndarray],
    labels: tuple[tuple, ...],
    values: np.ndarray,
    what: str,
) -> np.ndarray:
    """Place values at integer keys into an array; duplicates and gaps raise InputError."""
    sizes = tuple(len(dimension) for dimension in labels)
    flat = np.ravel_multi_index(tuple(keys), sizes)
    unique, counts = np.unique(flat, return_counts=True)
    if np.any(counts > 1):
        duplicates = np.flatnonzero(flat == unique[np.argmax(counts > 1)])
        raise InputError(
            f"Doppelte Zeile für dieselbe Kombination ({what}).",
            file=file,
            row=_line(frame, duplicates[1]),
        )
    if unique.size != int(np.prod(sizes)):
        missing = np.setdiff1d(np.arange(int(np.prod(sizes))), unique)[0]
        position = np.unravel_index(missing, sizes)
        named = ", ".join(str(labels[d][int(p)]) for d, p in enumerate(position))
        raise InputError(
            f"Es fehlt eine Zeile für {what} = {named}; jede Kombination muss genau "
            "einmal vorkommen.",
            file=file,
        )
    result = np.empty(int(np.prod(sizes)))
    result[flat] = values
    return result.reshape(sizes)


def _age_positions(
    frame: pd.DataFrame, ages: np.ndarray, known: tuple[int, ...] | PopulationTable, file: str
) -> np.ndarray:
    if isinstance(known, PopulationTable):
        known = known.ages
    lookup = {age: i for i, age in enumerate(known)}
    positions = np.array([lookup.get(int(a), -1) for a in ages])
    if np.any(positions < 0):
        bad = int(np.flatnonzero(positions < 0)[0])
        raise InputError(
            f"Alter {int(ages[bad])} kommt in der Bevölkerung nicht vor (dort: {list(known)}).",
            file=file,
            row=_line(frame, bad),
            column="age",
        )
    return positions


def _area_positions(
    frame: pd.DataFrame, areas: tuple[str, ...], file: str, population_file: str
) -> np.ndarray:
    keys = frame["area"].astype(str).str.strip().to_numpy()
    lookup = {area: i for i, area in enumerate(areas)}
    positions = np.array([lookup.get(k, -1) for k in keys], dtype=int)
    if np.any(positions < 0):
        bad = int(np.flatnonzero(positions < 0)[0])
        raise InputError(
            f"Gebiet {keys[bad]!r} fehlt in {population_file}.",
            file=file,
            row=_line(frame, bad),
            column="area",
        )
    present = set(positions.tolist())
    absent = [area for i, area in enumerate(areas) if i not in present]
    if absent:
        raise InputError(
            f"Gebiet {absent[0]!r} aus {population_file} fehlt; jedes Gebiet braucht Zeilen.",
            file=file,
            column="area",
        )
    return positions


def read_population(frame: pd.DataFrame, file: str, step: int) -> PopulationTable:
    """Population `area,sex,age,population` to an array (areas, sex, age)."""
    require_columns(frame, ("area", "sex", "age", "population"), file)
    sexes = sex_index(frame, file)
    ages = numbers(frame, "age", file, integer=True)
    values = numbers(frame, "population", file)
    check_range(frame, values, "population", file, 0.0, np.inf)
    known_ages = _check_ages(ages, file, step)
    area_keys = frame["area"].astype(str).str.strip()
    areas = tuple(dict.fromkeys(area_keys))
    area_pos = _area_positions(frame, areas, file, file)
    age_pos = _age_positions(frame, ages, known_ages, file)
    labels = (areas, SEXES, known_ages)
    array = _fill(frame, file, [area_pos, sexes, age_pos], labels, values, "area, sex, age")
    return PopulationTable(areas, known_ages, array)


def read_survival(
    frame: pd.DataFrame, file: str, population: PopulationTable, population_file: str
) -> np.ndarray:
    """Survival `sex,age,survival[,area]` to an array (areas|1, sex, age), values in [0, 1]."""
    require_columns(frame, ("sex", "age", "survival"), file)
    sexes = sex_index(frame, file)
    age_pos = _age_positions(frame, numbers(frame, "age", file, integer=True), population, file)
    values = numbers(frame, "survival", file)
    check_range(frame, values, "survival", file, 0.0, 1.0)
    if "area" in frame.columns:
        area_pos = _area_positions(frame, population.areas, file, population_file)
        labels = (population.areas, SEXES, population.ages)
        return _fill(frame, file, [area_pos, sexes, age_pos], labels, values, "area, sex, age")
    labels = (SEXES, population.ages)
    return _fill(frame, file, [sexes, age_pos], labels, values, "sex, age")[None]


def read_fertility(
    frame: pd.DataFrame, file: str, population: PopulationTable, population_file: str
) -> np.ndarray:
    """Annual fertility `age,rate[,area]` to (areas|1, age); ages not listed have rate 0."""
    require_columns(frame, ("age", "rate"), file)
    age_pos = _age_positions(frame, numbers(frame, "age", file, integer=True), population, file)
    values = numbers(frame, "rate", file)
    check_range(frame, values, "rate", file, 0.0, 1.0)
    if "area" in frame.columns:
        area_pos = _area_positions(frame, population.areas, file, population_file)
    else:
        area_pos = np.zeros(len(frame), dtype=int)
    rows = len(population.areas) if "area" in frame.columns else 1
    rates = np.zeros((rows, len(population.ages)))
    keys = area_pos * len(population.ages) + age_pos
    if np.unique(keys).size != keys.size:
        duplicate = int(np.flatnonzero(pd.Series(keys).duplicated().to_numpy())[0])
        raise InputError(
            "Doppelte Zeile für dasselbe Alter.", file=file, row=_line(frame, duplicate)
        )
    rates[area_pos, age_pos] = values
    return rates


def read_net_migration(
    frame: pd.DataFrame, file: str, population: PopulationTable, population_file: str
) -> np.ndarray:
    """Net migrants per step `area,sex,age,net` to (areas, sex, age); every cell required."""
    require_columns(frame, ("area", "sex", "age", "net"), file)
    sexes = sex_index(frame, file)
    age_pos = _age_positions(frame, numbers(frame, "age", file, integer=True), population, file)
    values = numbers(frame, "net", file)
    area_pos = _area_positions(frame, population.areas, file, population_file)
    labels = (population.areas, SEXES, population.ages)
    return _fill(frame, file, [area_pos, sexes, age_pos], labels, values, "area, sex, age")
