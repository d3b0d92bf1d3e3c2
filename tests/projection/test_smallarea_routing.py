"""Small areas are routed to Hamilton-Perry automatically, controlled to their group."""

from __future__ import annotations

import numpy as np
import pytest

from etl.projection import synthetic
from etl.projection.area import project_areas, with_age_groups
from etl.projection.scenarios import HIGH, LOW, MIDDLE
from etl.projection.smallarea import hamilton_perry_years, project_areas_routed

SCENARIOS = (LOW, MIDDLE, HIGH)


def _inputs(n: int = 6):
    population = synthetic.population(n, seed=4)
    sizes = np.array([300, 300, 300, 5000, 8000, 12000])[:n]  # three villages, three towns
    population *= sizes[:, None, None] / population.sum(axis=(1, 2), keepdims=True)
    earlier = population * 0.97
    return population, earlier, synthetic.assumptions(n, seed=4)


def test_without_earlier_population_nothing_changes() -> None:
    population, _, assumptions = _inputs()
    plain = project_areas(population, assumptions, SCENARIOS, 10)
    routed = project_areas_routed(population, assumptions, SCENARIOS, 10)
    np.testing.assert_array_equal(plain.population, routed.population)
    assert routed.routed == ()


def test_small_areas_routed_and_group_totals_kept() -> None:
    population, earlier, assumptions = _inputs()
    groups = ["A", "A", "B", "A", "B", "B"]
    plain = project_areas(population, assumptions, SCENARIOS, 12)
    routed = project_areas_routed(
        population,
        assumptions,
        SCENARIOS,
        12,
        earlier=earlier,
        step=5,
        groups=groups,
        threshold=1000,
    )
    assert routed.routed == ("00000000", "00000001", "00000002")
    # large areas untouched
    np.testing.assert_array_equal(routed.population[:, :, 3:], plain.population[:, :, 3:])
    # small areas of each group sum to the cohort-component sum, cell by cell
    for members in ([0, 1], [2]):
        np.testing.assert_allclose(
            routed.population[:, :, members].sum(axis=2),
            plain.population[:, :, members].sum(axis=2),
            rtol=1e-10,
        )
    assert not np.allclose(routed.population[:, 5, 0], plain.population[:, 5, 0])
    np.testing.assert_allclose(routed.births.sum(axis=2), plain.births.sum(axis=2), rtol=1e-10)
    np.testing.assert_array_equal(routed.population[:, 0], plain.population[:, 0])


def test_hamilton_perry_years_interpolates_between_steps() -> None:
    latest = synthetic.population(2, seed=1)
    earlier = synthetic.population(2, seed=2)
    yearly = hamilton_perry_years(earlier, latest, 5, 7)
    assert yearly.shape == (8, 2, 2, 101)
    np.testing.assert_array_equal(yearly[0], latest)
    np.testing.assert_allclose(yearly[2], 0.6 * yearly[0] + 0.4 * yearly[5], rtol=1e-12)


def test_age_groups_after_routing() -> None:
    population, earlier, assumptions = _inputs()
    grouped = project_areas_routed(
        population,
        assumptions,
        SCENARIOS,
        3,
        earlier=earlier,
        step=1,
        threshold=1000,
        age_groups=[0, 18, 65],
    )
    assert grouped.ages == (0, 18, 65)
    np.testing.assert_allclose(grouped.population.sum(-1)[1, 0], population.sum(-1))
    with pytest.raises(ValueError, match="age_groups"):
        with_age_groups(grouped, [0, 20])
    with pytest.raises(ValueError, match="groups for"):
        project_areas_routed(population, assumptions, SCENARIOS, 3, earlier=earlier, groups=["A"])
