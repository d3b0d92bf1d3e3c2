"""Pure indicator math over published cells: values, statuses and honest bounds.

Every function takes frames of published cells (columns value, status and keys) and returns a
frame indexed by area_key with columns value, status, lower, upper. Rules:

- a published total of zero makes a share "not available" (nothing to divide by);
- a suppressed component makes the indicator suppressed; where the parts partition a published
  total, interval arithmetic (`etl.transform.interval_arithmetic`) gives bounds: each
  suppressed cell is >= 1, and the sum of a selection is <= total - (published rest + 1 per
  suppressed rest cell);
- an age range that the published groups do not tile (e.g. 80+ with the 17 groups, or 20-64 on
  the broad grid groups) is "not available", never estimated.

Mean age uses group midpoints ((from + to) / 2, the open group a+ counted as a + 10, i.e. 85
for 75+); mean household size counts "5 and more" as 5 (a lower bound).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from etl.symbols import NOT_AVAILABLE, PUBLISHED, SUPPRESSED, ZERO
from etl.transform import interval_arithmetic as bounds

OPEN_GROUP_SPAN: Final = 20  # 75+ is taken as 75..95, midpoint 85


@dataclass(frozen=True)
class Indicator:
    key: str
    decimals: int
    unit: str  # shown after numbers in hovers: "%", "‰" or ""
    topic: str  # population | events | households


INDICATORS: Final[tuple[Indicator, ...]] = (
    Indicator("population", 0, "", "population"),
    Indicator("density", 0, "", "population"),
    Indicator("change_1y", 1, "%", "population"),
    Indicator("change_5y", 1, "%", "population"),
    Indicator("share_u18", 1, "%", "population"),
    Indicator("share_65p", 1, "%", "population"),
    Indicator("share_75p", 1, "%", "population"),
    Indicator("mean_age", 1, "", "population"),
    Indicator("old_age_ratio", 1, "", "population"),
    Indicator("youth_ratio", 1, "", "population"),
    Indicator("foreign_share", 1, "%", "population"),
    Indicator("births_per_1000", 1, "‰", "events"),
    Indicator("deaths_per_1000", 1, "‰", "events"),
    Indicator("net_migration_per_1000", 1, "‰", "events"),
    Indicator("households", 0, "", "households"),
    Indicator("hh_share_1", 1, "%", "households"),
    Indicator("hh_share_5p", 1, "%", "households"),
    Indicator("mean_hh_size", 2, "", "households"),
)
BY_KEY: Final = {i.key: i for i in INDICATORS}
RESULT_COLUMNS: Final = ["value", "status", "lower", "upper"]


def _empty(index: pd.Index) -> pd.DataFrame:
    return pd.DataFrame(
        {"value": np.nan, "status": NOT_AVAILABLE, "lower": np.nan, "upper": np.nan},
        index=index,
    )


def _as_float(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce").astype(float)


def totals(cells: pd.DataFrame) -> pd.DataFrame:
    """value/status of the all-ages total row per area (sex total, nationality total)."""
    rows = cells[(cells["age_from"] == 0) & cells["age_to"].isna()]
    return rows.set_index("area_key")[["value", "status"]].assign(
        value=lambda f: _as_float(f.value)
    )


def _part_stats(parts: pd.DataFrame, index: pd.Index) -> pd.DataFrame:
    """Per area: sum of published values, number of suppressed and of unavailable cells."""
    frame = parts.assign(
        pub=_as_float(parts["value"]).where(parts["status"].isin([PUBLISHED, ZERO]), 0.0),
        supp=(parts["status"] == SUPPRESSED).astype(int),
        na=(parts["status"] == NOT_AVAILABLE).astype(int),
        n=1,
    )
    stats = frame.groupby("area_key")[["pub", "supp", "na", "n"]].sum()
    return stats.reindex(index, fill_value=0)


def sum_interval(parts: pd.DataFrame, selected: pd.Series, total: pd.DataFrame) -> pd.DataFrame:
    """Bounds [lo, hi] of the sum of the selected parts, which with the rest partition `total`.

    `parts` holds area_key, value, status; `selected` is a boolean mask over parts. exact is
    True where no selected part is suppressed. hi uses the total when it is published.
    """
    index = total.index
    chosen, rest = _part_stats(parts[selected], index), _part_stats(parts[~selected], index)
    total_value = total["value"].where(total["status"].isin([PUBLISHED, ZERO]))
    interval = bounds.partition_sum(
        chosen["pub"], chosen["supp"], rest["pub"], rest["supp"], total_value
    )
    return interval.assign(exact=chosen["supp"] == 0, na=(chosen["na"] > 0) | (chosen["n"] == 0))


def ratio(num: pd.DataFrame, den: pd.DataFrame, scale: float = 1.0) -> pd.DataFrame:
    """num/den * scale from two sum intervals; suppressed with bounds when either is inexact."""
    out = _empty(num.index)
    usable = ~num["na"] & ~den["na"] & (den["lo"] > 0)
    exact = usable & num["exact"] & den["exact"]
    out.loc[exact, "value"] = num["lo"][exact] / den["lo"][exact] * scale
    out.loc[exact, "status"] = PUBLISHED
    bounded = usable & ~exact
    quotient = bounds.divide(num, den, scale)
    out.loc[bounded, "status"] = SUPPRESSED
    out.loc[bounded, "lower"] = quotient["lo"][bounded]
    out.loc[bounded, "upper"] = quotient["hi"][bounded]
    return out


def _total_interval(total: pd.DataFrame) -> pd.DataFrame:
    exact = total["status"].isin([PUBLISHED, ZERO])
    return bounds.of_cells(total["value"], exact).assign(
        exact=exact, na=total["status"] == NOT_AVAILABLE
    )


def _groups(cells: pd.DataFrame) -> pd.DataFrame:
    """Age-group rows (not the all-ages total) of sex total and nationality total."""
    return cells[~((cells["age_from"] == 0) & cells["age_to"].isna())]


def age_mask(groups: pd.DataFrame, lo: int, hi: int | None) -> pd.Series:
    """Groups lying inside [lo, hi); hi None means open-ended."""
    inside = groups["age_from"] >= lo
    if hi is not None:
        inside &= groups["age_to"].notna() & (groups["age_to"] <= hi)
    return inside.fillna(False).astype(bool)


def _tiles(groups: pd.DataFrame, mask: pd.Series, lo: int, hi: int | None) -> pd.Series:
    """Per area: whether the selected groups exactly cover [lo, hi)."""
    chosen = groups[mask]
    closed = chosen["age_to"].notna()
    width = (chosen["age_to"].astype(float) - chosen["age_from"]).where(closed, 0.0)
    frame = chosen.assign(width=width, open_from=chosen["age_from"].where(~closed))
    per_area = frame.groupby("area_key").agg(width=("width", "sum"), open_from=("open_from", "max"))
    if hi is None:
        return per_area["open_from"].notna() & (per_area["width"] == per_area["open_from"] - lo)
    return per_area["open_from"].isna() & (per_area["width"] == hi - lo)


def age_range_interval(cells: pd.DataFrame, lo: int, hi: int | None) -> pd.DataFrame:
    """Sum interval of the persons aged [lo, hi), 'na' where the groups do not tile the range."""
    total, groups = totals(cells), _groups(cells)
    mask = age_mask(groups, lo, hi)
    interval = sum_interval(groups, mask, total)
    tiles = _tiles(groups, mask, lo, hi).reindex(total.index, fill_value=False)
    interval["na"] |= ~tiles
    return interval


def share_of_ages(cells: pd.DataFrame, lo: int, hi: int | None) -> pd.DataFrame:
    """Percentage of the population aged [lo, hi)."""
    return ratio(age_range_interval(cells, lo, hi), _total_interval(totals(cells)), 100.0)


def dependency_ratio(cells: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Old-age (65+) or youth (<20) persons per 100 aged 20-64 (Destatis definition)."""
    working = age_range_interval(cells, 20, 65)
    dependants = (
        age_range_interval(cells, 65, None) if kind == "old" else age_range_interval(cells, 0, 20)
    )
    return ratio(dependants, working, 100.0)


