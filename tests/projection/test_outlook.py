"""The forecast engine on published cells: history, calibrated region outlook, base values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from etl.projection import synthetic
from etl.projection.forecast_totals import forecast_totals
from etl.projection.intervals import interval_bounds
from etl.projection.outlook import base_values, history_from_cells, region_outlook


def cells() -> tuple[pd.DataFrame, pd.DataFrame]:
    population = pd.DataFrame(
        [
            (area, year, "total", "total", 0, pd.NA, str(size + 10 * (year - 2019) * k))
            for k, (area, size) in enumerate((("03101000", 3_000), ("03101001", 90_000)))
            for year in range(2019, 2024)
        ]
        + [("03101000", 2023, "female", "total", 0, pd.NA, "1500")],
        columns=["area_key", "year", "sex", "nationality", "age_from", "age_to", "value"],
    )
    events = pd.DataFrame(
        [
            (area, year, event, value)
            for area in ("03101000", "03101001")
            for year in range(2019, 2024)
            for event, value in (("birth", 20.0), ("death", 30.0), ("move_in", 5.0))
        ],
        columns=["area_key", "year", "event", "value"],
    )
    return population, events


def test_history_from_cells_takes_totals_and_births_deaths() -> None:
    history = history_from_cells(*cells())
    assert history.population.loc["03101001"].tolist() == [90_000, 90_010, 90_020, 90_030, 90_040]
    assert history.births.loc["03101000", 2021] == 20.0
    assert history.deaths.loc["03101001", 2023] == 30.0


def test_region_outlook_sums_areas_and_bounds_them() -> None:
    result = forecast_totals(history_from_cells(*cells()), 2023, 10)
    outlook = region_outlook(result, ["03101000", "03101001"], 5)
    assert outlook.years == (2024, 2025, 2026, 2027, 2028)
    single = result.totals[result.totals["horizon"] <= 5].groupby("year")["population"].sum()
    np.testing.assert_allclose(outlook.forecast, single.to_numpy())
    assert (outlook.lower <= outlook.forecast).all() and (outlook.forecast <= outlook.upper).all()
    lower, _ = interval_bounds(
        pd.Series([outlook.forecast[-1]]), pd.Series([93_000.0]), pd.Series([5]), result.ratios
    )
    assert outlook.lower[-1] == pytest.approx(lower[0])
    assert not outlook.small and region_outlook(result, ["03101000"], 2).small
    with pytest.raises(ValueError, match="no forecast for 09999999"):
        region_outlook(result, ["09999999"], 2)


def test_too_few_years_for_intervals() -> None:
    population, events = cells()
    short = history_from_cells(population[population["year"] >= 2022], events)
    with pytest.raises(ValueError, match="at least three consistent years"):
        forecast_totals(short, 2023, 5)


def test_base_values_of_a_standard_area() -> None:
    assumptions = synthetic.assumptions(1)
    standard = assumptions.select(list(assumptions.areas))
    mean = np.full((1, 2, assumptions.reference_mx.shape[-1]), 10.0)
    values = base_values(standard, mean, net_migration=202.0 * 2, years=[2022, 2023])
    assert values.net_migration_per_1000 == pytest.approx(1000 * 202 * 2 / (mean.sum() * 2))
    assert (values.first_year, values.last_year) == (2022, 2023)
    assert 0.5 < values.tfr < 3.0
    assert 60 < values.life_expectancy[1] < values.life_expectancy[0] < 95
