"""cube_relations: exact relations of a small cube with overlapping area groupings."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from etl.privacy import cube_relations

AREA = pd.DataFrame({"total": ["K", "K", "R", "R"], "part": ["g1", "g2", "g2", "g3"]})
SEX = pd.DataFrame({"total": ["T", "T"], "part": ["f", "m"]})


def keys(areas: list[str], sexes: list[str]) -> pd.DataFrame:
    return pd.DataFrame(list(itertools.product(areas, sexes)), columns=["area", "sex"])


def as_set(relations: pd.DataFrame) -> set[tuple[str, str, str]]:
    return set(relations[["relation", "total", "part"]].itertuples(index=False, name=None))


def test_every_complete_relation_of_each_dimension() -> None:
    # R (g2 + g3) overlaps K (g1 + g2); g3 exists, so both regions are complete.
    cells = keys(["K", "R", "g1", "g2", "g3"], ["T", "f", "m"])
    relations = cube_relations(cells, {"area": AREA, "sex": SEX})
    expected = set()
    for sex in ("T", "f", "m"):
        expected |= {
            (f"area:K|{sex}", f"K|{sex}", f"g1|{sex}"),
            (f"area:K|{sex}", f"K|{sex}", f"g2|{sex}"),
            (f"area:R|{sex}", f"R|{sex}", f"g2|{sex}"),
            (f"area:R|{sex}", f"R|{sex}", f"g3|{sex}"),
        }
    for area in ("K", "R", "g1", "g2", "g3"):
        expected |= {
            (f"sex:{area}|T", f"{area}|T", f"{area}|f"),
            (f"sex:{area}|T", f"{area}|T", f"{area}|m"),
        }
    assert as_set(relations) == expected
    assert list(relations.columns) == ["total", "part", "relation"]
    assert len(relations) == len(expected)


def test_partial_relations_are_skipped() -> None:
    # g3|m is missing: R|m = g2|m + g3|m is incomplete, and g3 has no sex relation.
    cells = pd.concat(
        [
            keys(["K", "R", "g1", "g2"], ["T", "f", "m"]),
            pd.DataFrame({"area": ["g3", "g3"], "sex": ["T", "f"]}),
        ]
    )
    relations = cube_relations(cells, {"area": AREA, "sex": SEX})
    totals = set(relations["relation"])
    assert "area:R|m" not in totals
    assert {"area:R|T", "area:R|f", "area:K|m"} <= totals
    assert "sex:g3|T" not in totals
    # the total itself must exist as well
    without_total = cube_relations(keys(["g1", "g2"], ["f", "m"]), {"area": AREA, "sex": SEX})
    assert without_total.empty


def test_custom_cell_id_and_string_keys_keep_leading_zeros() -> None:
    cells = pd.DataFrame({"area": ["01", "01001", "01002"], "sex": ["T", "T", "T"]})
    edges = pd.DataFrame({"total": ["01", "01"], "part": ["01001", "01002"]})
    relations = cube_relations(cells, {"area": edges}, cell_id=lambda key: "P:" + "/".join(key))
    assert as_set(relations) == {
        ("area:P:01/T", "P:01/T", "P:01001/T"),
        ("area:P:01/T", "P:01/T", "P:01002/T"),
    }


def test_unknown_dimension_is_refused() -> None:
    with pytest.raises(ValueError, match="no columns of cell_keys"):
        cube_relations(keys(["g1"], ["T"]), {"age": SEX})


def test_large_cube_is_vectorised() -> None:
    areas = [f"{n:05d}" for n in range(2000)] + ["K"]
    edges = pd.DataFrame({"total": "K", "part": areas[:-1]})
    cells = keys(areas, ["T", "f", "m"])
    relations = cube_relations(cells, {"area": edges, "sex": SEX})
    assert len(relations) == 3 * 2000 + 2001 * 2
