"""Minimum population of an Ortsteil published on its own: a pure function over the counts."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.transform.subareas import fold_small_subareas, small_subareas

COLUMNS = ["area_level", "area_key", "residence", "count"]


@dataclass(frozen=True)
class Year:
    population: pd.DataFrame
    households: pd.DataFrame
    events: pd.DataFrame


def year(ortsteile: dict[str, int], gemeinde: int, secondary: int = 0) -> Year:
    rows = [("gemeinde", "03901001", "main", gemeinde)]
    rows += [("ortsteil", key, "main", n) for key, n in ortsteile.items()]
    if secondary:
        rows.append(("ortsteil", "03901001-001", "secondary", secondary))
    population = pd.DataFrame(rows, columns=COLUMNS)
    households = pd.DataFrame(
        [("ortsteil", key, 1, 1) for key in [*ortsteile, "03901001-009"]],
        columns=["area_level", "area_key", "size", "count"],
    )
    events = pd.DataFrame(
        [("ortsteil", key, "birth", 1) for key in ortsteile],
        columns=["area_level", "area_key", "event", "count"],
    )
    return Year(population, households, events)


@pytest.mark.parametrize(
    ("ortsteile", "gemeinde", "small"),
    [
        # all large, nothing unassigned: nothing folds
        ({"03901001-001": 500, "03901001-002": 300}, 800, set()),
        # one small Ortsteil joins the remainder, which reaches 100 with the 30 unassigned
        ({"03901001-001": 500, "03901001-002": 80}, 610, {"03901001-002"}),
        # the remainder (80 + 5) is still below 100: the smallest large one joins it too
        (
            {"03901001-001": 500, "03901001-002": 300, "03901001-003": 80},
            885,
            {"03901001-002", "03901001-003"},
        ),
        # nothing but the remainder would be left: no Ortsteile at all
        ({"03901001-001": 500, "03901001-002": 80}, 585, {"03901001-001", "03901001-002"}),
        # secondary residences do not count towards the minimum
        ({"03901001-001": 99, "03901001-002": 900}, 999, {"03901001-001", "03901001-002"}),
    ],
)
def test_small_ortsteile(ortsteile, gemeinde, small):
    data = year(ortsteile, gemeinde, secondary=50)
    keys = data.population.loc[data.population["area_level"] == "ortsteil", "area_key"]
    assert small_subareas(data.population, keys, 100) == small


def test_folding_drops_their_rows_in_every_table_and_keeps_the_gemeinde():
    data = year({"03901001-001": 500, "03901001-002": 80}, 610)
    folded = fold_small_subareas(data, 100)
    for table in (folded.population, folded.households, folded.events):
        assert "03901001-002" not in set(table["area_key"])
    # an Ortsteil with households but no residents is below any minimum
    assert "03901001-009" not in set(folded.households["area_key"])
    assert folded.population["count"].sum() == 610 + 500
    assert data.population["count"].sum() == 610 + 500 + 80  # input unchanged


def test_nothing_to_fold_returns_the_input():
    data = year({"03901001-001": 500}, 500)
    data = Year(data.population, data.households.iloc[:1], data.events)
    assert fold_small_subareas(data, 100) is data
    empty = Year(data.population.iloc[:1], data.households.iloc[:0], data.events.iloc[:0])
    assert fold_small_subareas(empty, 100) is empty


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 400), min_size=1, max_size=6),
    unassigned=st.integers(0, 300),
    minimum=st.integers(1, 300),
)
def test_every_published_subarea_and_the_remainder_reach_the_minimum(sizes, unassigned, minimum):
    ortsteile = {f"03901001-{i + 1:03d}": n for i, n in enumerate(sizes)}
    data = year(ortsteile, sum(sizes) + unassigned)
    keys = pd.Series(list(ortsteile))
    small = small_subareas(data.population, keys, minimum)
    kept = {k: n for k, n in ortsteile.items() if k not in small}
    remainder = sum(sizes) + unassigned - sum(kept.values())
    if kept:
        assert min(kept.values()) >= minimum
        assert remainder == 0 or remainder >= minimum
    else:
        assert small == set(ortsteile)
