"""Event and exposure counts from a history of population, births and deaths.

Inputs are long frames with single years of age 0..open_age (the last age open):
population `area, year, sex, age, population` (stock at 31.12.), births `area, year,
age, births` (age of the mother), deaths `area, year, sex, age, deaths`. Counts are
summed over the base period so that references (Kreis, Land) are plain sums of areas.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from etl.projection.engine import FEMALE, SEXES


@dataclass(frozen=True)
class ObservedCounts:
    """Counts summed over the base years, arrays (areas, [sex,] age)."""

    areas: tuple[str, ...]
    years: tuple[int, ...]
    births: np.ndarray  # (areas, age of mother)
    deaths: np.ndarray  # (areas, sex, age)
    exposure: np.ndarray  # (areas, sex, age): mean of the stocks at start and end of year
    net_migration: np.ndarray  # (areas, sex, age at end of year), residual
    start_population: np.ndarray  # (areas, sex, age): stock at the start of each year

    def total(self) -> ObservedCounts:
        """The counts of all areas together (a reference such as the Kreis)."""
        return ObservedCounts(
            ("total",),
            self.years,
            *(
                getattr(self, name).sum(axis=0, keepdims=True)
                for name in ("births", "deaths", "exposure", "net_migration", "start_population")
            ),
        )


def base_years(
    base_year: int, base_period: int = 5, exclude_years: Iterable[int] = ()
) -> tuple[int, ...]:
    """Calendar years of the base period ending in `base_year`, without the excluded ones."""
    if base_period < 1:
        raise ValueError(f"base_period must be >= 1, got {base_period}")
    excluded = set(exclude_years)
    years = tuple(y for y in range(base_year - base_period + 1, base_year + 1) if y not in excluded)
    if not years:
        raise ValueError("every year of the base period is excluded")
    return years


def _cube(
    frame: pd.DataFrame, value: str, areas: Sequence[str], years: Sequence[int], ages: int
) -> np.ndarray:
    """Array (years, areas, sex, age) from a long frame; absent cells are zero."""
    index = pd.MultiIndex.from_product([list(years), list(areas), SEXES, range(ages)])
    keyed = frame.set_index(["year", "area", "sex", "age"])[value]
    if keyed.index.duplicated().any():
        raise ValueError(f"{value}: duplicate rows for the same year, area, sex and age")
    filled = keyed.reindex(index, fill_value=0.0).to_numpy(float)
    return filled.reshape(len(years), len(areas), 2, ages)


def cohort_deaths(deaths: np.ndarray) -> np.ndarray:
    """Deaths by age at the end of the year (cohort), half from each adjacent age at death.

    The youngest cohort (born in the year) gets half of the deaths at age 0, the open
    group all deaths at the open age plus half of those one year younger; totals are kept.
    """
    halves = deaths / 2
    by_cohort = halves.copy()
    by_cohort[..., 1:] += halves[..., :-1]
    by_cohort[..., -1] += halves[..., -1]
    return by_cohort


def _survivors_before_migration(start: np.ndarray, births_by_sex: np.ndarray) -> np.ndarray:
    """Stock aged one year without deaths: births at age 0, the open group accumulates."""
    aged = np.zeros_like(start)
    aged[..., 0] = births_by_sex
    aged[..., 1:] = start[..., :-1]
    aged[..., -1] += start[..., -1]
    return aged


def observed_counts(
    population: pd.DataFrame,
    births: pd.DataFrame,
    deaths: pd.DataFrame,
    *,
    base_year: int,
    base_period: int = 5,
    exclude_years: Iterable[int] = (),
    srb: float = 1.05,
) -> ObservedCounts:
    """Sum births, deaths, exposures and residual net migration over the base period.

    Net migration is the residual P(t) - [P(t-1) aged + births] + cohort deaths, so the
    balancing equation holds exactly. Births are split by sex with `srb`. The population
    of the year before each base year must be present.
    """
    years = base_years(base_year, base_period, exclude_years)
    areas = tuple(sorted(population["area"].astype(str).unique()))
    ages = int(population["age"].max()) + 1
    stocks_years = sorted({y - 1 for y in years} | set(years))
    missing = sorted(set(stocks_years) - set(population["year"].astype(int)))
    if missing:
        raise ValueError(f"population is missing for the years {missing}")
    stock_cube = _cube(population, "population", areas, stocks_years, ages)
    stocks = dict(zip(stocks_years, stock_cube, strict=True))
    born = births.assign(sex="female")
    birth_cube = _cube(born, "births", areas, years, ages)[:, :, FEMALE]
    death_cube = _cube(deaths, "deaths", areas, years, ages)
    female_share = 1 / (1 + srb)
    net = np.zeros((len(areas), 2, ages))
    for i, year in enumerate(years):
        total_births = birth_cube[i].sum(axis=-1)
        by_sex = np.stack([total_births * female_share, total_births * (1 - female_share)], 1)
        aged = _survivors_before_migration(stocks[year - 1], by_sex)
        net += stocks[year] - aged + cohort_deaths(death_cube[i])
    start = np.sum([stocks[y - 1] for y in years], axis=0)
    exposure = np.sum([(stocks[y - 1] + stocks[y]) / 2 for y in years], axis=0)
    return ObservedCounts(
        areas, years, birth_cube.sum(axis=0), death_cube.sum(axis=0), exposure, net, start
    )
