"""Restricted counts to published cubes and protection problems (pure)."""

from __future__ import annotations

import pandas as pd
import pytest

from etl.errors import InputError
from etl.transform import attacker_model as attacker
from etl.transform import publication as pub
from etl.transform.hierarchy import area_edges
from etl.transform.release_frames import areas_frame

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


def _member(leaves: pd.DataFrame, grid_parent: pd.Series) -> attacker.Membership:
    keys = pd.concat([leaves["area_key"], pd.Series(grid_parent.index)]).drop_duplicates()
    no_names = pd.DataFrame({"area_key": [], "name": []})
    regions = pd.DataFrame({"region_key": [], "region_name": [], "member_key": []})
    return attacker.membership(areas_frame(keys, no_names, regions, grid_parent), regions)


def _problem(counts: pd.DataFrame) -> pub.Problem:
    leaves = pub.population_leaves(counts)
    edges = area_edges(leaves["area_key"])
    grid, grid_parent = pub.grid_leaves(counts)
    cube = pub.population_cube(leaves, edges)
    return pub.population_problem(cube, _member(cube, grid_parent), grid)


def test_problem_relations_add_up_and_grid_cells_are_parts_of_their_gemeinde() -> None:
    problem = _problem(CITY)
    values = problem.rows.set_index("cell")["value"]
    sums = problem.relations.assign(v=problem.relations["part"].map(values))
    by_relation = sums.groupby(["relation", "total"])["v"].sum().reset_index()
    assert (by_relation["v"] == by_relation["total"].map(values)).all()
    grid = problem.relations[problem.relations["relation"].str.startswith("grid:")]
    # the grid cells lie in 04021000: with the (hidden) rest they add up to its total
    assert set(grid["total"]) == {"P|04021000|total|0-"}
    assert set(grid["part"]) == {
        "P|1kmN3300E4200|total|0-",
        "P|1kmN3300E4201|total|0-",
        "X|04021000|grid-rest",
    }
    rest = problem.rows.set_index("cell").loc["X|04021000|grid-rest"]
    assert rest["value"] == 0 and rest["known"] == 1 and not rest["publish"]


def test_people_without_coordinates_are_the_hidden_grid_rest() -> None:
    partial = CITY[CITY["area_key"] != "1kmN3300E4200"]
    rest = _problem(partial).rows.set_index("cell").loc["X|04021000|grid-rest"]
    assert rest["value"] == 5 and rest["known"] == 1


def test_a_cell_delivered_by_two_gemeinden_is_not_published() -> None:
    neighbour = CITY[CITY["area_key"] == "1kmN3300E4201"].assign(municipality="04021999")
    grid, parent = pub.grid_leaves(pd.concat([CITY, neighbour], ignore_index=True))
    assert grid["area_key"].tolist() == ["1kmN3300E4200"]
    assert parent.to_dict() == {"1kmN3300E4200": "04021000"}
    later = pub.straddling_cells([CITY, neighbour])
    assert later == frozenset({"1kmN3300E4201"})
    assert pub.grid_leaves(CITY, later)[0]["area_key"].tolist() == ["1kmN3300E4200"]


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
