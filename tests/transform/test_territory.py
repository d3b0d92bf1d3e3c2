"""Area keys and the Land -> Kreis -> Gemeinde hierarchy."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etl.transform.territory import (
    LAND_NAMES,
    ars_to_ags,
    hierarchy_edges,
    kreis_key,
    land_key,
    level_of_key,
    municipalities_of,
    normalise_ags,
    parent_key,
)


def test_land_names() -> None:
    assert len(LAND_NAMES) == 16
    assert (LAND_NAMES["01"], LAND_NAMES["06"], LAND_NAMES["16"]) == (
        "Schleswig-Holstein",
        "Hessen",
        "Thüringen",
    )


@pytest.mark.parametrize(
    ("key", "level", "parent"),
    [
        ("06", "land", None),
        ("06636", "kreis", "06"),
        ("06636003", "gemeinde", "06636"),
        ("04011000-001", "ortsteil", "04011000"),
    ],
)
def test_levels_and_parents(key: str, level: str, parent: str | None) -> None:
    assert level_of_key(key) == level
    assert parent_key(key) == parent


@pytest.mark.parametrize("key", ["17", "066360031", "066360003003", "Eschwege", "6636003", ""])
def test_level_of_other_keys_is_an_error(key: str) -> None:
    with pytest.raises(ValueError, match="kein Gebietsschlüssel"):
        level_of_key(key)


@pytest.mark.parametrize(
    ("raw", "ags"),
    [
        ("06636003", "06636003"),
        (6636003, "06636003"),
        (" 6636003 ", "06636003"),
        ("6636003.0", "06636003"),
        (16063001, "16063001"),
    ],
)
def test_normalise_ags(raw: object, ags: str) -> None:
    assert normalise_ags(raw) == ags
    assert (land_key(ags), kreis_key(ags)) == (ags[:2], ags[:5])


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("066360003003", "ars_to_ags"),
        ("66360003003", "ars_to_ags"),
        ("0663600", "8 Ziffern"),
        ("17000000", "Land 17"),
        ("0663600a", "nur Ziffern"),
    ],
)
def test_normalise_ags_rejects(raw: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        normalise_ags(raw)


def test_ars_to_ags() -> None:
    assert ars_to_ags("066360003003") == "06636003"
    assert ars_to_ags("033515401001") == "03351001"
    assert ars_to_ags(33515401001) == "03351001"  # leading zero lost in a spreadsheet
    with pytest.raises(ValueError, match="kein ARS"):
        ars_to_ags("06636003")


def test_hierarchy_edges() -> None:
    edges = hierarchy_edges(["06636003", "06636001", "03351006", "6636001"])
    assert edges.values.tolist() == [
        ["03", "03351"],
        ["03351", "03351006"],
        ["06", "06636"],
        ["06636", "06636001"],
        ["06636", "06636003"],
    ]


@given(st.sets(st.from_regex(r"(0[1-9]|1[0-6])\d{6}", fullmatch=True), max_size=30))
def test_hierarchy_is_a_tree(keys: set[str]) -> None:
    edges = hierarchy_edges(keys)
    assert not edges["part"].duplicated().any()  # every part has one parent
    assert set(edges["part"]) >= keys
    for total, part in edges.itertuples(index=False):
        assert part.startswith(total)


def test_municipalities_of() -> None:
    known = ["06636001", "06636002", "06611000", "03351006"]
    assert municipalities_of("06636", known) == ["06636001", "06636002"]
    assert municipalities_of("06", known) == ["06611000", "06636001", "06636002"]
    assert municipalities_of("03351006", known) == ["03351006"]
