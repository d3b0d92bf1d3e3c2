"""The forecast engine applied to published totals: the Prognose page's calibrated outlook.

`history_from_cells` turns published population totals and (imputed) events into the wide
series of `etl.projection.baselines`; `region_outlook` sums the ensemble forecast of a
region's areas and bounds it with the empirical 80 % interval of the release's own backtests
(`forecast_totals`), so the page shows the same method and the same evidence as
`python -m etl forecast`. `base_values` states each region's own starting values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from etl.projection.assumptions import Assumptions
from etl.projection.baselines import TotalsHistory
from etl.projection.forecast_totals import TotalsForecast
from etl.projection.intervals import interval_bounds
from etl.projection.mortality import life_expectancy
from etl.projection.published_inputs import STANDARD_TFR

SMALL_POPULATION = 5_000


@dataclass(frozen=True)
class Outlook:
    """Calibrated totals of a region: year, forecast, lower, upper (80 %); evidence size."""

    years: tuple[int, ...]
    forecast: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    base_population: float
    backtest_errors: int

    @property
    def small(self) -> bool:
        """True below SMALL_POPULATION inhabitants, where relative errors are large."""
        return self.base_population < SMALL_POPULATION


@dataclass(frozen=True)
class BaseValues:
    """A region's own starting values and the period of the events they rest on."""

    tfr: float
    life_expectancy: tuple[float, float]  # female, male
    net_migration_per_1000: float
    first_year: int
    last_year: int


def history_from_cells(population: pd.DataFrame, events: pd.DataFrame) -> TotalsHistory:
    """Wide series from published cells: totals (all sexes, ages, nationalities) and events.

    `population` has area_key, year, sex, nationality, age_from, age_to, value;
    `events` area_key, year, event (birth, death, ...), value.
    """
    totals = population[
        (population["sex"] == "total")
        & (population["nationality"] == "total")
        & (population["age_from"] == 0)
        & population["age_to"].isna()
    ]
    stocks = totals.assign(value=pd.to_numeric(totals["value"], errors="coerce")).pivot_table(
        index="area_key", columns="year", values="value", aggfunc="first"
    )
    counts = events.assign(value=pd.to_numeric(events["value"], errors="coerce"))
    flows = [
        counts[counts["event"] == name]
        .pivot_table(index="area_key", columns="year", values="value", aggfunc="sum")
        .reindex(index=stocks.index, columns=stocks.columns)
        for name in ("birth", "death")
    ]
    return TotalsHistory(stocks.astype(float), flows[0].astype(float), flows[1].astype(float))


def region_outlook(result: TotalsForecast, areas: Sequence[str], horizon: int) -> Outlook:
    """Sum of the areas' forecasts with the interval of the region's size class."""
    totals = result.totals[result.totals["area"].isin(list(areas))]
    totals = totals[totals["horizon"] <= horizon]
    if totals.empty:
        raise ValueError(f"no forecast for {', '.join(areas)}")
    summed = totals.groupby("year").agg(
        population=("population", "sum"),
        base_population=("base_population", "sum"),
        horizon=("horizon", "first"),
    )
    lower, upper = interval_bounds(
        summed["population"], summed["base_population"], summed["horizon"], result.ratios
    )
    return Outlook(
        tuple(int(y) for y in summed.index),
        summed["population"].to_numpy(),
        lower.to_numpy(),
        upper.to_numpy(),
        float(summed["base_population"].iloc[0]),
        len(result.errors),
    )


def base_values(
    assumptions: Assumptions, mean_population: np.ndarray, net_migration: float, years: Sequence
) -> BaseValues:
    """TFR, e0 by sex and net migration per 1,000 of a region (population-weighted)."""
    weights = mean_population.sum(axis=(1, 2))
    weights = weights / weights.sum() if weights.sum() > 0 else np.ones_like(weights)
    tfr = float(np.sum(weights * assumptions.fertility_ratio) * STANDARD_TFR)
    ratio = float(np.sum(weights * assumptions.mortality_ratio))
    e0 = life_expectancy(ratio * assumptions.reference_mx)
    people = float(mean_population.sum())
    per_1000 = 1000 * net_migration / (people * len(years)) if people > 0 else 0.0
    return BaseValues(tfr, (float(e0[0]), float(e0[1])), per_1000, int(min(years)), int(max(years)))
