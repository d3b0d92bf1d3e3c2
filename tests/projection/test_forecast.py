"""Totals forecast: baselines, the damped component ensemble, the census break, no blow-ups."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.projection.backtest_real import backtest_errors, break_ratio, comparable_observed
from etl.projection.baselines import (
    TotalsHistory,
    change_years,
    constant_forecast,
    linear_forecast,
)
from etl.projection.forecast import (
    ForecastParameters,
    component_forecast,
    component_rates,
    ensemble_forecast,
)


def wide(rows: dict[str, list[float]], first: int = 2008) -> pd.DataFrame:
    frame = pd.DataFrame(rows).T.astype(float)
    frame.columns = list(range(first, first + frame.shape[1]))
    return frame


def history(pop: dict, births: dict, deaths: dict) -> TotalsHistory:
    return TotalsHistory(wide(pop), wide(births), wide(deaths))


def test_change_years_skip_the_census_break() -> None:
    years = range(2008, 2014)
    assert change_years(years, 2013, window=5) == [2009, 2010, 2012, 2013]
    assert change_years(years, 2011, window=5) == [2009, 2010]
    assert change_years(years, 2011, window=5, breaks=()) == [2009, 2010, 2011]


def test_constant_and_linear_baselines() -> None:
    data = history(
        {"01001001": [1000, 1010, 1020, 900, 910]},
        {"01001001": [10, 10, 10, 10, 10]},
        {"01001001": [5, 5, 5, 5, 5]},
    )
    constant = constant_forecast(data.population, 2012, 2)
    assert constant.loc["01001001"].tolist() == [910.0, 910.0]
    # Changes 2009, 2010 (+10 each) and 2012 (+10); the drop into the 2011 census is no trend.
    linear = linear_forecast(data, 2012, 2)
    assert linear.loc["01001001"].tolist() == [920.0, 930.0]


def test_linear_baseline_never_negative() -> None:
    data = history({"A": [300, 200, 100]}, {"A": [0, 0, 0]}, {"A": [0, 0, 0]})
    assert linear_forecast(data, 2010, 3, breaks=()).loc["A"].tolist() == [0.0, 0.0, 0.0]


def test_component_model_by_hand() -> None:
    # One Kreis, one area: no shrinkage effect. Natural +1 %, migration +2 % of the start.
    data = history({"01001001": [1000, 1030]}, {"01001001": [0, 20]}, {"01001001": [0, 10]})
    params = ForecastParameters(migration_damping=0.5, constant_weight=0.0, breaks=())
    rates = component_rates(data, 2009, params)
    assert rates.loc["01001001"].tolist() == pytest.approx([0.01, 0.02])
    result = component_forecast(data, 2009, 2, params).loc["01001001"].tolist()
    first = 1030 * 1.01 + 0.02 * 1030
    second = first * 1.01 + 0.02 * 1030 * 0.5
    assert result == pytest.approx([first, second])
    half = ensemble_forecast(data, 2009, 2, ForecastParameters(constant_weight=0.5, breaks=()))
    assert half.loc["01001001", 2010] == pytest.approx((1030 + 1030 * 1.01 + 0.02 * 1030) / 2)


def test_small_areas_are_shrunk_toward_their_kreis() -> None:
    # Tiny area grows 10 %; its Kreis (with a large neighbour) does not grow.
    data = history(
        {"01001001": [100, 110], "01001002": [100_000, 100_000]},
        {"01001001": [0, 0], "01001002": [0, 0]},
        {"01001001": [0, 0], "01001002": [0, 0]},
    )
    params = ForecastParameters(shrink=1_000.0, breaks=())
    rates = component_rates(data, 2009, params)
    kreis_rate = 10 / 100_100
    weight = 110 / 1_110
    expected = weight * 0.1 + (1 - weight) * kreis_rate
    assert rates.loc["01001001", "migration"] == pytest.approx(expected)
    assert rates.loc["01001002", "migration"] == pytest.approx(
        100_000 / 101_000 * 0 + 1_000 / 101_000 * kreis_rate
    )


def test_break_ratio_and_comparable_observed() -> None:
    # Old series +10 a year by migration; the census (2011) finds 5 % fewer people.
    data = history(
        {"A": [1000, 1010, 1020, 1030 * 0.95, 1030 * 0.95 + 10]},
        {"A": [0, 0, 0, 0, 0]},
        {"A": [0, 0, 0, 0, 0]},
    )
    assert break_ratio(data, 2011).loc["A"] == pytest.approx(0.95)
    observed = comparable_observed(data, 2009, 2012)
    assert observed.loc["A"] == pytest.approx((1030 * 0.95 + 10) / 0.95)
    # Unknown while the year after the break is not observed.
    assert np.isnan(break_ratio(data.until(2011), 2011).loc["A"])
    assert comparable_observed(data, 2011, 2012).loc["A"] == pytest.approx(1030 * 0.95 + 10)


def test_backtest_errors_signed_percent() -> None:
    data = history({"A": [100, 100, 110]}, {"A": [0, 0, 0]}, {"A": [0, 0, 0]})

    def constant(known: TotalsHistory, origin: int, steps: int) -> pd.DataFrame:
        return constant_forecast(known.population, origin, steps)

    errors = backtest_errors(data, {"constant": constant}, [(2009, 2010)], breaks=())
    assert errors[["origin", "horizon", "forecast", "observed"]].iloc[0].tolist() == [
        2009,
        1,
        100.0,
        110.0,
    ]
    assert errors["error"].iloc[0] == pytest.approx(-100 / 11)


series = st.lists(st.floats(0.0, 1e6, allow_nan=False), min_size=6, max_size=6)


@settings(max_examples=150, deadline=None)
@given(
    populations=st.lists(series, min_size=1, max_size=4),
    events=st.lists(series, min_size=2, max_size=2),
    horizon=st.integers(1, 30),
)
def test_no_blow_ups(populations: list[list[float]], events: list[list[float]], horizon: int):
    """Whatever the history (an area growing from 1 to 10^6 a year), growth stays bounded."""
    keys = [f"0315{i}001" for i in range(len(populations))]
    pop = dict(zip(keys, populations, strict=True))
    data = history(pop, dict.fromkeys(keys, events[0]), dict.fromkeys(keys, events[1]))
    params = ForecastParameters()
    forecast = ensemble_forecast(data, 2013, horizon, params)
    base = data.population[2013].to_numpy()[:, None]
    bound = (1 + 2 * params.max_rate) ** np.arange(1, horizon + 1)
    values = forecast.to_numpy()
    assert np.isfinite(values).all()
    assert (values >= 0).all()
    assert (values <= base * bound + 1e-6).all()


def test_osterheide_like_history_stays_plausible() -> None:
    # The blow-up: a garrison area with a 25 % yearly migration swing.
    data = history(
        {"03358501": [2000, 2500, 3000, 3100, 3300, 3564]},
        {"03358501": [20] * 6},
        {"03358501": [20] * 6},
    )
    forecast = ensemble_forecast(data, 2013, 22)
    assert forecast.loc["03358501", 2035] < 3564 * 2
