"""Prediction intervals from the empirical distribution of backtest errors.

For each size class and horizon the ratio observed / forecast of past forecasts (see
`etl.projection.backtest_real`) is collected; the (1-c)/2 and (1+c)/2 quantiles of that
ratio, times a new forecast, bound a c prediction interval. Horizons longer than those tested
widen like h^b, b fitted to the tested horizons (errors of small-area forecasts grow with the
horizon, less than linearly, Smith, Tayman & Swanson 2013, ch. 13); shorter ones shrink the
same way. A class
with fewer than `min_errors` errors at a horizon extrapolates from its own tested horizons; a
class with none borrows from the nearest class that has some (the smaller, wider one on a tie);
with none at all, all errors are pooled.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

SIZE_CLASSES: Final = (
    (0, 2_000, "< 2.000"),
    (2_000, 5_000, "2.000 - < 5.000"),
    (5_000, 10_000, "5.000 - < 10.000"),
    (10_000, 20_000, "10.000 - < 20.000"),
    (20_000, 50_000, "20.000 - < 50.000"),
    (50_000, float("inf"), ">= 50.000"),
)
SIZE_LABELS: Final = tuple(label for _, _, label in SIZE_CLASSES)
QUANTILE_COLUMNS: Final = ("size_class", "horizon", "lower_ratio", "upper_ratio", "errors")


def size_class(population: pd.Series) -> pd.Series:
    """Size class label of each population (by the base-year stock)."""
    edges = [low for low, _, _ in SIZE_CLASSES] + [float("inf")]
    labels = pd.cut(population.astype(float), edges, right=False, labels=list(SIZE_LABELS))
    return labels.astype(str).where(population.notna())


def _bounds(ratios: pd.Series, coverage: float, symmetric: bool) -> tuple[float, float]:
    if symmetric:
        # The c quantile of |log ratio|: robust when the sign of the bias changes between
        # the years that fit the interval and the years it is used for.
        spread = float(np.log(ratios).abs().quantile(coverage))
        return float(np.exp(-spread)), float(np.exp(spread))
    low, high = ratios.quantile([(1 - coverage) / 2, (1 + coverage) / 2]).to_numpy()
    return float(low), float(high)


POOLED: Final = "alle"


def error_quantiles(
    errors: pd.DataFrame, coverage: float = 0.8, min_errors: int = 20, symmetric: bool = True
) -> pd.DataFrame:
    """Lower and upper ratio observed/forecast per size class and horizon with enough errors.

    Only (class, horizon) pairs with at least `min_errors` errors get a row; every horizon
    also gets a row for all classes pooled (size_class POOLED). symmetric: forecast x exp(+-q)
    with q the `coverage` quantile of |log(observed/forecast)|; otherwise the (1-c)/2 and
    (1+c)/2 quantiles of the ratio itself.
    """
    if not 0 < coverage < 1:
        raise ValueError(f"coverage must lie between 0 and 1, got {coverage}")
    data = errors.assign(
        size_class=size_class(errors["base_population"]),
        ratio=errors["observed"] / errors["forecast"],
    )
    data = data[np.isfinite(data["ratio"]) & (data["ratio"] > 0)]
    rows = []
    for horizon, at_horizon in data.groupby("horizon"):
        for label in SIZE_LABELS:
            ratios = at_horizon.loc[at_horizon["size_class"] == label, "ratio"]
            if len(ratios) >= min_errors:
                rows.append(
                    (label, int(horizon), *_bounds(ratios, coverage, symmetric), len(ratios))
                )
        pooled = at_horizon["ratio"]
        rows.append((POOLED, int(horizon), *_bounds(pooled, coverage, symmetric), len(pooled)))
    return pd.DataFrame(rows, columns=list(QUANTILE_COLUMNS))


DEFAULT_GROWTH = 0.7  # errors grow like h^0.7 (NI/HB 2009-2013: MAPE 0.85 / 1.41 / 1.88 / 2.28)


def growth_exponent(quantiles: pd.DataFrame) -> float:
    """How fast the interval widens with the horizon: log q ~ b log h over tested horizons.

    The median over size classes of the least-squares slope, bounded to [0.5, 1]; with a
    single tested horizon DEFAULT_GROWTH.
    """
    slopes = []
    for _, by_class in quantiles.groupby("size_class"):
        spread = np.log(by_class["upper_ratio"].to_numpy())
        horizons = np.log(by_class["horizon"].to_numpy(dtype=float))
        valid = spread > 0
        if valid.sum() >= 2 and np.ptp(horizons[valid]) > 0:
            slopes.append(np.polyfit(horizons[valid], np.log(spread[valid]), 1)[0])
    return float(np.clip(np.median(slopes), 0.5, 1.0)) if slopes else DEFAULT_GROWTH


def _source_rows(quantiles: pd.DataFrame, index: int) -> pd.DataFrame:
    """The class's own rows; else the nearest class with rows (the smaller first); else pooled."""
    by_label = {label: quantiles[quantiles["size_class"] == label] for label in SIZE_LABELS}
    candidates = [i for i, label in enumerate(SIZE_LABELS) if not by_label[label].empty]
    if not candidates:
        return quantiles[quantiles["size_class"] == POOLED]
    nearest = min(candidates, key=lambda j: (abs(j - index), j))
    return by_label[SIZE_LABELS[nearest]]