def mean_age(cells: pd.DataFrame) -> pd.DataFrame:
    """Mean age from group midpoints; suppressed (no bounds) when a group is suppressed."""
    total, groups = totals(cells), _groups(cells)
    upper_end = groups["age_to"].astype(float).fillna(groups["age_from"] + OPEN_GROUP_SPAN)
    mid = (groups["age_from"] + upper_end) / 2
    weighted = groups.assign(value=_as_float(groups["value"]) * mid)
    out = _empty(total.index)
    stats = _part_stats(groups, total.index)
    sums = weighted.assign(value=weighted["value"].fillna(0)).groupby("area_key")["value"].sum()
    persons = stats["pub"]
    ok = (stats["supp"] == 0) & (stats["na"] == 0) & (persons > 0)
    out.loc[ok, "value"] = sums.reindex(total.index)[ok] / persons[ok]
    out.loc[ok, "status"] = PUBLISHED
    out.loc[(stats["supp"] > 0) & (stats["na"] == 0), "status"] = SUPPRESSED
    return out


def count(total: pd.DataFrame) -> pd.DataFrame:
    """A published count as an indicator: value and status passed through."""
    out = _empty(total.index)
    out["status"] = total["status"]
    out["value"] = total["value"].where(total["status"].isin([PUBLISHED, ZERO]))
    suppressed = total["status"] == SUPPRESSED
    out.loc[suppressed, "lower"] = 1.0
    return out


