"""Backtest: project totals from a base year with data up to it, compare with observation.

Input `observed` has one row per area and year: `area, year, population` (stock at
31.12.), `births, deaths` (events of the year). Methods:
- component: crude birth and death rates and a net migration rate (residual
  P_t - P_t-1 - B_t + D_t over the start population) from the base period, applied
  year by year: P_t+1 = P_t * (1 + b - d + m);
- constant: the base-year population;
- linear: the base stock plus the mean annual change over the event years (excluded
  years, such as a census break, do not enter).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

SIZE_CLASSES = (
    (0, 2_000, "< 2.000"),
    (2_000, 5_000, "2.000 - < 5.000"),
    (5_000, 10_000, "5.000 - < 10.000"),
    (10_000, float("inf"), ">= 10.000"),
)
METHODS = ("component", "constant", "linear", "cohort", "cohort+hp")
RESULT_COLUMNS = (
    "area",
    "method",
    "size_class",
    "base_population",
    "projected",
    "observed",
    "pct_error",
)
SUMMARY_COLUMNS = ("method", "size_class", "areas", "mape", "mdape", "bias")


def size_class(population: float) -> str:
    """Label of the size class of a population."""
    for low, high, label in SIZE_CLASSES:
        if low <= population < high:
            return label
    raise ValueError(f"population must be >= 0, got {population}")


def _wide(observed: pd.DataFrame, column: str) -> pd.DataFrame:
    return observed.pivot(index="area", columns="year", values=column).astype(float)


def _component_rates(
    stocks: pd.DataFrame, births: pd.DataFrame, deaths: pd.DataFrame, years: list[int]
) -> pd.DataFrame:
    """Annual crude rates per area (b, d, m) over the event years `years`."""
    start = stocks[[y - 1 for y in years]].to_numpy()
    end = stocks[years].to_numpy()
    born, died = births[years].to_numpy(), deaths[years].to_numpy()
    migration = end - start - born + died
    exposure = ((start + end) / 2).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return pd.DataFrame(
            {
                "b": born.sum(axis=1) / exposure,
                "d": died.sum(axis=1) / exposure,
                "m": migration.sum(axis=1) / start.sum(axis=1),
            },
            index=stocks.index,
        )


def _mean_change(stocks: pd.DataFrame, years: list[int]) -> pd.Series:
    """Mean annual change of the stock over the event years (excluded years skipped)."""
    return sum(stocks[y] - stocks[y - 1] for y in years) / len(years)


def event_years(
    available: Iterable[int], base_year: int, base_period: int, exclude_years: Iterable[int] = ()
) -> list[int]:
    """Years whose events enter the rates: up to `base_period` years ending in the base year,
    each needing the stock of the year before; excluded years are left out."""
    stocks = set(available)
    excluded = set(exclude_years)
    years = [
        y
        for y in range(base_year - base_period + 1, base_year + 1)
        if y in stocks and y - 1 in stocks and y not in excluded
    ]
    if not years:
        raise ValueError(
            f"no base-period year with stocks of that year and the one before "
            f"(base year {base_year}, available {sorted(stocks)})"
        )
    return years


def backtest(
    observed: pd.DataFrame,
    base_year: int,
    target_year: int,
    base_period: int = 5,
    exclude_years: Iterable[int] = (),
) -> pd.DataFrame:
    """Per area and method: base population, projection for `target_year`, observed, % error.

    Only data up to `base_year` enter the projections. Areas without a positive
    population in the base and the target year are left out.
    """
    if target_year <= base_year:
        raise ValueError(f"target year {target_year} must follow base year {base_year}")
    stocks, births, deaths = (_wide(observed, c) for c in ("population", "births", "deaths"))
    usable = stocks.index[(stocks.get(base_year, 0) > 0) & (stocks.get(target_year, 0) > 0)]
    stocks, births, deaths = (t.loc[usable] for t in (stocks, births, deaths))
    years = event_years(stocks.columns, base_year, base_period, exclude_years)
    rates = _component_rates(stocks, births.fillna(0), deaths.fillna(0), years)
    horizon = target_year - base_year
    base = stocks[base_year]
    projections = {
        "component": base * (1 + rates["b"] - rates["d"] + rates["m"]) ** horizon,
        "constant": base,
        "linear": np.maximum(base + _mean_change(stocks, years) * horizon, 0.0),
    }
    target = stocks[target_year]
    frames = [
        pd.DataFrame(
            {
                "area": usable.astype(str),
                "method": method,
                "size_class": [size_class(p) for p in base],
                "base_population": base.to_numpy(),
                "projected": values.to_numpy(),
                "observed": target.to_numpy(),
                "pct_error": (values.to_numpy() / target.to_numpy() - 1) * 100,
            }
        )
        for method, values in projections.items()
    ]
    return pd.concat(frames, ignore_index=True)[list(RESULT_COLUMNS)]


def summarize_backtest(result: pd.DataFrame) -> pd.DataFrame:
    """MAPE, median APE and bias (mean % error) by method and size class, plus 'alle'."""
    everything = result.assign(size_class="alle")
    combined = pd.concat([result, everything], ignore_index=True)
    order = [label for *_, label in SIZE_CLASSES] + ["alle"]
    combined["size_class"] = pd.Categorical(combined["size_class"], categories=order)
    summary = (
        combined.assign(ape=combined["pct_error"].abs())
        .groupby(["method", "size_class"], observed=True)
        .agg(
            areas=("area", "count"),
            mape=("ape", "mean"),
            mdape=("ape", "median"),
            bias=("pct_error", "mean"),
        )
        .reset_index()
    )
    summary["size_class"] = summary["size_class"].astype(str)
    summary["method"] = pd.Categorical(summary["method"], categories=METHODS, ordered=True)
    summary = summary.sort_values(["method", "size_class"], key=_order_key(order))
    summary["method"] = summary["method"].astype(str)
    return summary[list(SUMMARY_COLUMNS)].reset_index(drop=True)


def _order_key(order: list[str]):
    def key(column: pd.Series) -> pd.Series:
        if column.name == "size_class":
            return column.map({label: i for i, label in enumerate(order)})
        return column

    return key
