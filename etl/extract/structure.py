"""Refuse extracts whose structure only person-level data has (pure checks on one bundle).

The columns of an extract can be right while its rows still describe single persons: one
Ortsteil per person under a key carrying the name (`03901001-MaxMustermann_Hst12`) or a person
number (`03901001-P000017`), or many areas holding exactly one person. Parts that add up to more
than their whole (Ortsteile or grid cells beyond the Gemeinde) are contradictory and would break
every later publish. Each check raises for the first offending row, naming file, line and column.
The sub-area key registry and the municipality's boundary are checked in etl.uploads.territory.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from etl.errors import InputError, PersonLevelDataError
from etl.extract.grouping import first_position, group_codes, group_sums
from etl.extract.person_level import PERSON_LEVEL_MESSAGE
from etl.extract.subareas import key_problem
from etl.model import GRID_LEVELS, TABLE_COLUMNS, ExtractBundle
from etl.transform.ages import BROAD_AGE_GROUPS

# Real Ortsteile holding a single registered person are rare (a farm, a port area); three of
# them in one extract is what a register split into one area per person looks like.
MAX_SINGLE_PERSON_ORTSTEILE: Final = 2
# Grid cells of one person are common in villages (the samples have up to 40 % among 1 km
# and 37 % among 100 m cells); only a grid made almost entirely of them is refused.
GRID_SINGLE_PERSON_SHARE: Final = 0.75
GRID_MIN_CELLS: Final = {"grid1km": 10, "grid100m": 50}
DIMENSIONS: Final = {name: list(columns[2:-1]) for name, columns in TABLE_COLUMNS.items()}


def source_file(bundle: ExtractBundle, table: str) -> str:
    """The file name a table was read from (as the manifest names it)."""
    entry = bundle.manifest.get("tables", {}).get(table)
    return entry["file"] if isinstance(entry, dict) and "file" in entry else table


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    return frame[name].to_numpy()


def check_subarea_codes(bundle: ExtractBundle) -> None:
    """Ortsteil keys must be short codes of the uploading municipality, not names or ids."""
    for table in TABLE_COLUMNS:
        frame = bundle.table(table)
        keys, ortsteile = _column(frame, "area_key"), _column(frame, "area_level") == "ortsteil"
        for key in dict.fromkeys(keys[ortsteile]):
            problem = key_problem(key, bundle.municipality)
            if problem:
                position = first_position(ortsteile & (keys == key))
                raise PersonLevelDataError(
                    PERSON_LEVEL_MESSAGE.format(reason=f"Gebietsschlüssel {key!r}: {problem}"),
                    file=source_file(bundle, table),
                    row=bundle.line(table, position or 0),
                    column="area_key",
                )


def _single_person_areas(population: pd.DataFrame, level: str) -> tuple[np.ndarray, int]:
    """Keys of the areas of `level` holding exactly one person, and the number of areas."""
    rows = _column(population, "area_level") == level
    keys = _column(population, "area_key")[rows]
    codes, areas = pd.factorize(keys)
    persons = np.zeros(len(areas), dtype=np.int64)
    np.add.at(persons, codes, _column(population, "count")[rows].astype(np.int64))
    return np.asarray(areas)[persons == 1], len(areas)


def check_single_person_areas(bundle: ExtractBundle) -> None:
    """Refuse many Ortsteile of one person each, or a grid made almost only of such cells."""
    population = bundle.population
    for level in ("ortsteil", *GRID_LEVELS):
        single, areas = _single_person_areas(population, level)
        if level == "ortsteil":
            refused = len(single) > MAX_SINGLE_PERSON_ORTSTEILE
        else:
            refused = areas >= GRID_MIN_CELLS[level] and (
                len(single) > GRID_SINGLE_PERSON_SHARE * areas
            )
        if refused:
            mask = (_column(population, "area_level") == level) & np.isin(
                _column(population, "area_key"), single
            )
            raise PersonLevelDataError(
                PERSON_LEVEL_MESSAGE.format(
                    reason=f"{len(single)} von {areas} Gebieten der Ebene {level} enthalten "
                    "genau eine Person"
                ),
                file=source_file(bundle, "population"),
                row=bundle.line("population", first_position(mask) or 0),
                column="area_key",
            )


def _broad_age(ages: np.ndarray) -> np.ndarray:
    lower = np.zeros(len(ages), dtype=np.int64)
    for age_from, _ in BROAD_AGE_GROUPS:
        lower = np.where(ages < age_from, lower, age_from)
    return lower


@dataclass(frozen=True)
class _Cells:
    """Rows of one table grouped into cells (the dimensions without the area)."""

    table: str
    dims: list[str]
    values: list[np.ndarray]  # per dimension, as compared
    codes: np.ndarray
    groups: int
    counts: np.ndarray


def _cells(bundle: ExtractBundle, table: str, dims: list[str], values: list[np.ndarray]) -> _Cells:
    codes, groups = group_codes(values)
    counts = _column(bundle.table(table), "count").astype(np.int64)
    return _Cells(table, dims, values, codes, groups, counts)


def _excess(bundle: ExtractBundle, cells: _Cells, parts: np.ndarray, whole: np.ndarray) -> None:
    """Raise when the rows flagged in `parts`, summed per cell, exceed the `whole` rows there."""
    part_sums = group_sums(cells.codes, cells.groups, parts, cells.counts)
    whole_sums = group_sums(cells.codes, cells.groups, whole, cells.counts)
    exceeded = part_sums > whole_sums
    position = first_position(parts & exceeded[cells.codes])
    if position is None:
        return
    code = cells.codes[position]
    level = _column(bundle.table(cells.table), "area_level")[position]
    cell = ", ".join(f"{d} {v[position]}" for d, v in zip(cells.dims, cells.values, strict=True))
    raise InputError(
        f"Die Gebiete der Ebene {level} ergeben zusammen {int(part_sums[code])} ({cell}), die "
        f"Gemeinde {bundle.municipality} selbst nur {int(whole_sums[code])}. Teile können nicht "
        "mehr sein als das Ganze; den Auszug mit `python -m etl extract` neu erzeugen.",
        file=source_file(bundle, cells.table),
        row=bundle.line(cells.table, position),
        column="count",
    )


def check_parts_within_whole(bundle: ExtractBundle) -> None:
    """Ortsteile and grid cells never add up to more than their Gemeinde, cell by cell."""
    for table in TABLE_COLUMNS:
        frame, dims = bundle.table(table), DIMENSIONS[table]
        level = _column(frame, "area_level")
        cells = _cells(bundle, table, dims, [_column(frame, d) for d in dims])
        _excess(bundle, cells, level == "ortsteil", level == "gemeinde")
    population = bundle.population
    level = _column(population, "area_level")
    # Grid ages are the lower bounds of the broad groups already; Gemeinde ages are grouped.
    ages = _broad_age(_column(population, "age"))
    cells = _cells(bundle, "population", ["sex", "age"], [_column(population, "sex"), ages])
    whole = (level == "gemeinde") & (_column(population, "residence") == "main")
    for grid_level in GRID_LEVELS:
        _excess(bundle, cells, level == grid_level, whole)


def check_structure(bundle: ExtractBundle) -> None:
    """All structural checks; raises PersonLevelDataError or InputError for the first finding."""
    check_subarea_codes(bundle)
    check_single_person_areas(bundle)
    check_parts_within_whole(bundle)
