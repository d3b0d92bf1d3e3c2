"""Households from membership and headship rates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from etl.projection.households import (
    household_rates,
    households_by_size,
    persons_by_household_size,
    project_households,
)

# Two age groups (0-17, 18+), women only live alone or in couples; men in couples.
CENSUS = pd.DataFrame(
    [
        ("female", 0, 3, 10, 0),
        ("male", 0, 3, 10, 0),
        ("female", 18, 1, 20, 20),
        ("female", 18, 2, 30, 15),
        ("female", 18, 3, 10, 0),
        ("male", 18, 2, 30, 15),
        ("male", 18, 3, 10, 10),
    ],
    columns=["sex", "age", "size", "persons", "heads"],
)
POPULATION = pd.DataFrame(
    [("female", 0, 10), ("male", 0, 10), ("female", 30, 60), ("male", 30, 40)],
    columns=["sex", "age", "population"],
)


def test_rates_reproduce_the_census_households() -> None:
    rates = household_rates(CENSUS, POPULATION)
    assert rates.age_bounds == (0, 18)
    assert rates.headship[0, 1, 0] == pytest.approx(20 / 60)
    population = np.zeros((2, 40))
    population[:, :18] = 10 / 18
    population[0, 18:] = 60 / 22
    population[1, 18:] = 40 / 22
    np.testing.assert_allclose(households_by_size(population, rates), [20, 30, 10, 0, 0])
    persons = persons_by_household_size(population, rates)
    np.testing.assert_allclose(persons, [20, 60, 40, 0, 0])
    assert persons.sum() == pytest.approx(population.sum())


def test_project_households_per_year() -> None:
    rates = household_rates(CENSUS, POPULATION)
    projected = pd.concat(
        [
            POPULATION.assign(year=2030),
            POPULATION.assign(year=2031, population=lambda f: f.population * 2),
        ]
    )
    result = project_households(projected, rates)
    assert list(result.columns) == ["year", "size", "households", "persons"]
    by_year = result.groupby("year")["households"].sum()
    assert by_year[2030] == pytest.approx(60)
    assert by_year[2031] == pytest.approx(120)


def test_unknown_sizes_are_refused() -> None:
    with pytest.raises(ValueError, match=r"1\.\.5"):
        household_rates(CENSUS.assign(size=6), POPULATION)
