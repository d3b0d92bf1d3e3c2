"""Scenario projections of many areas at once (single years, one-year steps).

All areas and scenarios are stacked on one axis (scenarios x areas, sex, age) so a
year of 11,000 municipalities in three scenarios is a handful of array operations.

Net migration is carried as counts: the area's rates times its base-year population, so
migration never compounds (a rate applied to a growing population grew Osterheide from 3,564
to 276 billion in 20 years), and an area's yearly net total is bounded by
`MAX_NET_MIGRATION_SHARE` of its base population (larger totals are scaled down).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from etl.projection.assumptions import Assumptions
from etl.projection.engine import SEXES, NetMigration, StepInputs, Timing, project_step
from etl.projection.frames import population_array
from etl.projection.mortality import mortality_factors, single_year_survival
from etl.projection.scenarios import Scenario

MAX_NET_MIGRATION_SHARE = 0.05


def bounded_migration_counts(rates: np.ndarray, base: np.ndarray) -> np.ndarray:
    """Net migrants (rows, sex, age) = rates x base population, each row's total bounded.

    A row whose yearly net total exceeds MAX_NET_MIGRATION_SHARE of its base population
    keeps its age profile, scaled down to the bound.
    """
    counts = rates * base
    net = np.abs(counts.sum(axis=(-1, -2)))
    limit = MAX_NET_MIGRATION_SHARE * base.sum(axis=(-1, -2))
    scale = np.divide(limit, net, out=np.ones_like(net), where=net > limit)
    return counts * scale[..., None, None]


@dataclass(frozen=True)
class AreaProjection:
    """Population (scenario, year, area, sex, age) and components (scenario, step, area, sex)."""

    areas: tuple[str, ...]
    scenarios: tuple[str, ...]
    years: tuple[int, ...]
    ages: tuple[int, ...]  # lower bounds of the stored age groups (single years by default)
    population: np.ndarray
    births: np.ndarray
    deaths: np.ndarray
    net_migration: np.ndarray
    routed: tuple[str, ...] = ()  # areas projected by Hamilton-Perry (see smallarea)

    def population_frame(self) -> pd.DataFrame:
        """Columns scenario, area, year, sex, age, population (base year included)."""
        index = pd.MultiIndex.from_product(
            [self.scenarios, self.years, self.areas, SEXES, self.ages],
            names=["scenario", "year", "area", "sex", "age"],
        )
        frame = pd.DataFrame({"population": self.population.reshape(-1)}, index=index)
        frame = frame.reset_index()
        return frame[["scenario", "area", "year", "sex", "age", "population"]]

    def components_frame(self) -> pd.DataFrame:
        """Columns scenario, area, year, sex, births, deaths, net_migration (year = end)."""
        index = pd.MultiIndex.from_product(
            [self.scenarios, self.years[1:], self.areas, SEXES],
            names=["scenario", "year", "area", "sex"],
        )
        values = {
            name: getattr(self, name).reshape(-1) for name in ("births", "deaths", "net_migration")
        }
        frame = pd.DataFrame(values, index=index).reset_index()
        return frame[["scenario", "area", "year", "sex", "births", "deaths", "net_migration"]]

    def totals_frame(self) -> pd.DataFrame:
        """Columns scenario, area, year, population (all ages and both sexes)."""
        totals = self.population.sum(axis=(-1, -2))
        index = pd.MultiIndex.from_product(
            [self.scenarios, self.years, self.areas], names=["scenario", "year", "area"]
        )
        frame = pd.DataFrame({"population": totals.reshape(-1)}, index=index).reset_index()
        return frame[["scenario", "area", "year", "population"]]


@dataclass(frozen=True)
class _ScenarioPaths:
    """Year-by-scenario adjustments: mortality factors (years, scen., sex), TFR scale, migration."""

    mortality: np.ndarray
    tfr_scale: np.ndarray
    migration_change: np.ndarray


def _scenario_paths(
    assumptions: Assumptions, scenarios: Sequence[Scenario], years: int
) -> _ScenarioPaths:
    middle = np.arange(years) + 0.5  # the assumptions of a step hold at its middle
    gains = np.array([[s.e0_gain_at(t) for s in scenarios] for t in middle])
    base_tfr = assumptions.reference_tfr
    tfr_scale = np.array(
        [
            [s.tfr_at(base_tfr, t) / base_tfr if base_tfr > 0 else 0.0 for s in scenarios]
            for t in middle
        ]
    )
    change = np.array([[s.migration_change_at(t) for s in scenarios] for t in middle])
    return _ScenarioPaths(mortality_factors(assumptions.reference_mx, gains), tfr_scale, change)


def _chunk_inputs(
    assumptions: Assumptions, paths: _ScenarioPaths, base: np.ndarray
) -> Callable[[int, np.ndarray], StepInputs]:
    """A function (k, population) -> StepInputs of year k for scenarios x areas stacked.

    `base` is the base-year population (areas, sex, age): migration counts follow from it.
    """
    n_scenarios, ages = paths.tfr_scale.shape[1], assumptions.reference_mx.shape[-1]
    rows = n_scenarios * len(assumptions.areas)
    fertility = assumptions.fertility_ratio[:, None] * assumptions.fertility_schedule
    base_rates = np.broadcast_to(
        assumptions.migration_rates, (n_scenarios, *assumptions.migration_rates.shape)
    )

    def inputs(k: int, population: np.ndarray) -> StepInputs:
        level = paths.mortality[k][:, None, :] * assumptions.mortality_ratio[None, :, None]
        survival = single_year_survival(level[..., None] * assumptions.reference_mx)
        rates = base_rates
        if np.any(paths.migration_change[k] != 0):
            change = paths.migration_change[k][:, None, None, None]
            rates = base_rates + change * assumptions.migration_weights
        counts = bounded_migration_counts(rates, base[None])
        return StepInputs(
            survival.reshape(rows, 2, ages),
            (paths.tfr_scale[k][:, None, None] * fertility).reshape(rows, ages),
            NetMigration(counts.reshape(rows, 2, ages)),
        )

    return inputs


def project_areas(
    population: np.ndarray,
    assumptions: Assumptions,
    scenarios: Sequence[Scenario],
    years: int,
    *,
    base_year: int = 0,
    timing: Timing = "even",
    chunk_areas: int = 128,
    age_groups: Sequence[int] | None = None,
) -> AreaProjection:
    """Project `population` (areas, sex, single ages) `years` years for every scenario.

    The projection always runs in single years; `age_groups` (lower bounds starting
    at 0) only sums the stored result, which keeps 11,000 areas x 30 years small.
    Areas are processed in blocks of `chunk_areas` (all scenarios stacked) so the
    working arrays stay in the processor cache; results do not depend on the block size.
    """
    population = np.asarray(population, dtype=float)
    n_areas, ages = len(assumptions.areas), assumptions.reference_mx.shape[-1]
    if population.shape != (n_areas, 2, ages):
        raise ValueError(
            f"population shape {population.shape} does not match the assumptions "
            f"({n_areas} areas, 2 sexes, {ages} ages)"
        )
    paths = _scenario_paths(assumptions, scenarios, years)
    n_scenarios = len(scenarios)
    bounds = np.arange(ages) if age_groups is None else np.asarray(age_groups, dtype=int)
    if bounds[0] != 0 or np.any(np.diff(bounds) <= 0) or bounds[-1] >= ages:
        raise ValueError(f"age_groups must start at 0, increase and stay below {ages}")
    out_population = np.empty((n_scenarios, years + 1, n_areas, 2, bounds.size))
    components = np.empty((3, n_scenarios, years, n_areas, 2))
    out_population[:, 0] = np.add.reduceat(population, bounds, axis=-1)[None]
    for low in range(0, n_areas, chunk_areas):
        block = slice(low, min(low + chunk_areas, n_areas))
        part = assumptions.select(list(assumptions.areas[block]))
        _project_block(
            population[block],
            part,
            paths,
            timing,
            bounds,
            out_population[:, :, block],
            components[:, :, :, block],
        )
    return AreaProjection(
        assumptions.areas,
        tuple(s.name for s in scenarios),
        tuple(range(base_year, base_year + years + 1)),
        tuple(int(b) for b in bounds),
        out_population,
        *components,
    )


def _project_block(
    population: np.ndarray,
    assumptions: Assumptions,
    paths: _ScenarioPaths,
    timing: Timing,
    bounds: np.ndarray,
    out_population: np.ndarray,
    out_components: np.ndarray,
) -> None:
    """Project a block of areas in all scenarios, writing into the given output views."""
    n_scenarios, years = paths.tfr_scale.shape[1], paths.tfr_scale.shape[0]
    inputs = _chunk_inputs(assumptions, paths, population)
    current = np.tile(population, (n_scenarios, 1, 1))
    shape = (n_scenarios, population.shape[0])
    grouping = bounds.size != population.shape[-1]
    for k in range(years):
        result = project_step(
            current, inputs(k, current), step=1, srb=assumptions.srb, timing=timing
        )
        current = result.population
        grouped = np.add.reduceat(current, bounds, axis=-1) if grouping else current
        out_population[:, k + 1] = grouped.reshape(*shape, 2, bounds.size)
        for i, name in enumerate(("births", "deaths", "net_migration")):
            out_components[i, :, k] = getattr(result, name).reshape(*shape, 2)


def with_age_groups(projection: AreaProjection, age_groups: Sequence[int]) -> AreaProjection:
    """The projection with its stored ages summed into groups with these lower bounds."""
    bounds = np.asarray(age_groups, dtype=int)
    present = np.asarray(projection.ages)
    if bounds[0] != 0 or np.any(np.diff(bounds) <= 0) or not np.isin(bounds, present).all():
        raise ValueError(f"age_groups must start at 0, increase and be among {projection.ages}")
    positions = np.searchsorted(present, bounds)
    grouped = np.add.reduceat(projection.population, positions, axis=-1)
    return dataclasses.replace(projection, population=grouped, ages=tuple(int(b) for b in bounds))


def project_area(
    population_single_years: pd.DataFrame,
    assumptions: Assumptions,
    scenario: Scenario,
    years: Sequence[int],
) -> pd.DataFrame:
    """Project one area for the dashboard: columns scenario, area, year, sex, age, population.

    `population_single_years` has columns sex, age, population (and optionally area,
    which selects the area of `assumptions`; otherwise it must hold exactly one area).
    `years` are consecutive calendar years, the first being the base year.
    """
    years = list(years)
    if len(years) < 2 or any(b - a != 1 for a, b in itertools.pairwise(years)):
        raise ValueError("years must be at least two consecutive calendar years")
    if "area" in population_single_years.columns:
        keys = population_single_years["area"].astype(str).unique().tolist()
        if len(keys) != 1:
            raise ValueError(f"population holds {len(keys)} areas; pass one")
        assumptions = assumptions.select(keys)
    elif len(assumptions.areas) != 1:
        raise ValueError("population has no area column and assumptions hold several areas")
    ages = range(assumptions.reference_mx.shape[-1])
    frame = population_single_years.assign(area=assumptions.areas[0])
    array = population_array(frame, assumptions.areas, ages)
    result = project_areas(array, assumptions, [scenario], len(years) - 1, base_year=years[0])
    return result.population_frame()
