"""Minimum population of a sub-area published as an area of its own (pure functions).

An Ortsteil with fewer main residents than the minimum is not published on its own: its rows
are left out of the year's counts, so the publication puts its people into the Gemeinde's
remainder `<AGS>-000` ("ohne Ortsteilzuordnung"), and they still count in the Gemeinde. The
remainder is an area too (its cells follow from the Gemeinde minus the published Ortsteile), so
while it is non-empty and below the minimum, the smallest remaining Ortsteil joins it; when
nothing but the remainder would be left, the Gemeinde is published without Ortsteile.
"""

from __future__ import annotations

import dataclasses
from typing import Protocol, TypeVar

import pandas as pd


class YearCounts(Protocol):
    """The restricted counts of one year (`year_protection.YearInput` has these fields)."""

    population: pd.DataFrame
    households: pd.DataFrame
    events: pd.DataFrame


Counts = TypeVar("Counts", bound=YearCounts)


def _residents(population: pd.DataFrame, level: str) -> pd.Series:
    rows = population[(population["area_level"] == level) & (population["residence"] == "main")]
    return rows.groupby("area_key")["count"].sum()


def _small_of_one(ortsteile: pd.Series, total: int, min_population: int) -> list[str]:
    """Ortsteile of one Gemeinde that are not published as areas of their own."""
    kept = ortsteile[ortsteile >= min_population].sort_values(kind="stable")
    small = ortsteile.index[ortsteile < min_population].tolist()
    remainder = total - int(kept.sum())
    while len(kept) and 0 < remainder < min_population:
        small.append(kept.index[0])
        remainder += int(kept.iloc[0])
        kept = kept.iloc[1:]
    if kept.empty:
        return ortsteile.index.tolist()
    return small


def small_subareas(
    population: pd.DataFrame, ortsteil_keys: pd.Series, min_population: int
) -> set[str]:
    """Ortsteil keys to leave out: fewer main residents than `min_population` (see module)."""
    if ortsteil_keys.empty:
        return set()
    residents = _residents(population, "ortsteil")
    residents = residents.reindex(pd.Index(ortsteil_keys.unique(), dtype=object), fill_value=0)
    totals = _residents(population, "gemeinde")
    small: set[str] = set()
    for municipality, ortsteile in residents.groupby(residents.index.str[:8]):
        total = int(totals.get(municipality, 0))
        small.update(_small_of_one(ortsteile, total, min_population))
    return small


def fold_small_subareas(data: Counts, min_population: int) -> Counts:
    """The year's counts without the rows of Ortsteile below `min_population`."""
    tables = {"population": data.population, "households": data.households, "events": data.events}
    keys = pd.concat(
        [t.loc[t["area_level"] == "ortsteil", "area_key"] for t in tables.values()],
        ignore_index=True,
    )
    small = small_subareas(data.population, keys, min_population)
    if not small:
        return data
    kept = {name: t[~t["area_key"].isin(small)] for name, t in tables.items()}
    return dataclasses.replace(data, **kept)
