"""Households by size (1..5+) from a projected population.

Headship-rate method: households of size k = sum over sex and age of population
times the share of persons who head a household of size k. Membership rates
(share of persons living in households of size k) give the persons by household
size; both come from a census or microcensus table with the columns
`sex, age, size, persons, heads` (age = lower bound of the age group, size 1..5,
5 meaning 5 or more) and the population `sex, age, population` of the same date.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from etl.projection.engine import SEXES

SIZES = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class HouseholdRates:
    """Rates by sex, age group and household size (sex, age groups, 5)."""

    age_bounds: tuple[int, ...]
    membership: np.ndarray
    headship: np.ndarray

    def by_single_year(self, ages: int) -> tuple[np.ndarray, np.ndarray]:
        """Rates expanded to single years 0..ages-1: (sex, age, size) each."""
        group = np.searchsorted(np.asarray(self.age_bounds), np.arange(ages), side="right") - 1
        return self.membership[:, group], self.headship[:, group]


def _cube(frame: pd.DataFrame, value: str, bounds: list[int]) -> np.ndarray:
    index = pd.MultiIndex.from_product([SEXES, bounds, SIZES])
    keyed = frame.groupby(["sex", "age", "size"])[value].sum()
    return keyed.reindex(index, fill_value=0.0).to_numpy(float).reshape(2, len(bounds), 5)


def household_rates(census: pd.DataFrame, population: pd.DataFrame) -> HouseholdRates:
    """Membership and headship rates from census counts and the population by age group."""
    unknown = sorted(set(census["size"]) - set(SIZES))
    if unknown:
        raise ValueError(f"household sizes must be 1..5 (5 = five or more), got {unknown}")
    bounds = sorted(int(a) for a in census["age"].unique())
    persons, heads = _cube(census, "persons", bounds), _cube(census, "heads", bounds)
    grouped = population.assign(
        age=np.asarray(bounds)[np.searchsorted(bounds, population["age"], side="right") - 1]
    )
    keyed = grouped.groupby(["sex", "age"])["population"].sum()
    totals = keyed.reindex(pd.MultiIndex.from_product([SEXES, bounds]), fill_value=0.0)
    base = totals.to_numpy(float).reshape(2, len(bounds), 1)
    membership = np.divide(persons, base, out=np.zeros_like(persons), where=base > 0)
    headship = np.divide(heads, base, out=np.zeros_like(heads), where=base > 0)
    return HouseholdRates(tuple(bounds), membership, headship)


def households_by_size(population: np.ndarray, rates: HouseholdRates) -> np.ndarray:
    """Households (..., 5) from a population (..., sex, single ages)."""
    _, headship = rates.by_single_year(population.shape[-1])
    return np.einsum("...sa,sak->...k", population, headship)


def persons_by_household_size(population: np.ndarray, rates: HouseholdRates) -> np.ndarray:
    """Persons living in households of each size (..., 5)."""
    membership, _ = rates.by_single_year(population.shape[-1])
    return np.einsum("...sa,sak->...k", population, membership)


def project_households(projected: pd.DataFrame, rates: HouseholdRates) -> pd.DataFrame:
    """Households by size per year from `year, sex, age, population` (other keys kept).

    Returns the key columns (all columns except sex, age, population) plus size,
    households and persons.
    """
    keys = [c for c in projected.columns if c not in ("sex", "age", "population")]
    ages = int(projected["age"].max()) + 1
    membership, headship = rates.by_single_year(ages)
    sex = (projected["sex"] == "male").to_numpy().astype(int)
    age = projected["age"].to_numpy(int)
    values = projected["population"].to_numpy(float)[:, None]
    rows = pd.DataFrame(values * headship[sex, age], columns=list(SIZES))
    people = pd.DataFrame(values * membership[sex, age], columns=list(SIZES))
    rows[keys] = projected[keys].to_numpy()
    people[keys] = projected[keys].to_numpy()
    households = rows.groupby(keys).sum().stack().rename("households")
    persons = people.groupby(keys).sum().stack().rename("persons")
    result = pd.concat([households, persons], axis=1).reset_index()
    return result.rename(columns={f"level_{len(keys)}": "size"})