def change(now: pd.DataFrame, before: pd.DataFrame | None) -> pd.DataFrame:
    """Percentage change of the total population between two years."""
    if before is None:
        return _empty(now.index)
    before = before.reindex(now.index)
    before = before.assign(status=before["status"].fillna(NOT_AVAILABLE))
    out = ratio(
        _diff(_total_interval(now), _total_interval(before)), _total_interval(before), 100.0
    )
    out.loc[out["status"] == SUPPRESSED, ["lower", "upper"]] = np.nan
    return out


def _diff(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    return bounds.subtract(a, b).assign(exact=a["exact"] & b["exact"], na=a["na"] | b["na"])


def _cell_interval(cells: pd.DataFrame, index: pd.Index) -> pd.DataFrame:
    frame = cells.set_index("area_key")[["value", "status"]].reindex(index)
    frame = frame.assign(
        value=_as_float(frame["value"]), status=frame["status"].fillna(NOT_AVAILABLE)
    )
    return _total_interval(frame)


def events_rate(
    events: pd.DataFrame, kind: str, total: pd.DataFrame, minus: str | None = None
) -> pd.DataFrame:
    """Events of one kind (or kind minus another, e.g. moves in - out) per 1,000 inhabitants.

    Bounds are left empty: a suppressed count has no published total to bound it from above.
    """
    num = _cell_interval(events[events["event"] == kind], total.index)
    if minus is not None:
        num = _diff(num, _cell_interval(events[events["event"] == minus], total.index))
    out = ratio(num, _total_interval(total), 1000.0)
    out.loc[out["status"] == SUPPRESSED, ["lower", "upper"]] = np.nan
    return out


def balance(events: pd.DataFrame, plus: str, minus: str) -> pd.DataFrame:
    """plus - minus per year (natural change, net migration) of one area's event cells.

    Exact where both counts are published; otherwise suppressed with the bounds the public
    cells allow: a suppressed count is at least 1 and has no published upper bound, so a
    suppressed `plus` gives only a lower bound and a suppressed `minus` only an upper one.
    Never computed as if a suppressed count were 0.
    """
    years = pd.Index(sorted(events["year"].unique()), name="year")

    def interval(kind: str) -> pd.DataFrame:
        rows = events[events["event"] == kind].rename(columns={"year": "area_key"})
        return _cell_interval(rows.drop_duplicates("area_key"), years)

    diff = _diff(interval(plus), interval(minus))
    out = _empty(years)
    exact = diff["exact"] & ~diff["na"]
    out.loc[exact, "value"] = diff["lo"][exact]
    out.loc[exact, "status"] = PUBLISHED
    bounded = ~diff["exact"] & ~diff["na"]
    out.loc[bounded, "status"] = SUPPRESSED
    out.loc[bounded, "lower"] = diff["lo"][bounded]
    out.loc[bounded, "upper"] = diff["hi"][bounded]
    return out


def household_indicators(households: pd.DataFrame, index: pd.Index) -> dict[str, pd.DataFrame]:
    """Households total, shares of 1 and 5+ person households, mean size (5+ counted as 5)."""
    cells = households.assign(value=_as_float(households["value"]))
    total = cells[cells["size"] == 0].set_index("area_key")[["value", "status"]].reindex(index)
    total = total.assign(status=total["status"].fillna(NOT_AVAILABLE))
    parts = cells[cells["size"] > 0]
    whole = _total_interval(total)
    persons = parts.assign(value=parts["value"] * parts["size"])
    size_stats = _part_stats(parts, index)
    mean = ratio(
        pd.DataFrame(
            {
                "lo": _part_stats(persons, index)["pub"],
                "hi": np.nan,
                "exact": size_stats["supp"] == 0,
                "na": size_stats["n"] == 0,
            }
        ),
        whole,
    )
    mean.loc[mean["status"] == SUPPRESSED, ["lower", "upper"]] = np.nan
    return {
        "households": count(total),
        "hh_share_1": ratio(sum_interval(parts, parts["size"] == 1, total), whole, 100.0),
        "hh_share_5p": ratio(sum_interval(parts, parts["size"] == 5, total), whole, 100.0),
        "mean_hh_size": mean,
    }


def foreign_share(nationality: pd.DataFrame, total: pd.DataFrame) -> pd.DataFrame:
    """Share of non-German nationals among the population (nationality rows, all ages)."""
    parts = nationality[nationality["nationality"].isin(["de", "foreign"])]
    interval = sum_interval(parts, parts["nationality"] == "foreign", total)
    return ratio(interval, _total_interval(total), 100.0)


def compute_all(
    population: pd.DataFrame,
    households: pd.DataFrame,
    events: pd.DataFrame,
    area_km2: pd.Series,
    year: int,
) -> pd.DataFrame:
    """Every indicator for every area of `population` in `year`: a long frame.

    `population` holds the cells of year, year-1 and year-5 where published (all sexes and
    nationalities); households and events those of `year`. Columns of the result: area_key,
    indicator, value, status, lower, upper.
    """
    both = (population["sex"] == "total") & (population["nationality"] == "total")
    by_year = {y: f for y, f in population[both].groupby("year")}  # noqa: C416 (keys attr)
    cells = by_year.get(year, population[both].iloc[0:0])
    total = totals(cells)
    index = total.index
    nationality = population[(population["year"] == year) & (population["nationality"] != "total")]
    previous = {n: totals(by_year[year - n]) if year - n in by_year else None for n in (1, 5)}
    density = count(total)
    density["value"] = density["value"] / area_km2.reindex(index)
    density.loc[density["value"].isna() & (density["status"] == PUBLISHED), "status"] = (
        NOT_AVAILABLE
    )
    results = {
        "population": count(total),
        "density": density.assign(lower=np.nan),
        "change_1y": change(total, previous[1]),
        "change_5y": change(total, previous[5]),
        "share_u18": share_of_ages(cells, 0, 18),
        "share_65p": share_of_ages(cells, 65, None),
        "share_75p": share_of_ages(cells, 75, None),
        "mean_age": mean_age(cells),
        "old_age_ratio": dependency_ratio(cells, "old"),
        "youth_ratio": dependency_ratio(cells, "youth"),
        "foreign_share": foreign_share(nationality, total),
        "births_per_1000": events_rate(events, "birth", total),
        "deaths_per_1000": events_rate(events, "death", total),
        "net_migration_per_1000": events_rate(events, "move_in", total, minus="move_out"),
        **household_indicators(households, index),
    }
    frames = [
        frame.reindex(index).assign(indicator=key).rename_axis("area_key").reset_index()
        for key, frame in results.items()
    ]
    out = pd.concat(frames, ignore_index=True)
    out["status"] = out["status"].fillna(NOT_AVAILABLE)
    return out[["area_key", "indicator", *RESULT_COLUMNS]]
