"""The attacker model on tiny literal tables: membership, relations, known cells, unions."""

from __future__ import annotations

import pandas as pd
import pytest

from etl.errors import InputError
from etl.privacy import audit, protect
from etl.transform import attacker_model as attacker
from etl.transform import release_union as union

AREAS = pd.DataFrame(
    {
        "area_key": ["03", "03901", "03901002", "03901002-001", "1kmN1E1", "1kmN1E2", "R-A"],
        "level": ["land", "kreis", "gemeinde", "ortsteil", "grid1km", "grid1km", "region"],
        "parent_key": ["", "03", "03901", "03901002", "03901002", "03901002", None],
    }
).replace({"": None})
REGIONS = pd.DataFrame(
    {"region_set": "S", "region_key": "R-A", "region_name": "A", "member_key": ["03901002"]}
)


def _population(values: dict[str, int], status: dict[str, str] | None = None) -> pd.DataFrame:
    """All-ages, all-sexes rows of some areas (the grid table's shape)."""
    keys = list(values)
    return pd.DataFrame(
        {
            "area_key": keys,
            "sex": "total",
            "age_from": 0,
            "age_to": pd.array([pd.NA] * len(keys), "Int64"),
            "nationality": "total",
            "value": pd.array(list(values.values()), "Int64"),
            "status": [(status or {}).get(k, "published") for k in keys],
        }
    )


def test_membership_reads_parents_grid_owners_and_regions() -> None:
    member = attacker.membership(AREAS, REGIONS)
    edges = set(member.edges.itertuples(index=False, name=None))
    assert edges == {
        ("03", "03901"),
        ("03901", "03901002"),
        ("03901002", "03901002-001"),
        ("R-A", "03901002"),
    }
    assert member.grid_parent.to_dict() == {"1kmN1E1": "03901002", "1kmN1E2": "03901002"}


def test_grid_cells_are_parts_of_their_gemeinde_with_the_hidden_rest() -> None:
    rows = _population({"03901002": 10, "1kmN1E1": 1, "1kmN1E2": 8})
    member = attacker.membership(AREAS, REGIONS)
    relations = attacker.relations("population", rows, member)
    grid = relations[relations["relation"] == "grid:P|03901002|total|0-"]
    assert set(grid["part"]) == {
        "P|1kmN1E1|total|0-",
        "P|1kmN1E2|total|0-",
        "X|03901002|grid-rest",
    }
    rest = attacker.grid_rest_values(rows, member)
    assert rest.to_dict("records") == [{"cell": "X|03901002|grid-rest", "value": 1}]


def test_more_people_in_the_grid_than_in_the_gemeinde_is_an_input_error() -> None:
    rows = _population({"03901002": 5, "1kmN1E1": 4, "1kmN1E2": 4})
    with pytest.raises(InputError, match="Rasterzellen von 03901002"):
        attacker.grid_rest_values(rows, attacker.membership(AREAS, REGIONS))


def _grid_problem() -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = _population({"03901002": 10, "1kmN1E1": 1, "1kmN1E2": 9})
    member = attacker.membership(AREAS, REGIONS)
    relations = attacker.relations("population", rows, member)
    rest = attacker.grid_rest_values(rows, member).assign(known=1)
    cells = pd.DataFrame({"cell": attacker.cell_ids("population", rows), "value": [10, 1, 9]})
    return pd.concat([cells.assign(known=0), rest], ignore_index=True), relations


def test_the_issue_attack_gemeinde_total_minus_published_grid_cells_is_caught() -> None:
    """Published total 10 and cell 9: the 1-person cell follows exactly unless more is hidden."""
    cells, relations = _grid_problem()
    naive = pd.DataFrame(
        {
            "cell": cells["cell"],
            "value": pd.array([10, pd.NA, 9, 0], "Int64"),
            "status": ["published", "primary", "published", "zero"],
        }
    )
    report = audit(cells, relations, naive)
    assert not report.safe
    assert report.unsafe["cell"].tolist() == ["P|1kmN1E1|total|0-"]
    result = protect(cells, relations)
    assert audit(cells, relations, result).safe
    assert result.set_index("cell").loc["X|03901002|grid-rest", "status"] == "zero"
    assert (result["status"] == "secondary").sum() >= 1


