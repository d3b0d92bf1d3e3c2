"""Backtests of totals forecasts on official series, across the census break.

A forecast from origin `o` sees only `history.until(o)`. The observed value at a target year
after a census break `b > o` rests on the new census, the forecast on the old one. The level
shift is not a forecast error a forecaster could have avoided, so the target is put back on
the old basis with the break ratio estimated ex post per area:

    r = P_b / (P_b-1 + B_b - D_b + mean net migration of b-1 and b+1)

(the census stock over the old series continued by one year; unknown until b+1 is observed).
Targets before the break, or origins on or after it, are compared as observed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from etl.projection.baselines import CENSUS_BREAKS, TotalsHistory, annual_components

Forecaster = Callable[[TotalsHistory, int, int], pd.DataFrame]
ERROR_COLUMNS = (
    "area",
    "method",
    "origin",
    "horizon",
    "base_population",
    "forecast",
    "observed",
    "error",
)


def break_ratio(history: TotalsHistory, break_year: int) -> pd.Series:
    """Census stock at 31.12.break_year over the old series continued by one year."""
    stocks = history.population
    if break_year not in stocks.columns or break_year - 1 not in stocks.columns:
        return pd.Series(np.nan, index=stocks.index)
    migration = annual_components(history, break_year + 1, window=3, breaks=())["migration"]
    # The year after the break must be known: otherwise the "continued series" would be a
    # trend forecast itself and flatter trend models.
    after = migration.reindex(columns=[break_year + 1])[break_year + 1]
    neighbours = migration.reindex(columns=[break_year - 1, break_year + 1]).mean(axis=1)
    neighbours = neighbours.where(after.notna())
    natural = history.births.get(break_year) - history.deaths.get(break_year)
    continued = stocks[break_year - 1] + natural.reindex(stocks.index) + neighbours
    return (stocks[break_year] / continued.where(continued > 0)).astype(float)


def comparable_observed(
    history: TotalsHistory, origin: int, target: int, breaks: Iterable[int] = CENSUS_BREAKS
) -> pd.Series:
    """Observed stock at `target` on the basis of the `origin` year (NaN where unknown)."""
    observed = history.population[target].astype(float)
    for break_year in breaks:
        if origin < break_year <= target:
            observed = observed / break_ratio(history, break_year)
    return observed


def backtest_errors(
    history: TotalsHistory,
    forecasters: dict[str, Forecaster],
    pairs: Iterable[tuple[int, int]],
    breaks: Iterable[int] = CENSUS_BREAKS,
) -> pd.DataFrame:
    """One row per area, method and (origin, target) pair: forecast, observed, error.

    `error` is the signed percentage error 100 x (forecast - observed) / observed.
    """
    rows = []
    for origin, target in pairs:
        known = history.until(origin)
        observed = comparable_observed(history, origin, target, breaks)
        base = history.population[origin].astype(float)
        for name, forecaster in forecasters.items():
            forecast = forecaster(known, origin, target - origin)[target]
            frame = pd.DataFrame(
                {
                    "area": base.index,
                    "method": name,
                    "origin": origin,
                    "horizon": target - origin,
                    "base_population": base.to_numpy(),
                    "forecast": forecast.reindex(base.index).to_numpy(),
                    "observed": observed.reindex(base.index).to_numpy(),
                }
            )
            rows.append(frame)
    errors = pd.concat(rows, ignore_index=True)
    errors = errors.dropna(subset=["base_population", "forecast", "observed"])
    errors = errors[errors["observed"] > 0]
    errors["error"] = 100 * (errors["forecast"] - errors["observed"]) / errors["observed"]
    return errors[list(ERROR_COLUMNS)].reset_index(drop=True)
