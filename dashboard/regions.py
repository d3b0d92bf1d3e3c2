"""Figures of custom regions from published cells only, with honest bounds (pure functions).

Method: interval arithmetic (`etl.transform.interval_arithmetic`) over the published area
relations, cell by cell. For every cell
(e.g. women aged 20-24) and every parent of the chosen municipalities (the Kreis, or the Land
for a city-state without Kreis):

- lower bound = published member values + 1 per suppressed member cell (a suppressed cell is
  >= 1, zeros are published as zero);
- upper bound = published member values + (published parent total - all published
  municipalities of that parent - 1 per suppressed municipality outside the region).
  Without a published parent total the upper bound is open (shown as "≥ lower").

A measure (e.g. under 18) sums its cells' intervals. Nothing is read from the restricted zone;
the result is a bound whenever a part is suppressed, never a point estimate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from etl.symbols import NOT_AVAILABLE, PUBLISHED, SUPPRESSED, ZERO
from etl.transform import interval_arithmetic as bounds

CELL_KEYS: Final = {
    "population": ["sex", "age_from", "age_to", "nationality"],
    "households": ["size"],
    "events": ["event"],
}


def _persons(
    sex: str = "total",
    nationality: str = "total",
    lo: int = 0,
    hi: int | None = None,
    total_row: bool = False,
) -> Callable[[pd.DataFrame], pd.Series]:
    """Population cells of a sex and nationality: the all-ages row or groups in [lo, hi)."""

    def select(cells: pd.DataFrame) -> pd.Series:
        chosen = (cells["sex"] == sex) & (cells["nationality"] == nationality)
        is_total = (cells["age_from"] == 0) & cells["age_to"].isna()
        if total_row:
            return chosen & is_total
        inside = (cells["age_from"] >= lo) & ~is_total
        if hi is not None:
            inside &= cells["age_to"].notna() & (cells["age_to"] <= hi)
        return (chosen & inside).fillna(False).astype(bool)

    return select


@dataclass(frozen=True)
class Measure:
    key: str
    table: str
    select: Callable[[pd.DataFrame], pd.Series]


MEASURES: Final[tuple[Measure, ...]] = (
    Measure("population", "population", _persons(total_row=True)),
    Measure("female", "population", _persons("female", total_row=True)),
    Measure("male", "population", _persons("male", total_row=True)),
    Measure("age_u18", "population", _persons(lo=0, hi=18)),
    Measure("age_18_64", "population", _persons(lo=18, hi=65)),
    Measure("age_65p", "population", _persons(lo=65)),
    *(
        Measure(f"{sex}_{name}", "population", _persons(sex, lo=lo, hi=hi))
        for sex in ("female", "male")
        for name, lo, hi in (("u18", 0, 18), ("18_64", 18, 65), ("65p", 65, None))
    ),
    Measure("foreign", "population", _persons(nationality="foreign", total_row=True)),
    Measure("households", "households", lambda c: c["size"] == 0),
    Measure("birth", "events", lambda c: c["event"] == "birth"),
    Measure("death", "events", lambda c: c["event"] == "death"),
    Measure("move_in", "events", lambda c: c["event"] == "move_in"),
    Measure("move_out", "events", lambda c: c["event"] == "move_out"),
)


def _parents(areas: pd.DataFrame) -> pd.Series:
    municipalities = areas[areas["level"] == "gemeinde"].set_index("area_key", drop=False)
    return municipalities["kreis_key"].fillna(municipalities["land_key"]).rename("parent")


def cell_intervals(
    cells: pd.DataFrame, keys: list[str], areas: pd.DataFrame, members: list[str]
) -> pd.DataFrame:
    """Per cell key: lower and upper bound of the region's sum, and whether anything is n/a."""
    parents = _parents(areas)
    local = cells[cells["area_key"].isin(parents.index)].copy()
    local["parent"] = local["area_key"].map(parents)
    local["inside"] = local["area_key"].isin(members)
    value = pd.to_numeric(local["value"], errors="coerce").astype(float)
    known = local["status"].isin([PUBLISHED, ZERO])
    supp = local["status"] == SUPPRESSED
    local = local.assign(
        pub=value.where(known, 0.0),
        pub_in=value.where(known & local["inside"], 0.0),
        supp_in=(supp & local["inside"]).astype(int),
        supp_out=(supp & ~local["inside"]).astype(int),
        na_in=((local["status"] == NOT_AVAILABLE) & local["inside"]).astype(int),
        n_in=local["inside"].astype(int),
    )
    group = [*keys, "parent"]
    stats = local.groupby(group, dropna=False)[
        ["pub", "pub_in", "supp_in", "supp_out", "na_in", "n_in"]
    ].sum()
    stats = stats[stats["n_in"] > 0].reset_index()
    totals = cells.rename(columns={"area_key": "parent"})
    totals = totals.assign(total=pd.to_numeric(totals["value"], errors="coerce").astype(float))
    totals = totals[totals["status"].isin([PUBLISHED, ZERO])][[*group, "total"]]
    stats = stats.merge(totals, on=group, how="left", validate="1:1")
    stats[["lo", "hi"]] = bounds.partition_sum(
        stats["pub_in"],
        stats["supp_in"],
        stats["pub"] - stats["pub_in"],
        stats["supp_out"],
        stats["total"],
    )
    counts = stats.groupby(keys, dropna=False).agg(
        na=("na_in", "sum"), supp=("supp_in", "sum"), members=("n_in", "sum")
    )
    return bounds.grouped_sum(stats, keys).join(counts).reset_index()


def region_figures(
    tables: dict[str, pd.DataFrame], areas: pd.DataFrame, members: list[str]
) -> pd.DataFrame:
    """One row per measure: measure, status, value (exact only), lower, upper."""
    rows = []
    # The intervals depend on the table only: three computations instead of one per measure.
    by_table = {
        table: cell_intervals(tables[table], CELL_KEYS[table], areas, members)
        for table in dict.fromkeys(measure.table for measure in MEASURES)
    }
    for measure in MEASURES:
        intervals = by_table[measure.table]
        chosen = intervals[measure.select(intervals)] if not intervals.empty else intervals
        rows.append({"measure": measure.key, **_combine(chosen, len(members))})
    return pd.DataFrame(rows, columns=["measure", "status", "value", "lower", "upper"])


def _combine(chosen: pd.DataFrame, n_members: int) -> dict[str, object]:
    empty = {"value": np.nan, "lower": np.nan, "upper": np.nan}
    if chosen.empty or chosen["na"].sum() > 0 or n_members == 0:
        return {"status": NOT_AVAILABLE, **empty}
    lower, upper = bounds.total(chosen)
    if chosen["supp"].sum() == 0:
        return {
            "status": PUBLISHED if lower else ZERO,
            "value": lower,
            "lower": lower,
            "upper": lower,
        }
    return {"status": SUPPRESSED, "value": np.nan, "lower": lower, "upper": upper}
