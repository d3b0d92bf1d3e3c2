"""Imputation of suppressed cells from published totals; rates from published events."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from etl.projection.published_inputs import (
    impute_by_parent,
    impute_households,
    impute_population,
    local_assumptions,
    reference_shape,
    single_years,
    spread_remainder,
)
from etl.projection.ungroup import GENESIS_17_BOUNDS
from etl.symbols import PUBLISHED, SUPPRESSED, ZERO

BOUNDS = list(GENESIS_17_BOUNDS)


def test_spread_remainder_keeps_the_sum_and_the_floor() -> None:
    np.testing.assert_allclose(spread_remainder(10, np.array([1.0, 1.0, 3.0])), [2.0, 2.0, 6.0])
    spread = spread_remainder(10, np.array([0.0, 1.0, 100.0]))
    assert spread.sum() == pytest.approx(10) and spread.min() == 1.0
    np.testing.assert_array_equal(spread_remainder(2, np.ones(3)), [1.0, 1.0, 1.0])


def _area(values: dict[tuple[str, int], int], hidden: set[tuple[str, int]]) -> pd.DataFrame:
    """Published rows of one area: cells, sex totals, age-group totals and the grand total."""
    rows = []
    for (sex, age_from), value in values.items():
        status = SUPPRESSED if (sex, age_from) in hidden else (ZERO if value == 0 else PUBLISHED)
        rows.append((sex, age_from, 1, None if status == SUPPRESSED else value, status))
    frame = pd.DataFrame(rows, columns=["sex", "age_from", "age_to", "value", "status"])
    truth = pd.Series(values)
    for sex in ("female", "male"):
        rows.append((sex, 0, None, int(truth.xs(sex).sum()), PUBLISHED))
    for age_from in BOUNDS:
        rows.append(("total", age_from, 1, int(truth.xs(age_from, level=1).sum()), PUBLISHED))
    rows.append(("total", 0, None, int(truth.sum()), PUBLISHED))
    frame = pd.DataFrame(rows, columns=["sex", "age_from", "age_to", "value", "status"])
    frame["age_to"] = frame["age_to"].astype("Int64")
    return frame.assign(area_key="a", year=2023, nationality="total")


def test_imputed_cells_add_up_to_the_published_totals() -> None:
    rng = np.random.default_rng(1)
    values = {(s, a): int(rng.integers(2, 40)) for s in ("female", "male") for a in BOUNDS}
    values[("female", 0)] = 0
    hidden = {("female", 3), ("male", 3), ("female", 6), ("male", 6), ("female", 75), ("male", 75)}
    cells = _area(values, hidden)
    shape = np.ones((2, len(BOUNDS)))
    imputed = impute_population(cells, shape).set_index(["sex", "age_from"])
    for key, value in values.items():  # published cells unchanged
        if key not in hidden:
            assert imputed.loc[key, "value"] == value and not imputed.loc[key, "imputed"]
    for sex in ("female", "male"):
        assert imputed.xs(sex)["value"].sum() == pytest.approx(
            sum(v for (s, _), v in values.items() if s == sex), abs=1e-6
        )
    for age_from in (3, 6, 75):
        both = imputed.xs(age_from, level=1)["value"]
        expected = values[("female", age_from)] + values[("male", age_from)]
        assert both.sum() == pytest.approx(expected, abs=1e-6)
        assert (both >= 1).all()
    assert imputed["value"].sum() == pytest.approx(sum(values.values()), abs=1e-6)


def test_imputed_cells_follow_the_reference_shape_when_free() -> None:
    values = {(s, a): 10 for s in ("female", "male") for a in BOUNDS}
    hidden = {("female", 3), ("female", 6)}
    cells = _area(values, hidden)
    cells = cells[~((cells["sex"] == "total") & cells["age_from"].isin([3, 6]))]
    shape = np.ones((2, len(BOUNDS)))
    shape[0, 1] = 3.0  # three times as many 3-5 as 6-9 year old girls
    imputed = impute_population(cells, shape).set_index(["sex", "age_from"])["value"]
    assert imputed[("female", 3)] == pytest.approx(15) and imputed[("female", 6)] == pytest.approx(
        5
    )


def test_single_years_keep_the_group_totals() -> None:
    imputed = pd.DataFrame(
        {
            "area_key": "a",
            "year": 2023,
            "sex": np.repeat(["female", "male"], 17),
            "age_from": BOUNDS * 2,
            "value": 10.0,
        }
    )
    population = single_years(imputed, ["a"], 2023)
    assert population.shape == (1, 2, 101)
    assert population[0, 0, :3].sum() == pytest.approx(10) and population.sum() == pytest.approx(
        340
    )


def test_suppressed_children_share_the_parent_remainder() -> None:
    values = pd.DataFrame(
        {
            "area_key": ["k", "g1", "g2", "g3", "l2", "h1"],
            "parent_key": [None, "k", "k", "k", None, "l2"],
            "value": [30, 20, None, None, None, None],
            "status": [PUBLISHED, PUBLISHED, SUPPRESSED, SUPPRESSED, SUPPRESSED, SUPPRESSED],
        }
    )
    weights = pd.Series(
        {"k": 3000.0, "g1": 2000.0, "g2": 300.0, "g3": 700.0, "l2": 0.0, "h1": 100.0}
    )
    out = impute_by_parent(values, weights).set_index("area_key")
    assert out.loc["g2", "value"] == pytest.approx(3.0) and out.loc["g3", "value"] == 7.0
    assert out.loc["g1", "value"] == 20 and not out.loc["g1", "imputed"]
    assert out.loc["h1", "value"] == pytest.approx(1.0)  # unknown parent: known rate 0.01 * 100


def test_households_fill_the_total_remainder() -> None:
    cells = pd.DataFrame(
        {
            "area_key": "a",
            "year": 2023,
            "size": [0, 1, 2, 3, 4, 5],
            "value": [100, 40, 30, None, None, 10],
            "status": [PUBLISHED] * 3 + [SUPPRESSED] * 2 + [PUBLISHED],
        }
    )
    out = impute_households(cells, np.array([0.4, 0.3, 0.15, 0.05, 0.1]))
    assert out["value"].tolist() == pytest.approx([40, 30, 15, 5, 10])


def test_local_assumptions_by_indirect_standardisation() -> None:
    population = np.full((2, 2, 101), 50.0)
    events = pd.DataFrame(
        {
            "area_key": ["a", "a", "b", "b", "a", "a"],
            "event": ["birth", "death", "birth", "death", "move_in", "move_out"],
            "value": [200.0, 100.0, 50.0, 100.0, 300.0, 100.0],
        }
    )
    assumptions = local_assumptions(["a", "b"], population, events, years=2)
    assert assumptions.fertility_ratio[0] > assumptions.fertility_ratio[1]
    assert assumptions.mortality_ratio[0] == pytest.approx(assumptions.mortality_ratio[1])
    net = (assumptions.migration_rates * population).sum(axis=(1, 2)) * 2
    assert net[0] == pytest.approx(200.0)


def test_reference_shape_from_published_cells() -> None:
    cells = _area({(s, a): 5 for s in ("female", "male") for a in BOUNDS}, set())
    shape = reference_shape(cells)
    assert shape.shape == (2, 17) and shape.sum() == pytest.approx(1.0)
