"""Scenario projections of many areas, mortality scaling and scenarios."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.projection import standard, synthetic
from etl.projection.area import bounded_migration_counts, project_area, project_areas
from etl.projection.engine import NetMigration, StepInputs, project
from etl.projection.lifetable import andreev_kingkade_a0, life_table_arrays, survival_from_L
from etl.projection.mortality import life_expectancy, mortality_factors, single_year_survival
from etl.projection.scenarios import (
    HIGH,
    LOW,
    MIDDLE,
    STANDARD_SCENARIOS,
    Scenario,
    load_scenario,
    save_scenario,
)

CONSTANT = Scenario("constant")


def test_single_year_survival_equals_full_life_table() -> None:
    mx = standard.reference_death_rates()
    ax = np.full(mx.shape, 0.5)
    ax[:, 0] = [andreev_kingkade_a0(mx[0, 0], "female"), andreev_kingkade_a0(mx[1, 0], "male")]
    ax[:, -1] = 1 / mx[:, -1]
    table = life_table_arrays(mx, np.ones(mx.shape[-1]), ax)
    expected = survival_from_L(table.Lx, table.Tx, table.lx, 1)
    np.testing.assert_allclose(single_year_survival(mx), expected, rtol=1e-12)


@pytest.mark.parametrize("gain", [-2.0, 0.0, 3.5, 8.0])
def test_mortality_factors_reach_the_life_expectancy_target(gain: float) -> None:
    mx = standard.reference_death_rates()
    factors = mortality_factors(mx, np.array([gain]))
    reached = life_expectancy(factors[0][:, None] * mx)
    np.testing.assert_allclose(reached, life_expectancy(mx) + gain, atol=1e-8)


def test_constant_scenario_equals_engine_with_the_same_inputs() -> None:
    assumptions = synthetic.assumptions(3)
    population = synthetic.population(3)
    result = project_areas(population, assumptions, [CONSTANT], 5, base_year=2020)
    mx = assumptions.mortality_ratio[:, None, None] * assumptions.reference_mx
    inputs = StepInputs(
        single_year_survival(mx),
        assumptions.fertility_ratio[:, None] * assumptions.fertility_schedule,
        NetMigration(bounded_migration_counts(assumptions.migration_rates, population)),
    )
    direct = project(population, [inputs] * 5, steps=5, step=1, srb=assumptions.srb)
    np.testing.assert_allclose(result.population[0], direct.population, rtol=1e-12)
    assert result.years == tuple(range(2020, 2026))


def test_net_migration_is_a_bounded_count_not_a_compounding_rate() -> None:
    """The issue's blow-up (Osterheide 3,564 -> 276 billion): huge rates stay linear."""
    assumptions = synthetic.assumptions(1)
    exploding = dataclasses.replace(
        assumptions, migration_rates=np.full_like(assumptions.migration_rates, 2.5)
    )
    population = synthetic.population(1)
    result = project_areas(population, exploding, [CONSTANT], 20, base_year=2015)
    totals = result.population[0].sum(axis=(-1, -2, -3))
    base = population.sum()
    # Net migration at most 5 % of the base a year, never compounding: at most 2x in 20 years
    # (plus natural change, which is negative in the synthetic area).
    assert totals[-1] <= base * (1 + 20 * 0.05) + 1e-6
    counts = bounded_migration_counts(exploding.migration_rates, population)
    assert counts.sum() == pytest.approx(0.05 * base)


def test_areas_are_projected_independently_of_each_other() -> None:
    assumptions = synthetic.assumptions(4)
    population = synthetic.population(4)
    together = project_areas(population, assumptions, STANDARD_SCENARIOS, 10)
    alone = project_areas(
        population[2:3], assumptions.select([assumptions.areas[2]]), STANDARD_SCENARIOS, 10
    )
    np.testing.assert_allclose(together.population[:, :, 2], alone.population[:, :, 0])


def test_scenarios_are_ordered_and_balance() -> None:
    assumptions = synthetic.assumptions(2)
    result = project_areas(synthetic.population(2), assumptions, [LOW, MIDDLE, HIGH], 30)
    totals = result.population.sum(axis=(-1, -2))
    assert np.all(totals[0, -1] < totals[1, -1])
    assert np.all(totals[1, -1] < totals[2, -1])
    change = np.diff(totals, axis=1)
    balance = (result.births - result.deaths + result.net_migration).sum(axis=-1)
    np.testing.assert_allclose(change, balance, rtol=1e-9, atol=1e-6)


def test_frames_have_the_documented_columns() -> None:
    assumptions = synthetic.assumptions(2)
    result = project_areas(synthetic.population(2), assumptions, [MIDDLE], 2, base_year=2024)
    population = result.population_frame()
    assert list(population.columns) == ["scenario", "area", "year", "sex", "age", "population"]
    assert len(population) == 3 * 2 * 2 * 101
    components = result.components_frame()
    assert list(components.columns) == [
        "scenario",
        "area",
        "year",
        "sex",
        "births",
        "deaths",
        "net_migration",
    ]
    assert components["year"].min() == 2025
    totals = result.totals_frame()
    assert totals["area"].tolist()[:2] == ["00000000", "00000001"]


