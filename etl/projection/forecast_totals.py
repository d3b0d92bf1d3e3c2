"""Totals forecast with prediction intervals calibrated on the area's own past.

`forecast_totals` runs the ensemble (`etl.projection.forecast`) from every earlier origin
whose outcome is known by the base year, collects the errors, and turns their distribution
by size class and horizon into the interval of the forecast from the base year.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from etl.projection.backtest_real import backtest_errors
from etl.projection.baselines import TotalsHistory, change_years
from etl.projection.forecast import DEFAULT_PARAMETERS, ForecastParameters, ensemble_forecast
from etl.projection.intervals import error_quantiles, interval_bounds, ratios_for_horizons

TOTALS_COLUMNS = ("area", "year", "horizon", "base_population", "population", "lower", "upper")


@dataclass(frozen=True)
class TotalsForecast:
    """Forecast per area and year, the interval ratios used, and the backtest errors behind."""

    totals: pd.DataFrame
    ratios: pd.DataFrame
    errors: pd.DataFrame


def backtest_pairs(
    years: Iterable[int], base_year: int, breaks: Iterable[int] = (2011,)
) -> list[tuple[int, int]]:
    """(origin, target) pairs with target <= base_year and at least one change before origin."""
    known = sorted(y for y in set(years) if y <= base_year)
    return [
        (origin, target)
        for origin in known
        if change_years(known, origin, window=len(known), breaks=breaks)
        for target in known
        if target > origin
    ]


def forecast_totals(
    history: TotalsHistory,
    base_year: int,
    horizon: int,
    params: ForecastParameters = DEFAULT_PARAMETERS,
    coverage: float = 0.8,
) -> TotalsForecast:
    """Ensemble forecast base_year+1 .. base_year+horizon with empirical intervals."""
    if base_year not in history.population.columns:
        raise ValueError(f"no population for the base year {base_year}")
    if horizon < 1:
        raise ValueError(f"horizon must be at least 1, got {horizon}")
    known = history.until(base_year)

    def ensemble(data: TotalsHistory, origin: int, steps: int) -> pd.DataFrame:
        return ensemble_forecast(data, origin, steps, params)

    pairs = backtest_pairs(known.population.columns, base_year, params.breaks)
    if not pairs:
        raise ValueError(
            "too few years for intervals from backtests: at least three consistent years of "
            f"population up to {base_year} are needed"
        )
    errors = backtest_errors(known, {"ensemble": ensemble}, pairs, params.breaks)
    ratios = ratios_for_horizons(error_quantiles(errors, coverage), range(1, horizon + 1))
    base = known.population[base_year].dropna()
    wide = ensemble(known, base_year, horizon).reindex(base.index)
    totals = wide.rename_axis("area").reset_index().melt("area", var_name="year")
    totals = totals.rename(columns={"value": "population"})
    totals["year"] = totals["year"].astype(int)
    totals["horizon"] = totals["year"] - base_year
    totals["base_population"] = totals["area"].map(base)
    totals["lower"], totals["upper"] = interval_bounds(
        totals["population"], totals["base_population"], totals["horizon"], ratios
    )
    totals = totals.sort_values(["area", "year"]).reset_index(drop=True)
    return TotalsForecast(totals[list(TOTALS_COLUMNS)], ratios, errors)
