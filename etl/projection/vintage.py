"""Official projection vintages from the restricted single-year history (pure functions).

From register counts (population by single year of age at 31.12., births by age of the
mother, deaths by sex and age) to a frame `write_vintage` accepts:

1. assumptions per municipality with `borrow_strength` from `observed_counts`; the
   reference (all municipalities together) is first blended with the standard schedules
   of `etl.projection.standard` in proportion to its number of events (limited-fluctuation
   credibility), so that a small region does not get a ragged age pattern;
2. every municipality projected in single years with LOW, MIDDLE and HIGH; those below
   `small_threshold` inhabitants are routed to Hamilton-Perry when the population of an
   earlier year is known, controlled to their Kreis (see `smallarea.project_areas_routed`);
3. Kreise, Länder and regions are sums of their municipalities (unrounded);
4. broad age groups, sex `total` only; only areas with at least `min_population`
   inhabitants in the base year, and only aggregates whose remainder after their kept
   municipalities is zero or itself at least `min_population` (no small area by
   differencing);
5. every cell rounded independently to a multiple of `rounding` (half up). Totals are
   rounded separately, so the parts of a total need not add up to it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from etl.projection.area import AreaProjection
from etl.projection.assumptions import borrow_strength
from etl.projection.backtest import size_class
from etl.projection.history import ObservedCounts, observed_counts
from etl.projection.scenarios import STANDARD_SCENARIOS, Scenario
from etl.projection.smallarea import project_areas_routed
from etl.projection.standard import fertility_schedule, reference_death_rates

BROAD_GROUPS: tuple[tuple[int, int | None], ...] = (
    (0, 3),
    (3, 6),
    (6, 10),
    (10, 18),
    (18, 65),
    (65, 80),
    (80, None),
)
ALL_AGES: tuple[int, None] = (0, None)
AGES = 101  # single years 0..99 and 100+
FULL_CREDIBILITY = 1082.0  # events for full credibility (limited-fluctuation standard)
METHOD = (
    "Kohorten-Komponenten-Methode in Einzeljahren je Gemeinde (Annahmen aus dem Melderegister, "
    "Altersmuster der Gesamtregion, geglättet mit Standardschemata); Gemeinden unter "
    "{small:,} Einwohnern nach Hamilton-Perry, kontrolliert auf die Kreissumme; Kreise, Länder "
    "und Regionen als Summen der Gemeinden; breite Altersgruppen; jede Zelle einzeln auf "
    "{rounding} gerundet (Summen werden getrennt gerundet)."
)


@dataclass(frozen=True)
class History:
    """Single-year history of municipalities in the long frames `observed_counts` takes."""

    population: pd.DataFrame  # area, year, sex, age, population
    births: pd.DataFrame  # area, year, age, births (age of the mother)
    deaths: pd.DataFrame  # area, year, sex, age, deaths

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.population["year"].unique())


def history_from_counts(population_counts: pd.DataFrame, event_counts: pd.DataFrame) -> History:
    """Municipal history from restricted counts with a `year` column (main residence only)."""
    population = population_counts[
        (population_counts["area_level"] == "gemeinde") & (population_counts["residence"] == "main")
    ]
    events = event_counts[event_counts["area_level"] == "gemeinde"]
    keys = ["area", "year", "sex", "age"]

    def summed(frame: pd.DataFrame, value: str, by: list[str]) -> pd.DataFrame:
        renamed = frame.rename(columns={"area_key": "area", "count": value})
        renamed = renamed.assign(area=renamed["area"].astype(str), age=renamed["age"].clip(0, 100))
        return renamed.groupby(by, as_index=False)[value].sum().astype({value: float})

    return History(
        summed(population, "population", keys),
        summed(events[events["event"] == "birth"], "births", ["area", "year", "age"]),
        summed(events[events["event"] == "death"], "deaths", keys),
    )


def base_period_for(years: Sequence[int], base_year: int, longest: int = 5) -> int:
    """Longest base period (<= `longest`) whose years and the year before each are present."""
    present = set(years)
    if base_year not in present:
        raise ValueError(f"base year {base_year} is not among the years {sorted(present)}")
    period = 0
    while period < longest and {base_year - period, base_year - period - 1} <= present:
        period += 1
    if period == 0:
        raise ValueError(f"the year before the base year {base_year} is missing")
    return period


def _blend(observed: np.ndarray, exposure: np.ndarray, standard: np.ndarray) -> np.ndarray:
    """Events blended with the standard schedule scaled to the observed level."""
    expected = standard * exposure
    level = observed.sum() / expected.sum() if expected.sum() > 0 else 1.0
    weight = min(1.0, np.sqrt(observed.sum() / FULL_CREDIBILITY))
    return weight * observed + (1 - weight) * level * expected


def smoothed_reference(local: ObservedCounts) -> ObservedCounts:
    """The sum of all areas with births and deaths blended towards the standard schedules."""
    total = local.total()
    births = _blend(total.births[0], total.exposure[0, 0], fertility_schedule())
    deaths = _blend(total.deaths[0], total.exposure[0], reference_death_rates())
    return ObservedCounts(
        total.areas,
        total.years,
        births[None],
        deaths[None],
        total.exposure,
        total.net_migration,
        total.start_population,
    )


def _population_array(history: History, year: int, areas: tuple[str, ...]) -> np.ndarray:
    frame = history.population[history.population["year"] == year]
    index = pd.MultiIndex.from_product([list(areas), ("female", "male"), range(AGES)])
    keyed = frame.set_index(["area", "sex", "age"])["population"]
    return keyed.reindex(index, fill_value=0.0).to_numpy(float).reshape(len(areas), 2, AGES)


def _with_open_age(population: pd.DataFrame) -> pd.DataFrame:
    """The frame with a zero row at age 100 so that arrays always have 101 ages."""
    if population.empty or population["age"].max() >= AGES - 1:
        return population
    first = population.iloc[[0]].assign(age=AGES - 1, population=0.0)
    return pd.concat([population, first], ignore_index=True)


def project_municipalities(
    history: History,
    base_year: int,
    horizon: int,
    scenarios: Sequence[Scenario] = STANDARD_SCENARIOS,
    *,
    small_threshold: float = 1_000,
    hp_step: int = 5,
) -> AreaProjection:
    """Single-year projection of every municipality (routing small ones to Hamilton-Perry)."""
    period = base_period_for(history.years, base_year)
    local = observed_counts(
        _with_open_age(history.population),
        history.births,
        history.deaths,
        base_year=base_year,
        base_period=period,
    )
    assumptions = borrow_strength(local, smoothed_reference(local))
    population = _population_array(history, base_year, local.areas)
    step = min(hp_step, base_year - min(history.years))
    earlier = _population_array(history, base_year - step, local.areas) if step >= 1 else None
    return project_areas_routed(
        population,
        assumptions,
        scenarios,
        horizon,
        earlier=earlier,
        step=max(step, 1),
        groups=[area[:5] for area in local.areas],
        threshold=small_threshold,
        base_year=base_year,
    )


def broad_group_frame(projection: AreaProjection) -> pd.DataFrame:
    """Columns scenario, area_key, year, age_from, age_to, value (sex total, unrounded)."""
    both_sexes = projection.population.sum(axis=-2)  # (scenarios, years, areas, age)
    bounds = [*BROAD_GROUPS, ALL_AGES]
    columns = [
        both_sexes[..., low : (AGES if high is None else high)].sum(axis=-1) for low, high in bounds
    ]
    values = np.stack(columns, axis=-1)
    index = pd.MultiIndex.from_product(
        [projection.scenarios, projection.years, projection.areas, range(len(bounds))],
        names=["scenario", "year", "area_key", "group"],
    )
    frame = pd.DataFrame({"value": values.reshape(-1)}, index=index).reset_index()
    groups = pd.DataFrame(bounds, columns=["age_from", "age_to"]).astype({"age_to": "Int64"})
    frame = frame.join(groups, on="group").drop(columns="group")
    return frame[["scenario", "area_key", "year", "age_from", "age_to", "value"]]


def aggregate_members(municipal: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """Rows of aggregates (`members`: area_key, member_key) as sums of municipal rows."""
    joined = municipal.rename(columns={"area_key": "member_key"}).merge(
        members[["area_key", "member_key"]], on="member_key", how="inner", validate="m:m"
    )
    keys = ["scenario", "area_key", "year", "age_from", "age_to"]
    summed = joined.groupby(keys, as_index=False, dropna=False)["value"].sum()
    return summed[municipal.columns]


def hierarchy_members(
    municipalities: Sequence[str], regions: pd.DataFrame | None = None
) -> pd.DataFrame:
    """(area_key, member_key, level): Kreis, Land and region of each municipality."""
    keys = pd.Series(list(municipalities), dtype=str)
    parts = [
        pd.DataFrame({"area_key": keys.str[:5], "member_key": keys, "level": "kreis"}),
        pd.DataFrame({"area_key": keys.str[:2], "member_key": keys, "level": "land"}),
    ]
    if regions is not None and not regions.empty:
        known = regions[regions["member_key"].astype(str).isin(set(keys))]
        parts.append(
            pd.DataFrame(
                {
                    "area_key": known["region_key"].astype(str),
                    "member_key": known["member_key"].astype(str),
                    "level": "region",
                }
            )
        )
    members = pd.concat(parts, ignore_index=True)
    return members.drop_duplicates(["area_key", "member_key"]).reset_index(drop=True)


def eligible_areas(
    base_totals: Mapping[str, float], members: pd.DataFrame, min_population: float
) -> set[str]:
    """Areas that may be published: large enough, and no small remainder by differencing.

    A municipality needs `min_population` inhabitants in the base year. An aggregate also
    needs its remainder - its total minus the municipalities covered by kept municipalities
    or kept smaller aggregates inside it - to be 0 or itself at least `min_population`, so
    no small group can be recovered as a difference. Smaller aggregates are decided first.
    """
    kept = {
        k for k, v in base_totals.items() if len(k) == 8 and k.isdigit() and v >= min_population
    }
    member_sets = {str(k): frozenset(g["member_key"]) for k, g in members.groupby("area_key")}
    kept_sets: list[frozenset[str]] = []
    for area_key, parts in sorted(member_sets.items(), key=lambda item: len(item[1])):
        covered = {m for m in parts if m in kept}
        covered |= {m for inner in kept_sets if inner <= parts for m in inner}
        total = sum(base_totals.get(m, 0.0) for m in parts)
        remainder = sum(base_totals.get(m, 0.0) for m in parts - covered)
        if total >= min_population and (remainder <= 1e-9 or remainder >= min_population):
            kept.add(area_key)
            kept_sets.append(parts)
    return kept


def round_cells(frame: pd.DataFrame, rounding: int) -> pd.DataFrame:
    """Each value rounded on its own to the nearest multiple of `rounding` (halves up)."""
    if rounding < 1:
        raise ValueError(f"rounding must be >= 1, got {rounding}")
    rounded = np.floor(frame["value"].to_numpy(float) / rounding + 0.5) * rounding
    return frame.assign(value=rounded.astype("int64"))


def vintage_frame(
    projection: AreaProjection,
    regions: pd.DataFrame | None = None,
    *,
    min_population: float = 5_000,
    rounding: int = 10,
) -> pd.DataFrame:
    """The publishable frame: broad groups, sex total, eligible areas only, rounded cells."""
    municipal = broad_group_frame(projection)
    members = hierarchy_members(projection.areas, regions)
    aggregates = aggregate_members(municipal, members)
    aggregates = aggregates[~aggregates["area_key"].isin(set(projection.areas))]
    frame = pd.concat([municipal, aggregates], ignore_index=True)
    base_year, first = projection.years[0], projection.scenarios[0]
    totals = frame[
        (frame["year"] == base_year)
        & (frame["scenario"] == first)
        & (frame["age_from"] == 0)
        & frame["age_to"].isna()
    ]
    keep = eligible_areas(
        dict(zip(totals["area_key"], totals["value"], strict=True)), members, min_population
    )
    frame = round_cells(frame[frame["area_key"].isin(keep)], rounding).assign(sex="total")
    columns = ["scenario", "area_key", "year", "sex", "age_from", "age_to", "value"]
    return frame[columns].sort_values(columns[:5]).reset_index(drop=True)


def vintage_record(
    base_year: int,
    horizon: int,
    scenarios: Sequence[Scenario],
    *,
    rounding: int = 10,
    min_population: int = 5_000,
    small_threshold: int = 1_000,
    note: str = "",
) -> dict[str, Any]:
    """The vintage_dict for `write_vintage`."""
    return {
        "base_year": base_year,
        "horizon": horizon,
        "method": METHOD.format(small=small_threshold, rounding=rounding).replace(",", "."),
        "scenarios": {s.name: s.to_dict() for s in scenarios},
        "rounding": rounding,
        "min_population": min_population,
        "note": note,
    }


def totals_from_history(history: History) -> pd.DataFrame:
    """Totals per municipality and year: area, year, population, births, deaths."""
    keys = ["area", "year"]
    population = history.population.groupby(keys)["population"].sum()
    births = history.births.groupby(keys)["births"].sum()
    deaths = history.deaths.groupby(keys)["deaths"].sum()
    frame = pd.concat([population, births, deaths], axis=1).fillna(0.0).reset_index()
    return frame[frame["population"] > 0].astype({"area": str})


def _up_to(history: History, year: int) -> History:
    return History(
        *(f[f["year"] <= year] for f in (history.population, history.births, history.deaths))
    )


def backtest_cohort(
    history: History, base_year: int, target_year: int, *, small_threshold: float = 0
) -> pd.DataFrame:
    """Backtest rows (as `backtest.backtest`) of the vintage method with base-period rates.

    Only data up to `base_year` enter; the scenario holds the base rates (no targets).
    Method `cohort` without Hamilton-Perry (threshold 0), `cohort+hp` with it.
    """
    constant = Scenario("base")
    projection = project_municipalities(
        _up_to(history, base_year),
        base_year,
        target_year - base_year,
        (constant,),
        small_threshold=small_threshold,
    )
    projected = projection.population[0, -1].sum(axis=(-1, -2))
    observed = totals_from_history(history).set_index(["area", "year"])["population"]
    base = projection.population[0, 0].sum(axis=(-1, -2))
    target = observed.reindex([(a, target_year) for a in projection.areas]).to_numpy(float)
    usable = (base > 0) & (target > 0)
    return pd.DataFrame(
        {
            "area": np.asarray(projection.areas)[usable],
            "method": "cohort+hp" if small_threshold > 0 else "cohort",
            "size_class": [size_class(p) for p in base[usable]],
            "base_population": base[usable],
            "projected": projected[usable],
            "observed": target[usable],
            "pct_error": (projected[usable] / target[usable] - 1) * 100,
        }
    )
