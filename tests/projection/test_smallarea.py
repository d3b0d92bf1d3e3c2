"""Hamilton-Perry and control to a reference total."""

from __future__ import annotations

import numpy as np

from etl.projection import synthetic
from etl.projection.smallarea import (
    MAX_CCR,
    MAX_CWR,
    control_to_total,
    hamilton_perry,
    hamilton_perry_ratios,
    project_small_areas,
    small_areas,
)


def test_ratios_reproduce_the_later_population() -> None:
    earlier = synthetic.population(3, seed=1)
    later = synthetic.population(3, seed=2)
    ratios = hamilton_perry_ratios(earlier, later, 5)
    projected = hamilton_perry(earlier, ratios, 1)
    np.testing.assert_allclose(projected[1][..., 5:], later[..., 5:], rtol=1e-12)
    np.testing.assert_allclose(projected[1][..., :5], later[..., :5], rtol=1e-12)


def test_stationary_population_stays_put() -> None:
    population = synthetic.population(2)
    ratios = hamilton_perry_ratios(population, population, 5)
    projected = hamilton_perry(population, ratios, 3)
    np.testing.assert_allclose(projected[3], population, rtol=1e-12)


def test_empty_cohorts_use_the_reference_ratio() -> None:
    earlier = synthetic.population(2)
    earlier[0, :, 10] = 0.0
    ratios = hamilton_perry_ratios(earlier, synthetic.population(2, seed=3), 5)
    assert np.all(np.isfinite(ratios.ccr))
    assert np.all(ratios.ccr[0, :, 15] > 0)


def test_control_to_total_by_cell_and_scalar() -> None:
    projected = np.array([[1.0, 2.0], [3.0, 0.0]])
    controlled = control_to_total(projected, np.array([8.0, 4.0]))
    np.testing.assert_allclose(controlled.sum(axis=0), [8.0, 4.0])
    np.testing.assert_allclose(controlled[:, 0], [2.0, 6.0])
    scaled = control_to_total(projected, 12.0)
    assert scaled.sum() == 12.0
    zero = control_to_total(np.zeros((2, 2)), np.array([1.0, 1.0]))
    np.testing.assert_array_equal(zero, 0.0)


def test_small_areas_are_projected_and_controlled() -> None:
    earlier = synthetic.population(4, seed=1)
    later = synthetic.population(4, seed=2)
    mask = small_areas(later, 2000)
    assert mask.dtype == bool and mask.shape == (4,)
    control = np.stack([later.sum(0) * (1 + 0.01 * k) for k in range(3)])
    projected = project_small_areas(earlier, later, 5, 2, control)
    np.testing.assert_allclose(projected[0], later)
    np.testing.assert_allclose(projected[2].sum(0), control[2], rtol=1e-12)
    uncontrolled = project_small_areas(earlier, later, 5, 2)
    np.testing.assert_allclose(
        uncontrolled[1], hamilton_perry(later, hamilton_perry_ratios(earlier, later, 5), 1)[1]
    )


def test_ratios_of_tiny_cohorts_are_bounded() -> None:
    """A cohort of 1 that became 20 must not multiply every later cohort by 20 each step."""
    earlier = synthetic.population(1)
    later = earlier.copy()
    earlier[0, :, 10] = 1.0
    later[0, :, 15] = 20.0
    ratios = hamilton_perry_ratios(earlier, later, 5)
    assert ratios.ccr.max() <= MAX_CCR
    assert ratios.cwr.max() <= MAX_CWR
    projected = hamilton_perry(later, ratios, 6)
    assert projected[-1].sum() < 3 * later.sum()
