"""Registered Ortsteile and grid cells inside the municipality, as pure checks on a scope."""

from __future__ import annotations

import datetime as dt

import pytest
import shapely
from shapely.geometry import box

from etl.errors import InputError
from etl.testing import tiny_bundle
from etl.uploads.territory import UploadScope, cell_boxes, check_territory, load_scope
from etl.uploads.testing import grid_cell_of, with_rows

from .stores import AGS, REGISTERED, SIZE, SOUTH, WEST

DATE = dt.date(2023, 12, 31)
SQUARE = shapely.to_wkb(box(WEST, SOUTH, WEST + SIZE, SOUTH + SIZE), hex=True)
SCOPE = UploadScope(AGS, frozenset(f"{AGS}-{c}" for c in REGISTERED), SQUARE)


def with_cell(bundle, cell: str, level: str = "grid1km"):
    return with_rows(bundle, "population", [(level, cell, "female", 18, "all", "main", 1)])


def test_cell_boxes_are_the_inspire_squares():
    import pandas as pd

    [square] = cell_boxes(pd.Series(["1kmN3334E4241"]), "grid1km")
    assert square.bounds == (4_241_000, 3_334_000, 4_242_000, 3_335_000)
    [small] = cell_boxes(pd.Series(["100mN33346E42410"]), "grid100m")
    assert small.bounds == (4_241_000, 3_334_600, 4_241_100, 3_334_700)


def test_registered_ortsteile_and_inner_cells_pass():
    bundle = tiny_bundle(AGS, DATE, scale=3, ortsteile=REGISTERED, seed=1)
    bundle = with_cell(bundle, grid_cell_of(WEST + 100, SOUTH + 100))
    bundle = with_cell(bundle, grid_cell_of(WEST + 4_900, SOUTH + 4_900, "grid100m"), "grid100m")
    assert check_territory(bundle, SCOPE, 1) == []


def test_a_cell_just_across_the_border_is_refused():
    bundle = with_cell(tiny_bundle(AGS, DATE, scale=3, seed=2), grid_cell_of(WEST - 1_500, SOUTH))
    line = len(bundle.population) + 1
    with pytest.raises(
        InputError, match=rf"population, Zeile {line}, Spalte 'area_key': Rasterzelle '1km"
    ):
        check_territory(bundle, SCOPE, 1)


def test_an_unregistered_key_names_the_registered_ones():
    bundle = tiny_bundle(AGS, DATE, scale=3, ortsteile=("001", "004"), seed=3)
    with pytest.raises(
        InputError,
        match=r"'03901001-004' ist für die Gemeinde 03901001 nicht registriert \(registriert: "
        r"03901001-001, 03901001-002, 03901001-003\)",
    ):
        check_territory(bundle, SCOPE, 1)
    empty = UploadScope(AGS, frozenset(), SQUARE)
    with pytest.raises(InputError, match="keine Ortsteile registriert"):
        check_territory(bundle, empty, 1)


def test_findings_without_boundary_and_for_small_ortsteile():
    bundle = with_cell(tiny_bundle(AGS, DATE, scale=3, ortsteile=REGISTERED[:1], seed=4), "1kmN1E1")
    findings = check_territory(bundle, UploadScope(AGS, SCOPE.registered, None), 100_000)
    assert [(f.check, f.level) for f in findings] == [
        ("grid-boundary", "warning"),
        ("subareas-small", "info"),
    ]
    assert "keine Gemeindegrenze importiert" in findings[0].explanation


def test_load_scope_reads_registry_and_boundary(prepared):
    from etl.store.engine import restricted_engine

    scope = load_scope(restricted_engine(prepared), AGS)
    assert scope.registered == SCOPE.registered
    assert shapely.from_wkb(scope.boundary_wkb).equals(shapely.from_wkb(SQUARE))
    assert load_scope(restricted_engine(prepared), "03901002").boundary_wkb is None


def test_load_scopes_reads_every_municipality_once_and_agrees_with_load_scope(prepared):
    from etl.store.engine import restricted_engine
    from etl.uploads.territory import load_scopes

    engine = restricted_engine(prepared)
    scopes = load_scopes(engine, {AGS, "03901002"})
    assert scopes == {key: load_scope(engine, key) for key in (AGS, "03901002")}
    assert scopes[AGS].registered == SCOPE.registered
    assert scopes["03901002"] == UploadScope("03901002", frozenset(), None)