def test_known_cells_are_never_suppressed_and_must_be_shown() -> None:
    cells = pd.DataFrame(
        {"cell": ["T", "a", "b", "c"], "value": [12, 1, 4, 7], "known": [0, 0, 1, 0]}
    )
    relations = pd.DataFrame({"total": "T", "part": ["a", "b", "c"]})
    result = protect(cells, relations).set_index("cell")["status"]
    # without `known`, b (4) would be the cheapest partner of a; now c or T must go
    assert result["b"] == "published" and result["a"] == "primary"
    assert (result[["c", "T"]] == "secondary").any()
    hidden_known = pd.DataFrame(
        {
            "cell": ["T", "a", "b", "c"],
            "value": pd.array([12, pd.NA, pd.NA, 7], "Int64"),
            "status": ["published", "primary", "secondary", "published"],
        }
    )
    report = audit(cells, relations, hidden_known)
    assert "bekannte Zelle" in " ".join(report.unsafe["reason"])


def test_known_and_primary_together_are_refused() -> None:
    cells = pd.DataFrame({"cell": ["T", "a"], "value": [1, 1], "primary": [0, 1], "known": [0, 1]})
    relations = pd.DataFrame({"total": ["T"], "part": ["a"]})
    with pytest.raises(InputError, match="primary=1 und known=1"):
        protect(cells, relations)


def _view(release_id: str, members: list[str], value: int) -> union.PublicYear:
    regions = pd.DataFrame(
        {"region_set": "S", "region_key": "R-A", "region_name": "A", "member_key": members}
    )
    areas = pd.concat(
        [
            AREAS[AREAS["level"] != "region"],
            pd.DataFrame({"area_key": ["R-A"], "level": ["region"], "parent_key": [None]}),
        ]
    )
    rows = _population({"03901002": value, "R-A": value}, {"R-A": "suppressed"})
    tables = {"population": rows}
    return union.PublicYear(release_id, tables, regions, attacker.membership(areas, regions))


def test_a_redefined_region_is_another_area_under_a_scoped_key() -> None:
    old = _view("R0001", ["03901002", "03901003"], 10)
    scoped = union.scoped(old, _view("R0002", ["03901002"], 10).region_sets)
    assert set(scoped.tables["population"]["area_key"]) == {"03901002", "R-A@R0001"}
    assert set(scoped.member.edges["total"]) >= {"R-A@R0001"}
    same = union.scoped(old, old.region_sets)
    assert set(same.tables["population"]["area_key"]) == {"03901002", "R-A"}


def test_union_keeps_each_relation_once() -> None:
    one = pd.DataFrame({"total": "T", "part": ["a", "b"], "relation": "area:T"})
    other = pd.DataFrame({"total": "T", "part": ["a", "c"], "relation": "area:T"})
    merged = union.union_relations([one, one, other], ["neu", "R1", "R2"])
    assert sorted(merged["relation"].unique()) == ["R2/area:T", "neu/area:T"]


def test_a_changed_value_is_a_conflict_with_the_release_that_showed_it() -> None:
    old = _view("R0001", ["03901002"], 10)
    truth = pd.Series({"P|03901002|total|0-": 11, "P|R-A|total|0-": 11})
    found = union.conflicts("population", truth, [old])
    assert list(found) == ["R0001"]
    assert "P|03901002|total|0-" in found["R0001"]
    same = pd.Series({"P|03901002|total|0-": 10, "P|R-A|total|0-": 10})
    assert union.conflicts("population", same, [old]) == {}