def ratios_for_horizons(quantiles: pd.DataFrame, horizons: range) -> pd.DataFrame:
    """Quantile ratios for every size class and horizon, from its nearest tested horizon.

    A class uses its own tested horizons (else those of the nearest class that has some, the
    smaller first, else all classes pooled). The log-ratio of an untested horizon h is that
    of the nearest tested horizon k times (h/k)^b, b from `growth_exponent`; widths never
    shrink with a longer horizon.
    """
    if quantiles.empty:
        raise ValueError("no backtest errors: at least two consistent years are needed")
    exponent = growth_exponent(quantiles[quantiles["size_class"] != POOLED])
    rows = []
    for index, label in enumerate(SIZE_LABELS):
        tested = _source_rows(quantiles, index).set_index("horizon").sort_index()
        low_prev, high_prev = 1.0, 1.0
        for horizon in horizons:
            nearest = min(tested.index, key=lambda k: (abs(k - horizon), -k))
            scale = (horizon / nearest) ** exponent
            low = float(np.exp(np.log(tested.at[nearest, "lower_ratio"]) * scale))
            high = float(np.exp(np.log(tested.at[nearest, "upper_ratio"]) * scale))
            low_prev, high_prev = min(low, low_prev, 1.0), max(high, high_prev, 1.0)
            rows.append((label, horizon, low_prev, high_prev))
    return pd.DataFrame(rows, columns=["size_class", "horizon", "lower_ratio", "upper_ratio"])


def interval_bounds(
    forecast: pd.Series, base_population: pd.Series, horizon: pd.Series, ratios: pd.DataFrame
) -> tuple[pd.Series, pd.Series]:
    """Lower and upper bound for each forecast from the ratios of its size class and horizon."""
    keys = pd.DataFrame(
        {"size_class": size_class(base_population).to_numpy(), "horizon": horizon.to_numpy()}
    )
    matched = keys.merge(ratios, on=["size_class", "horizon"], how="left", validate="m:1")
    lower = forecast.to_numpy() * matched["lower_ratio"].to_numpy()
    upper = forecast.to_numpy() * matched["upper_ratio"].to_numpy()
    return pd.Series(lower, index=forecast.index), pd.Series(upper, index=forecast.index)


def coverage_table(evaluated: pd.DataFrame, ratios: pd.DataFrame) -> pd.DataFrame:
    """Share of observed values inside the interval, by size class and horizon (and overall)."""
    lower, upper = interval_bounds(
        evaluated["forecast"], evaluated["base_population"], evaluated["horizon"], ratios
    )
    inside = (evaluated["observed"] >= lower) & (evaluated["observed"] <= upper)
    data = evaluated.assign(size_class=size_class(evaluated["base_population"]), inside=inside)
    table = data.groupby(["size_class", "horizon"]).agg(
        areas=("inside", "size"), coverage=("inside", "mean")
    )
    overall = data.groupby("horizon").agg(areas=("inside", "size"), coverage=("inside", "mean"))
    overall = overall.assign(size_class="alle").set_index("size_class", append=True)
    overall = overall.reorder_levels(["size_class", "horizon"])
    return pd.concat([table, overall]).reset_index()


# Age groups err more than Gemeinden of the same size (migration by age, cohorts). The 80 %
# quantile of |log(observed / forecast)| of the age groups carried from the Zensus 2011 to
# 31.12.2015 in the Werra-Meißner-Kreis (16 Gemeinden x 11 groups, 4.64 years) is about
# AGE_SCALE x size^-AGE_EXPONENT, size = the group's count in the census (0.22 at 50 people,
# 0.16 at 180, 0.12 at 550, 0.07 at 2,000); it grows in proportion to the years elapsed.
AGE_SCALE: Final = 0.77
AGE_EXPONENT: Final = 0.31
AGE_YEARS: Final = 4.64


def widen_for_age_groups(
    lower: pd.Series, upper: pd.Series, forecast: pd.Series, size: pd.Series, elapsed: pd.Series
) -> tuple[pd.Series, pd.Series]:
    """Bounds at least forecast x exp(+-q), q the measured age-group error.

    `size` is the group's count at the start, `elapsed` the years since the age structure
    was observed (horizon plus the years from a census date to the base year).
    """
    safe = size.astype(float).clip(lower=1.0).to_numpy()
    spread = AGE_SCALE * safe**-AGE_EXPONENT * elapsed.to_numpy() / AGE_YEARS
    values = forecast.to_numpy()
    low = np.minimum(lower.to_numpy(), values * np.exp(-spread))
    high = np.maximum(upper.to_numpy(), values * np.exp(spread))
    return pd.Series(low, index=lower.index), pd.Series(high, index=upper.index)
