"""Municipal totals forecast: an average of simple, damped, bounded models.

Small-area evidence (Smith, Tayman & Swanson 2013; Wilson 2015) says averages of simple models
beat single models, and that damped, bounded trends beat extrapolating recent change. So:

- natural change as a rate `n` (births minus deaths over the start stock), because it is
  steady and follows the stock;
- net migration as a *count* `m x P_base`, damped by `phi` each year, so it never compounds;
- both rates shrunk toward the Kreis (first five digits of the key) with weight
  `P / (P + shrink)`, and clipped to +-`max_rate` a year;
- the forecast is the mean of this component model and the constant population.

Every function is pure over wide frames (area x year), see `etl.projection.baselines`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from etl.projection.baselines import (
    CENSUS_BREAKS,
    TotalsHistory,
    annual_components,
    constant_forecast,
)


@dataclass(frozen=True)
class ForecastParameters:
    """Tuning of the totals model (defaults chosen by the backtests in benchmarks/)."""

    window: int = 5
    migration_damping: float = 0.9
    shrink: float = 10_000.0
    max_rate: float = 0.05
    constant_weight: float = 0.2
    breaks: tuple[int, ...] = CENSUS_BREAKS


DEFAULT_PARAMETERS = ForecastParameters()


def kreis_of(keys: Iterable[str]) -> list[str]:
    """Kreis key (first five digits) of each municipality key."""
    return [str(key)[:5] for key in keys]


def _shrunk_rate(amount: pd.DataFrame, start: pd.DataFrame, size: pd.Series, shrink: float):
    """Rate per area (sum of amount over sum of start) shrunk toward its Kreis rate."""
    valid = amount.notna() & start.notna()
    total_amount = amount.where(valid).sum(axis=1)
    total_start = start.where(valid).sum(axis=1)
    kreis = pd.Series(kreis_of(amount.index), index=amount.index)
    kreis_rate = total_amount.groupby(kreis).transform("sum") / total_start.groupby(
        kreis
    ).transform("sum").replace(0.0, np.nan)
    own = total_amount / total_start.replace(0.0, np.nan)
    weight = (size / (size + shrink)).where(own.notna(), 0.0)
    return (weight * own.fillna(0.0) + (1 - weight) * kreis_rate.fillna(0.0)).astype(float)


def component_rates(
    history: TotalsHistory, base_year: int, params: ForecastParameters = DEFAULT_PARAMETERS
) -> pd.DataFrame:
    """Per area: shrunk, clipped natural change rate and net migration rate."""
    parts = annual_components(history, base_year, params.window, params.breaks)
    size = history.population[base_year].fillna(0.0).astype(float)
    rates = pd.DataFrame(
        {
            "natural": _shrunk_rate(parts["natural"], parts["start"], size, params.shrink),
            "migration": _shrunk_rate(parts["migration"], parts["start"], size, params.shrink),
        }
    )
    return rates.clip(-params.max_rate, params.max_rate)


def component_forecast(
    history: TotalsHistory,
    base_year: int,
    horizon: int,
    params: ForecastParameters = DEFAULT_PARAMETERS,
) -> pd.DataFrame:
    """P_t+1 = P_t (1 + n) + m P_base phi^i: natural change compounds, migration does not."""
    rates = component_rates(history, base_year, params)
    base = history.population[base_year].astype(float)
    migrants = rates["migration"] * base
    current = base.copy()
    columns = {}
    for step in range(1, horizon + 1):
        damped = migrants * params.migration_damping ** (step - 1)
        current = np.maximum(current * (1 + rates["natural"]) + damped, 0.0)
        columns[base_year + step] = current
    return pd.DataFrame(columns)


def ensemble_forecast(
    history: TotalsHistory,
    base_year: int,
    horizon: int,
    params: ForecastParameters = DEFAULT_PARAMETERS,
) -> pd.DataFrame:
    """Weighted mean of the constant and the damped component forecast (area x year)."""
    constant = constant_forecast(history.population, base_year, horizon)
    component = component_forecast(history, base_year, horizon, params)
    weight = params.constant_weight
    return weight * constant + (1 - weight) * component
