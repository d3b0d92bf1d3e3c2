"""Empirical prediction intervals, age groups of the forecast, and the forecast table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from etl.projection.age_shares import keep_shares, project_age_groups
from etl.projection.baselines import TotalsHistory
from etl.projection.forecast_output import OUTPUT_COLUMNS, forecast_table
from etl.projection.forecast_totals import backtest_pairs, forecast_totals
from etl.projection.intervals import (
    AGE_EXPONENT,
    AGE_SCALE,
    AGE_YEARS,
    DEFAULT_GROWTH,
    SIZE_LABELS,
    coverage_table,
    error_quantiles,
    growth_exponent,
    interval_bounds,
    ratios_for_horizons,
    size_class,
    widen_for_age_groups,
)


def test_size_classes() -> None:
    labels = size_class(pd.Series([0, 1_999, 2_000, 9_999, 10_000, 49_999, 50_000]))
    assert labels.tolist() == [
        "< 2.000",
        "< 2.000",
        "2.000 - < 5.000",
        "5.000 - < 10.000",
        "10.000 - < 20.000",
        "20.000 - < 50.000",
        ">= 50.000",
    ]


def errors_of(ratios: list[float], size: float, horizon: int = 1) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "base_population": size,
            "horizon": horizon,
            "forecast": 100.0,
            "observed": [100.0 * r for r in ratios],
        }
    )


def test_quantiles_per_class_and_borrowing() -> None:
    small = errors_of(list(np.linspace(0.9, 1.1, 21)), 500)
    large = errors_of(list(np.linspace(0.99, 1.01, 21)), 60_000)
    both = pd.concat([small, large])
    table = error_quantiles(both, coverage=0.8, symmetric=False).set_index("size_class")
    assert table.loc["< 2.000", ["lower_ratio", "upper_ratio"]].tolist() == pytest.approx(
        [0.92, 1.08]
    )
    assert table.loc[">= 50.000", "upper_ratio"] == pytest.approx(1.008)
    assert table.loc["alle", "errors"] == 42
    assert "5.000 - < 10.000" not in table.index
    # 5.000 - < 10.000 has no errors: it borrows from the nearest class with some, the small.
    ratios = ratios_for_horizons(table.reset_index(), range(1, 2)).set_index("size_class")
    assert ratios.loc["5.000 - < 10.000", "upper_ratio"] == pytest.approx(1.08)
    assert ratios.loc[">= 50.000", "upper_ratio"] == pytest.approx(1.008)
    # Symmetric (default): forecast x exp(+-q), q the 80 % quantile of |log ratio|.
    symmetric = error_quantiles(errors_of([1.05] * 15 + [1 / 1.05] * 10, 500))
    first = symmetric.set_index("size_class").loc["< 2.000"]
    assert [first["lower_ratio"], first["upper_ratio"]] == pytest.approx([1 / 1.05, 1.05])
    with pytest.raises(ValueError, match="coverage must lie between 0 and 1"):
        error_quantiles(small, coverage=1.0)


def test_untested_horizons_scale_with_the_horizon() -> None:
    quantiles = pd.DataFrame(
        {
            "size_class": ["< 2.000", "< 2.000"],
            "horizon": [1, 2],
            "lower_ratio": [0.98, 0.97],
            "upper_ratio": [1.02, 1.05],
            "errors": [30, 30],
        }
    )
    every = ratios_for_horizons(quantiles, range(1, 5))
    assert set(every["size_class"]) == set(SIZE_LABELS)
    ratios = every[every["size_class"] == "< 2.000"].set_index("horizon")
    assert ratios.loc[1, "upper_ratio"] == pytest.approx(1.02)
    # The spread grew faster than linearly from 1 to 2 years: the exponent is bounded to 1.
    assert growth_exponent(quantiles) == 1.0
    assert ratios.loc[4, "upper_ratio"] == pytest.approx(1.05**2)
    assert ratios.loc[4, "lower_ratio"] == pytest.approx(0.97**2)
    assert ratios["upper_ratio"].is_monotonic_increasing
    with pytest.raises(ValueError, match="no backtest errors"):
        ratios_for_horizons(quantiles.iloc[:0], range(1, 3))
    # One tested horizon: the default growth h^0.7.
    one = quantiles.iloc[:1].assign(upper_ratio=1.1)
    assert growth_exponent(one) == DEFAULT_GROWTH
    wide = ratios_for_horizons(one, range(1, 5)).set_index(["size_class", "horizon"])
    wide = wide.loc["< 2.000"]
    assert wide.loc[4, "upper_ratio"] == pytest.approx(np.exp(np.log(1.1) * 4**0.7))


def test_bounds_and_coverage() -> None:
    ratios = pd.DataFrame(
        {"size_class": ["< 2.000"], "horizon": [1], "lower_ratio": [0.9], "upper_ratio": [1.1]}
    )
    evaluated = pd.DataFrame(
        {
            "forecast": [100.0, 100.0],
            "observed": [105.0, 120.0],
            "base_population": [100.0, 100.0],
            "horizon": [1, 1],
        }
    )
    lower, upper = interval_bounds(
        evaluated["forecast"], evaluated["base_population"], evaluated["horizon"], ratios
    )
    assert lower.tolist() == pytest.approx([90.0, 90.0])
    assert upper.tolist() == pytest.approx([110.0, 110.0])
    table = coverage_table(evaluated, ratios).set_index("size_class")
    assert table.loc["< 2.000", "coverage"] == 0.5
    assert table.loc["alle", "areas"] == 2


def test_backtest_pairs_need_a_change_before_the_origin() -> None:
    assert backtest_pairs(range(2008, 2012), 2011) == [
        (2009, 2010),
        (2009, 2011),
        (2010, 2011),
    ]


def test_age_groups_age_and_keep_the_total() -> None:
    bounds = [0, 20, 40]
    counts = np.array([[0.0, 100.0, 0.0]])
    totals = np.array([[100.0], [100.0]])
    aged = project_age_groups(counts, bounds, totals, birth_rate=np.array([0.0]))
    assert aged.sum(axis=2).ravel().tolist() == pytest.approx([100.0, 100.0])
    # People aged 20-39 move up: after two years the 38- and 39-year-olds are 40+ (their
    # number depends on the monotone split of the group); nobody is born.
    assert 5.0 < aged[1, 0, 2] < 20.0
    assert aged[1, 0, 0] == 0.0
    kept = keep_shares(counts, totals)
    assert kept[1, 0].tolist() == [0.0, 100.0, 0.0]


def small_history() -> TotalsHistory:
    years = list(range(2008, 2014))
    rows = {
        f"0315{k}{i:03d}": [1000.0 * (i + 1) * (1 + 0.01 * k * t) for t in range(6)]
        for k in range(3)
        for i in range(8)
    }
    population = pd.DataFrame(rows, index=years).T
    births = population * 0.008
    deaths = population * 0.011
    return TotalsHistory(population, births, deaths)


def test_forecast_totals_have_intervals_around_them() -> None:
    result = forecast_totals(small_history(), 2013, 5)
    totals = result.totals
    assert len(totals) == 24 * 5
    assert (totals["lower"] <= totals["population"]).all()
    assert (totals["population"] <= totals["upper"]).all()
    with pytest.raises(ValueError, match="no population for the base year 2020"):
        forecast_totals(small_history(), 2020, 5)


def test_forecast_table_rows_and_sexes() -> None:
    data = small_history()
    stocks = pd.DataFrame(
        [
            (area, sex, 0, pd.NA, value * share)
            for area, value in data.population[2013].items()
            for sex, share in (("total", 1.0), ("female", 0.5), ("male", 0.5))
        ],
        columns=["area_key", "sex", "age_from", "age_to", "value"],
    )
    table = forecast_table(data, stocks, 2013, 3)
    assert tuple(table.columns) == OUTPUT_COLUMNS
    assert len(table) == 24 * 3 * 3
    assert table["age_from"].isna().all()
    one = table[(table["ags"] == "03150000") & (table["year"] == 2016)].set_index("sex")
    assert one.loc["female", "population"] + one.loc["male", "population"] == pytest.approx(
        one.loc["total", "population"], abs=1
    )


def test_age_group_intervals_widen_with_small_groups_and_time() -> None:
    forecast = pd.Series([100.0, 100.0, 100.0])
    narrow = pd.Series([99.0, 99.0, 99.0]), pd.Series([101.0, 101.0, 101.0])
    size = pd.Series([50.0, 2_000.0, 50.0])
    elapsed = pd.Series([AGE_YEARS, AGE_YEARS, 2 * AGE_YEARS])
    lower, upper = widen_for_age_groups(*narrow, forecast, size, elapsed)
    spread = AGE_SCALE * 50**-AGE_EXPONENT
    assert upper[0] == pytest.approx(100 * np.exp(spread))
    assert lower[0] == pytest.approx(100 * np.exp(-spread))
    assert upper[1] < upper[0] < upper[2]
    # Never narrower than the totals' interval.
    bounds = pd.Series([1.0]), pd.Series([1e6])
    wide = widen_for_age_groups(*bounds, forecast[:1], size[:1], elapsed[:1])
    assert (wide[0][0], wide[1][0]) == (1.0, 1e6)
