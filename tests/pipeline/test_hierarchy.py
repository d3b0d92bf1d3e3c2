"""Area keys, edges and aggregation up the hierarchy."""

from __future__ import annotations

import pandas as pd
import pytest

from etl.transform.hierarchy import aggregate_up, area_edges, level_of, parent_of


@pytest.mark.parametrize(
    ("key", "level", "parent"),
    [
        ("04021000-003", "ortsteil", "04021000"),
        ("04021000", "gemeinde", "04021"),
        ("04021", "kreis", "04"),
        ("04", "land", None),
        ("R-verbund", "region", None),
        ("1kmN3300E4200", "grid1km", None),
    ],
)
def test_levels_and_parents(key: str, level: str, parent: str | None) -> None:
    assert level_of(key) == level
    assert parent_of(key) == parent


def test_bad_key_is_refused() -> None:
    with pytest.raises(ValueError, match="not an area key"):
        level_of("0390")


def test_edges_reach_the_land_and_include_regions() -> None:
    regions = pd.DataFrame({"region_key": ["R-a", "R-a"], "member_key": ["04021000", "03901001"]})
    edges = area_edges(pd.Series(["04021000-001", "03901001", "03901002"]), regions)
    assert set(map(tuple, edges.to_numpy())) == {
        ("04021000", "04021000-001"),
        ("04021", "04021000"),
        ("04", "04021"),
        ("03901", "03901001"),
        ("03901", "03901002"),
        ("03", "03901"),
        ("R-a", "04021000"),
        ("R-a", "03901001"),
    }


def test_aggregate_up_sums_levels_and_keeps_given_totals() -> None:
    leaves = pd.DataFrame(
        {
            "area_key": ["03901001", "03901002", "04021000", "04021000-001"],
            "sex": ["female"] * 4,
            "value": [10, 5, 7, 7],
        }
    )
    edges = area_edges(leaves["area_key"])
    result = aggregate_up(leaves, edges).set_index("area_key")["value"]
    expected = {
        "03901001": 10,
        "03901002": 5,
        "03901": 15,
        "03": 15,
        "04021000": 7,
        "04021000-001": 7,
        "04021": 7,
        "04": 7,
    }
    assert result.to_dict() == expected


def test_incomplete_totals_are_left_out() -> None:
    leaves = pd.DataFrame({"area_key": ["03901001"], "value": [10]})
    edges = area_edges(pd.Series(["03901001", "03901002"]))  # 03901002 sent nothing
    result = aggregate_up(leaves, edges)
    assert set(result["area_key"]) == {"03901001"}
