"""Cohort-component step: the Preston reference and invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from etl.projection.engine import (
    GrossMigration,
    MigrationRates,
    NetMigration,
    StepInputs,
    project,
    project_step,
)

from . import preston


def _female_only(population: np.ndarray) -> np.ndarray:
    both = np.zeros((1, 2, population.size))
    both[0, 0] = population
    return both


def test_preston_box_6_2_sweden_1993_to_1998() -> None:
    survival = np.stack([preston.survival(), preston.survival()])[None]
    net = _female_only(preston.NET_MIGRATION)
    inputs = StepInputs(survival, preston.ASFR[None], NetMigration(net))
    result = project_step(
        _female_only(preston.POPULATION_1993), inputs, step=5, srb=1.05, timing="even"
    )
    np.testing.assert_array_equal(np.round(result.population[0, 0]), preston.EXPECTED_1998)
    assert result.births.sum() == pytest.approx(preston.EXPECTED_BIRTHS, abs=0.005)
    assert result.births[0, 0] == pytest.approx(preston.EXPECTED_BIRTHS / 2.05)


def test_end_timing_adds_all_migrants_after_survival() -> None:
    population = np.array([[[100.0, 100.0, 50.0], [0.0, 0.0, 0.0]]])
    survival = np.full((1, 2, 3), 0.5)
    net = np.array([[[10.0, 20.0, 30.0], [0.0, 0.0, 0.0]]])
    inputs = StepInputs(survival, np.zeros((1, 3)), NetMigration(net))
    result = project_step(population, inputs, step=1, timing="end")
    np.testing.assert_allclose(result.population[0, 0], [10.0, 70.0, 105.0])
    assert result.deaths[0, 0] == pytest.approx(125.0)


def test_negative_cells_are_floored_and_reported() -> None:
    population = np.array([[[10.0, 10.0], [10.0, 10.0]]])
    net = np.array([[[0.0, -50.0], [0.0, 0.0]]])
    inputs = StepInputs(np.ones((1, 2, 2)), np.zeros((1, 2)), NetMigration(net))
    result = project_step(population, inputs, step=1, timing="end")
    assert result.population.min() == 0.0
    assert result.floored[0, 0] == pytest.approx(30.0)
    assert result.net_migration[0, 0] == pytest.approx(-20.0)


def test_unknown_timing_is_refused() -> None:
    inputs = StepInputs(np.ones((1, 2, 2)), np.zeros((1, 2)), NetMigration(np.zeros((1, 2, 2))))
    with pytest.raises(ValueError, match="timing"):
        project_step(np.ones((1, 2, 2)), inputs, step=1, timing="middle")  # type: ignore[arg-type]


counts = arrays(float, (3, 2, 6), elements=st.floats(0, 1e5))
rates = arrays(float, (1, 2, 6), elements=st.floats(0, 1))
fertility = arrays(float, (1, 6), elements=st.floats(0, 0.2))
# Non-negative rates: with out-migration a cell can be floored at zero, which is not linear.
migration_rates = arrays(float, (1, 2, 6), elements=st.floats(0, 0.05))


@given(counts)
def test_no_mortality_fertility_or_migration_ages_population_by_one_step(population) -> None:
    inputs = StepInputs(np.ones((1, 2, 6)), np.zeros((1, 6)), NetMigration(np.zeros((3, 2, 6))))
    result = project_step(population, inputs, step=5)
    np.testing.assert_allclose(result.population[..., 1:-1], population[..., :-2])
    np.testing.assert_allclose(result.population[..., -1], population[..., -2:].sum(-1))
    assert np.all(result.population[..., 0] == 0)


@given(arrays(float, (2, 6), elements=st.floats(0, 1e5)), rates, fertility)
def test_identical_sexes_with_srb_one_give_identical_results(half, survival, f) -> None:
    population = np.stack([half, half], axis=1)
    same_survival = np.stack([survival[:, 0], survival[:, 0]], axis=1)
    net = np.stack([half / 10, half / 10], axis=1)
    inputs = StepInputs(same_survival, f, NetMigration(net))
    result = project(population, [inputs] * 3, steps=3, step=5, srb=1.0)
    np.testing.assert_allclose(result.population[:, :, 0], result.population[:, :, 1])


@settings(max_examples=60)
@given(
    counts,
    rates,
    fertility,
    arrays(float, (3, 2, 6), elements=st.floats(-500, 500)),
    st.sampled_from(["even", "end"]),
)
def test_balancing_equation_holds_every_step_area_and_sex(population, s, f, net, timing) -> None:
    inputs = StepInputs(s, f, NetMigration(net))
    result = project(population, [inputs] * 4, steps=4, step=5, timing=timing)
    totals = result.population.sum(axis=-1)
    change = totals[1:] - totals[:-1]
    balance = result.births - result.deaths + result.net_migration
    np.testing.assert_allclose(change, balance, rtol=1e-9, atol=1e-6)


@given(counts, rates, fertility, migration_rates)
def test_projecting_sum_of_areas_equals_sum_of_projections(population, s, f, m) -> None:
    inputs = StepInputs(s, f, MigrationRates(m))
    separate = project(population[:2], [inputs] * 3, steps=3, step=5)
    summed = project(population[:2].sum(0, keepdims=True), [inputs] * 3, steps=3, step=5)
    np.testing.assert_allclose(
        separate.population.sum(axis=1), summed.population[:, 0], rtol=1e-9, atol=1e-6
    )


def test_gross_migration_spreads_arrivals_by_profile() -> None:
    population = np.full((1, 2, 2), 100.0)
    profile = np.array([[[0.25, 0.25], [0.25, 0.25]]])
    gross = GrossMigration(np.full((1, 2, 2), 0.1), np.array([40.0]), profile)
    np.testing.assert_allclose(gross.counts(population, 1), np.full((1, 2, 2), 0.0))
    np.testing.assert_allclose(gross.counts(population, 2), np.full((1, 2, 2), 0.0))
    arrivals_only = GrossMigration(np.zeros((1, 2, 2)), np.array([40.0]), profile)
    np.testing.assert_allclose(arrivals_only.counts(population, 5), np.full((1, 2, 2), 50.0))


def test_callable_inputs_see_the_current_population() -> None:
    seen: list[float] = []

    def inputs(k: int, current: np.ndarray) -> StepInputs:
        seen.append(float(current.sum()))
        return StepInputs(np.ones((1, 2, 2)), np.zeros((1, 2)), NetMigration(np.ones((1, 2, 2))))

    project(np.zeros((1, 2, 2)), inputs, steps=2, step=1, timing="end")
    assert seen == [0.0, 4.0]
