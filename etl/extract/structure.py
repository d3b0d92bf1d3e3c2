"""Refuse extracts whose structure only person-level data has (pure checks on one bundle).

The columns of an extract can be right while its rows still describe single persons: one
Ortsteil per person under a key carrying the name (`03901001-MaxMustermann_Hst12`) or a person
number (`03901001-P000017`), or many areas holding exactly one person. Parts that add up to more
than their whole (Ortsteile or grid cells beyond the Gemeinde) are contradictory and would break
every later publish. Each check raises for the first offending row, naming file, line and column.
The sub-area key registry and the municipality's boundary are checked in etl.uploads.territory.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from etl.errors import InputError, PersonLevelDataError
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


def _position(mask: pd.Series) -> int:
    """Position (0-based) of the first row where `mask` holds."""
    return int(mask.to_numpy().nonzero()[0][0])


def check_subarea_codes(bundle: ExtractBundle) -> None:
    """Ortsteil keys must be short codes of the uploading municipality, not names or ids."""
    for table in TABLE_COLUMNS:
        frame = bundle.table(table)
        ortsteile = frame["area_level"] == "ortsteil"
        for key in frame.loc[ortsteile, "area_key"].drop_duplicates():
            problem = key_problem(key, bundle.municipality)
            if problem:
                position = _position(ortsteile & (frame["area_key"] == key))
                raise PersonLevelDataError(
                    PERSON_LEVEL_MESSAGE.format(reason=f"Gebietsschlüssel {key!r}: {problem}"),
                    file=source_file(bundle, table),
                    row=bundle.line(table, position),
                    column="area_key",
                )


def _single_person_areas(population: pd.DataFrame, level: str) -> tuple[pd.Index, int]:
    rows = population[population["area_level"] == level]
    persons = rows.groupby("area_key")["count"].sum()
    return persons.index[persons == 1], len(persons)


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
            mask = (population["area_level"] == level) & population["area_key"].isin(single)
            raise PersonLevelDataError(
                PERSON_LEVEL_MESSAGE.format(
                    reason=f"{len(single)} von {areas} Gebieten der Ebene {level} enthalten "
                    "genau eine Person"
                ),
                file=source_file(bundle, "population"),
                row=bundle.line("population", _position(mask)),
                column="area_key",
            )


def _broad_age(ages: pd.Series) -> pd.Series:
    lower = pd.Series(0, index=ages.index)
    for age_from, _ in BROAD_AGE_GROUPS:
        lower = lower.where(ages < age_from, age_from)
    return lower


def _excess(
    bundle: ExtractBundle, table: str, parts: pd.Series, whole: pd.DataFrame, dims: list[str]
) -> None:
    """Raise when the rows flagged in `parts`, summed over `dims`, exceed `whole` there."""
    frame = bundle.table(table)
    part_rows = frame.assign(position=range(len(frame)))[parts]
    summed = part_rows.groupby(dims, as_index=False).agg(
        parts=("count", "sum"), position=("position", "min")
    )
    merged = summed.merge(whole, on=dims, how="left", validate="1:1").fillna({"whole": 0})
    bad = merged[merged["parts"] > merged["whole"]]
    if bad.empty:
        return
    first = bad.sort_values("position").iloc[0]
    level = frame["area_level"].iloc[int(first["position"])]
    cell = ", ".join(f"{d} {first[d]}" for d in dims)
    raise InputError(
        f"Die Gebiete der Ebene {level} ergeben zusammen {int(first['parts'])} ({cell}), die "
        f"Gemeinde {bundle.municipality} selbst nur {int(first['whole'])}. Teile können nicht "
        "mehr sein als das Ganze; den Auszug mit `python -m etl extract` neu erzeugen.",
        file=source_file(bundle, table),
        row=bundle.line(table, int(first["position"])),
        column="count",
    )


def check_parts_within_whole(bundle: ExtractBundle) -> None:
    """Ortsteile and grid cells never add up to more than their Gemeinde, cell by cell."""
    for table in TABLE_COLUMNS:
        frame, dims = bundle.table(table), DIMENSIONS[table]
        gemeinde = frame[frame["area_level"] == "gemeinde"]
        whole = gemeinde.groupby(dims, as_index=False)["count"].sum()
        whole = whole.rename(columns={"count": "whole"})
        _excess(bundle, table, frame["area_level"] == "ortsteil", whole, dims)
    population = bundle.population
    main = population[
        (population["area_level"] == "gemeinde") & (population["residence"] == "main")
    ]
    grid_whole = (
        main.assign(age=_broad_age(main["age"]))
        .groupby(["sex", "age"], as_index=False)["count"]
        .sum()
        .rename(columns={"count": "whole"})
    )
    for level in GRID_LEVELS:
        _excess(bundle, "population", population["area_level"] == level, grid_whole, ["sex", "age"])


def check_structure(bundle: ExtractBundle) -> None:
    """All structural checks; raises PersonLevelDataError or InputError for the first finding."""
    check_subarea_codes(bundle)
    check_single_person_areas(bundle)
    check_parts_within_whole(bundle)
