"""Restricted counts to published cubes and protection problems (pure)."""

from __future__ import annotations

import pandas as pd
import pytest

from etl.errors import InputError
from etl.transform import publication as pub
from etl.transform.hierarchy import area_edges

COLUMNS = ["area_level", "area_key", "sex", "age", "nationality", "residence", "count"]


def _counts(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLUMNS).assign(municipality="04021000")


CITY = _counts(
    [
        ("gemeinde", "04021000", "female", 2, "de", "main", 5),
        ("gemeinde", "04021000", "female", 80, "foreign", "main", 2),
        ("gemeinde", "04021000", "male", 40, "de", "main", 4),
        ("gemeinde", "04021000", "male", 40, "de", "secondary", 9),  # not counted: second home
        ("ortsteil", "04021000-001", "female", 2, "de", "main", 5),
        ("ortsteil", "04021000-001", "male", 40, "de", "main", 3),
        ("grid1km", "1kmN3300E4200", "female", 0, "all", "main", 5),
        ("grid1km", "1kmN3300E4201", "female", 65, "all", "main", 2),
        ("grid1km", "1kmN3300E4201", "male", 18, "all", "main", 4),
    ]
)


def test_leaves_group_ages_keep_main_residence_and_add_unassigned_ortsteil() -> None:
    leaves = pub.population_leaves(CITY)
    leaves["age_to"] = leaves["age_to"].astype(object).where(leaves["age_to"].notna(), None)
    got = {
        (r.area_key, r.sex, r.age_from, r.age_to, r.nationality): r.value
        for r in leaves.itertuples()
    }
    assert got == {
        ("04021000", "female", 0, 3, "de"): 5,
        ("04021000", "female", 75, None, "foreign"): 2,
        ("04021000", "male", 40, 45, "de"): 4,
        ("04021000-001", "female", 0, 3, "de"): 5,
        ("04021000-001", "male", 40, 45, "de"): 3,
        # the register could not place one man aged 40 and the woman aged 80 in an Ortsteil
        ("04021000-000", "male", 40, 45, "de"): 1,
        ("04021000-000", "female", 75, None, "foreign"): 2,
    }


def test_ortsteile_larger_than_their_municipality_are_an_input_error() -> None:
    broken = _counts(
        [
            ("gemeinde", "04021000", "female", 2, "de", "main", 1),
            ("ortsteil", "04021000-001", "female", 2, "de", "main", 3),
        ]
    )
    with pytest.raises(InputError, match="Ortsteile von 04021000"):
        pub.population_leaves(broken)


def test_cube_is_complete_with_margins() -> None:
    leaves = pub.population_leaves(CITY)
    cube = pub.population_cube(leaves, area_edges(leaves["area_key"]))
    areas = {"04021000", "04021000-001", "04021000-000", "04021", "04"}
    assert set(cube["area_key"]) == areas
    core = cube[cube["nationality"] == "total"]
    assert len(core) == len(areas) * 3 * 18  # sexes incl. total x (17 groups + all ages)
    totals = core[(core["sex"] == "total") & core["age_to"].isna() & (core["age_from"] == 0)]
    assert totals.set_index("area_key")["value"].to_dict() == {
        "04021000": 11,
        "04021000-001": 8,
        "04021000-000": 3,
        "04021": 11,
        "04": 11,
    }
    nationality = cube[cube["nationality"] != "total"].set_index(["area_key", "nationality"])
    assert nationality.loc[("04", "de"), "value"] == 9
    assert nationality.loc[("04", "foreign"), "value"] == 2


def test_problem_relations_add_up_and_grid_is_linked_when_covered() -> None:
    leaves = pub.population_leaves(CITY)
    edges = area_edges(leaves["area_key"])
    grid, providers = pub.grid_leaves(CITY)
    problem = pub.population_problem(pub.population_cube(leaves, edges), edges, grid, providers)
    values = problem.cells.set_index("cell")["value"]
    sums = problem.relations.assign(v=problem.relations["part"].map(values))
    by_relation = sums.groupby(["relation", "total"])["v"].sum().reset_index()
    assert (by_relation["v"] == by_relation["total"].map(values)).all()
    grid_parts = set(problem.relations.loc[problem.relations["total"] == pub.GRID_TOTAL, "part"])
    # covered: 11 persons in the grid = 11 in the municipality, so the attacker knows the link
    assert "P|04021000|total|0-" in grid_parts
    assert {"G|1kmN3300E4200", "G|1kmN3300E4201"} <= grid_parts
    assert not problem.rows.loc[problem.rows["cell"] == pub.GRID_TOTAL, "publish"].item()


def test_partial_grid_total_is_an_unknown_quantity() -> None:
    partial = CITY[CITY["area_key"] != "1kmN3300E4200"]
    leaves = pub.population_leaves(partial)
    edges = area_edges(leaves["area_key"])
    grid, providers = pub.grid_leaves(partial)
    problem = pub.population_problem(pub.population_cube(leaves, edges), edges, grid, providers)
    total = problem.rows.set_index("cell").loc[pub.GRID_TOTAL]
    assert total["primary"] == 1
    parts = set(problem.relations.loc[problem.relations["total"] == pub.GRID_TOTAL, "part"])
    assert parts == {"G|1kmN3300E4201"}


def test_household_and_event_cubes() -> None:
    households = pd.DataFrame(
        {
            "area_level": ["gemeinde", "gemeinde", "ortsteil"],
            "area_key": ["04021000", "04021000", "04021000-001"],
            "size": [1, 5, 1],
            "count": [4, 1, 3],
            "municipality": "04021000",
        }
    )
    edges = area_edges(pd.Series(["04021000-001", "04021000"]))
    cube = pub.household_cube(households, edges).set_index(["area_key", "size"])["value"]
    assert cube[("04021000", 0)] == 5 and cube[("04021000-000", 1)] == 1
    assert cube[("04021000-001", 5)] == 0 and cube[("04", 0)] == 5
    events = pd.DataFrame(
        {
            "area_level": ["gemeinde"],
            "area_key": ["04021000"],
            "event": ["birth"],
            "sex": ["male"],
            "age": [31],
            "count": [2],
            "municipality": "04021000",
        }
    )
    cube = pub.event_cube(events, area_edges(pd.Series(["04021000"])))
    assert len(cube) == 3 * 4  # Gemeinde, Kreis, Land x 4 events, zeros included
    assert cube.set_index(["area_key", "event"]).loc[("04", "birth"), "value"] == 2
