"""Counts and rates from a short history, and borrowing strength."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from etl.projection.assumptions import borrow_strength
from etl.projection.history import base_years, cohort_deaths, observed_counts


def _history(extra_female_age_1: float = 0.0, area: str = "01") -> tuple[pd.DataFrame, ...]:
    """One area, ages 0..2 (2 open), stocks 31.12.2000 and 2001, events of 2001."""
    rows = []
    for year, female, male in [
        (2000, [10, 10, 10], [10, 10, 10]),
        (2001, [1, 10 + extra_female_age_1, 18], [1.05, 10, 20]),
    ]:
        for sex, values in (("female", female), ("male", male)):
            rows += [(area, year, sex, age, v) for age, v in enumerate(values)]
    population = pd.DataFrame(rows, columns=["area", "year", "sex", "age", "population"])
    births = pd.DataFrame({"area": [area], "year": [2001], "age": [1], "births": [2.05]})
    deaths = pd.DataFrame(
        {"area": [area], "year": [2001], "sex": ["female"], "age": [2], "deaths": [2.0]}
    )
    return population, births, deaths


def test_base_years_and_exclusions() -> None:
    assert base_years(2015) == (2011, 2012, 2013, 2014, 2015)
    assert base_years(2017, 5, exclude_years=[2015, 2016]) == (2013, 2014, 2017)
    with pytest.raises(ValueError, match="excluded"):
        base_years(2015, 1, exclude_years=[2015])


def test_cohort_deaths_keep_the_total() -> None:
    deaths = np.array([4.0, 2.0, 6.0, 8.0])
    np.testing.assert_allclose(cohort_deaths(deaths), [2.0, 3.0, 4.0, 11.0])


def test_observed_counts_balance_with_zero_migration() -> None:
    counts = observed_counts(*_history(), base_year=2001, base_period=1)
    assert counts.areas == ("01",)
    np.testing.assert_allclose(counts.net_migration, 0.0, atol=1e-12)
    np.testing.assert_allclose(counts.exposure[0, 0], [5.5, 10.0, 14.0])
    np.testing.assert_allclose(counts.births[0], [0.0, 2.05, 0.0])
    assert counts.deaths[0, 0, 2] == 2.0


def test_residual_migration_lands_in_the_right_cell() -> None:
    counts = observed_counts(*_history(extra_female_age_1=3.0), base_year=2001, base_period=1)
    expected = np.zeros((2, 3))
    expected[0, 1] = 3.0
    np.testing.assert_allclose(counts.net_migration[0], expected, atol=1e-12)


def test_missing_start_year_is_reported() -> None:
    with pytest.raises(ValueError, match=r"missing for the years \[1999\]"):
        observed_counts(*_history(), base_year=2001, base_period=2)


def _two_areas() -> tuple[pd.DataFrame, ...]:
    first = _history(3.0, "01")
    second = _history(0.0, "02")
    return tuple(pd.concat([a, b], ignore_index=True) for a, b in zip(first, second, strict=True))


def test_borrow_strength_keeps_local_levels_and_reference_patterns() -> None:
    counts = observed_counts(*_two_areas(), base_year=2001, base_period=1)
    assumptions = borrow_strength(counts, prior_events=0.0)
    reference = counts.total()
    np.testing.assert_allclose(
        assumptions.fertility_schedule, reference.births[0] / reference.exposure[0, 0]
    )
    expected_births = counts.exposure[:, 0] @ assumptions.fertility_schedule
    np.testing.assert_allclose(assumptions.fertility_ratio * expected_births, 2.05)
    implied = np.sum(assumptions.migration_rates * counts.start_population, axis=(1, 2))
    np.testing.assert_allclose(implied, [3.0, 0.0], atol=1e-12)
    assert assumptions.select(["02"]).areas == ("02",)
    with pytest.raises(KeyError, match="99"):
        assumptions.select(["99"])


def test_prior_events_shrink_ratios_towards_one() -> None:
    counts = observed_counts(*_two_areas(), base_year=2001, base_period=1)
    raw = borrow_strength(counts, prior_events=0.0).mortality_ratio
    shrunk = borrow_strength(counts, prior_events=100.0).mortality_ratio
    assert np.all(np.abs(shrunk - 1) <= np.abs(raw - 1))


def test_assumptions_from_totals_meet_each_area_level() -> None:
    from etl.projection import standard, synthetic
    from etl.projection.assumptions import assumptions_from_totals

    population = synthetic.population(3)
    events = {
        "births": np.array([50.0, 10.0, 0.0]),
        "deaths": np.array([80.0, 5.0, 1.0]),
        "net_migration": np.array([30.0, -20.0, 0.0]),
    }
    assumptions = assumptions_from_totals(
        ("a", "b", "c"),
        population,
        events,
        fertility_schedule=standard.fertility_schedule(),
        reference_mx=standard.reference_death_rates(),
        reference_migration=standard.migration_schedule(),
        years=2,
        prior_events=0.0,
    )
    exposure = 2 * population
    births = assumptions.fertility_ratio * (exposure[:, 0] @ assumptions.fertility_schedule)
    np.testing.assert_allclose(births, events["births"])
    deaths = assumptions.mortality_ratio * np.sum(exposure * assumptions.reference_mx, axis=(1, 2))
    np.testing.assert_allclose(deaths, events["deaths"])
    net = np.sum(assumptions.migration_rates * exposure, axis=(1, 2))
    np.testing.assert_allclose(net, events["net_migration"], atol=1e-9)
    with pytest.raises(ValueError, match="missing"):
        assumptions_from_totals(
            ("a",),
            population[:1],
            {"births": np.ones(1)},
            fertility_schedule=standard.fertility_schedule(),
            reference_mx=standard.reference_death_rates(),
            reference_migration=standard.migration_schedule(),
            years=1,
        )
