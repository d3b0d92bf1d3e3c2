"""Annual totals series across a census break, and the two naive baselines.

Inputs are wide frames: one row per area (string key), one column per year (int), float
values, NaN where a value is missing. `population` holds the stock at 31.12., `births` and
`deaths` the events of the year. A census break year `b` means that the stock at 31.12.`b`
rests on the new census and cannot be compared with 31.12.`b-1`: no change across it enters.

Baselines (Smith, Tayman & Swanson 2013, ch. 8):
- constant: the base-year population for every target year;
- linear: the base stock plus `h` times the mean annual change of the consistent years.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

CENSUS_BREAKS: tuple[int, ...] = (2011,)


@dataclass(frozen=True)
class TotalsHistory:
    """Wide annual series per area: stocks at 31.12. and events of the year."""

    population: pd.DataFrame
    births: pd.DataFrame
    deaths: pd.DataFrame

    def until(self, year: int) -> TotalsHistory:
        """The same series cut after `year` (what was known at the end of `year`)."""
        return TotalsHistory(*(_columns_until(frame, year) for frame in self._frames()))

    def _frames(self) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        return self.population, self.births, self.deaths


def _columns_until(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    return frame[[c for c in frame.columns if int(c) <= year]]


def change_years(
    years: Iterable[int], base_year: int, window: int, breaks: Iterable[int] = CENSUS_BREAKS
) -> list[int]:
    """Years t with a consistent change t-1 -> t: in the window up to base_year, no break."""
    available = set(years)
    first = base_year - window + 1
    return [
        t
        for t in range(first, base_year + 1)
        if t in available and t - 1 in available and t not in set(breaks)
    ]


def annual_components(
    history: TotalsHistory, base_year: int, window: int = 5, breaks: Iterable[int] = CENSUS_BREAKS
) -> dict[str, pd.DataFrame]:
    """Per area and consistent year: change, natural change and net migration (residual).

    Returns wide frames (area x year) `start`, `change`, `natural`, `migration`.
    """
    stocks = history.population
    years = change_years(stocks.columns, base_year, window, breaks)
    start = stocks[[t - 1 for t in years]].set_axis(years, axis=1)
    end = stocks[years]
    change = end - start
    natural = history.births.reindex(columns=years) - history.deaths.reindex(columns=years)
    natural = natural.reindex(index=stocks.index)
    return {
        "start": start,
        "change": change,
        "natural": natural,
        "migration": change - natural,
    }


def constant_forecast(population: pd.DataFrame, base_year: int, horizon: int) -> pd.DataFrame:
    """Base-year stock for each target year (columns base_year+1 .. base_year+horizon)."""
    base = population[base_year]
    return pd.DataFrame({base_year + h: base for h in range(1, horizon + 1)})


def linear_forecast(
    history: TotalsHistory,
    base_year: int,
    horizon: int,
    window: int = 5,
    breaks: Iterable[int] = CENSUS_BREAKS,
) -> pd.DataFrame:
    """Base stock plus h x mean consistent annual change (no change: constant); floor 0."""
    change = annual_components(history, base_year, window, breaks)["change"]
    slope = change.mean(axis=1).fillna(0.0)
    base = history.population[base_year]
    return pd.DataFrame(
        {base_year + h: np.maximum(base + h * slope, 0.0) for h in range(1, horizon + 1)}
    )