def test_project_area_for_the_dashboard() -> None:
    assumptions = synthetic.assumptions(3)
    population = synthetic.population(3)[1]
    frame = pd.DataFrame(
        [
            ("00000001", sex, age, population[s, age])
            for s, sex in enumerate(("female", "male"))
            for age in range(101)
        ],
        columns=["area", "sex", "age", "population"],
    )
    result = project_area(frame, assumptions, MIDDLE, range(2024, 2035))
    assert sorted(result["year"].unique()) == list(range(2024, 2035))
    base = result[result["year"] == 2024]
    assert base["population"].sum() == pytest.approx(population.sum())
    with pytest.raises(ValueError, match="consecutive"):
        project_area(frame, assumptions, MIDDLE, [2024, 2026])
    with pytest.raises(ValueError, match="several areas"):
        project_area(frame.drop(columns="area"), assumptions, MIDDLE, range(2024, 2026))


def test_scenario_json_round_trip_and_replace(tmp_path: Path) -> None:
    path = tmp_path / "scenario.json"
    edited = dataclasses.replace(MIDDLE, name="eigene", tfr=1.8)
    save_scenario(edited, path)
    assert load_scenario(path) == edited
    assert MIDDLE.tfr == 1.55
    assert Scenario.from_json(MIDDLE.to_json()) == MIDDLE
    with pytest.raises(ValueError, match="unknown scenario fields"):
        Scenario.from_dict({"name": "x", "tfr_target": 1.4})
    with pytest.raises(ValueError, match="tfr"):
        Scenario("x", tfr=-1)


def test_targets_are_reached_linearly_and_then_held() -> None:
    scenario = Scenario("x", tfr=2.0, e0_gain=3.0, migration_change=2.0, horizon=10)
    assert scenario.tfr_at(1.5, 5) == pytest.approx(1.75)
    assert scenario.tfr_at(1.5, 20) == pytest.approx(2.0)
    assert scenario.e0_gain_at(2.5) == pytest.approx(0.75)
    assert scenario.migration_change_at(10) == pytest.approx(0.002)
    assert CONSTANT.tfr_at(1.4, 30) == 1.4


def test_block_size_and_age_groups_do_not_change_results() -> None:
    assumptions = synthetic.assumptions(7)
    population = synthetic.population(7)
    small = project_areas(population, assumptions, STANDARD_SCENARIOS, 4, chunk_areas=2)
    large = project_areas(population, assumptions, STANDARD_SCENARIOS, 4, chunk_areas=100)
    np.testing.assert_allclose(small.population, large.population, rtol=1e-13)
    np.testing.assert_allclose(small.deaths, large.deaths, rtol=1e-13)
    grouped = project_areas(population, assumptions, STANDARD_SCENARIOS, 4, age_groups=[0, 18, 65])
    assert grouped.ages == (0, 18, 65)
    np.testing.assert_allclose(grouped.population[..., 1], small.population[..., 18:65].sum(-1))
    assert set(grouped.population_frame()["age"]) == {0, 18, 65}
    with pytest.raises(ValueError, match="age_groups"):
        project_areas(population, assumptions, [MIDDLE], 1, age_groups=[5, 10])
    with pytest.raises(ValueError, match="does not match"):
        project_areas(population[:2], assumptions, [MIDDLE], 1)


def test_survival_with_death_rates_above_two_matches_life_table() -> None:
    mx = standard.reference_death_rates()
    mx[:, 90:] = 3.0
    ax = np.full(mx.shape, 0.5)
    ax[:, 0] = [andreev_kingkade_a0(mx[0, 0], "female"), andreev_kingkade_a0(mx[1, 0], "male")]
    ax[:, -1] = 1 / mx[:, -1]
    table = life_table_arrays(mx, np.ones(mx.shape[-1]), ax)
    expected = survival_from_L(table.Lx, table.Tx, table.lx, 1)
    np.testing.assert_allclose(single_year_survival(mx)[:, :-1], expected[:, :-1], atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(
    rate=st.floats(-5.0, 50.0, allow_nan=False),
    years=st.integers(1, 30),
)
def test_no_blow_ups_whatever_the_migration_rates(rate: float, years: int) -> None:
    """Any net migration rate, however absurd: migration adds at most 5 % of the base a year."""
    assumptions = synthetic.assumptions(1)
    extreme = dataclasses.replace(
        assumptions, migration_rates=np.full_like(assumptions.migration_rates, rate)
    )
    population = synthetic.population(1)
    result = project_areas(population, extreme, [CONSTANT], years, base_year=2015)
    totals = result.population[0].sum(axis=(-1, -2, -3))
    assert np.isfinite(totals).all() and (totals >= 0).all()
    # Net migration adds at most 5 % of the base a year; allow 2 % a year of natural increase.
    assert totals[-1] <= population.sum() * (1 + 0.05 * years) * 1.02**years
