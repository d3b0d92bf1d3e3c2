"""Custom regions: sums of published cells, bounds where a member cell is suppressed."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dashboard.regions import cell_intervals, region_figures
from etl.symbols import NOT_AVAILABLE, PUBLISHED, SUPPRESSED

AREAS = pd.DataFrame(
    [
        ("03", "land", "Land 03", None, None, "03"),
        ("04", "land", "Stadtstaat", None, None, "04"),
        ("03901", "kreis", "Kreis", "03", "03901", "03"),
        ("03901001", "gemeinde", "G1", "03901", "03901", "03"),
        ("03901002", "gemeinde", "G2", "03901", "03901", "03"),
        ("03901003", "gemeinde", "G3", "03901", "03901", "03"),
        ("04021000", "gemeinde", "Stadt", "04", None, "04"),
    ],
    columns=["area_key", "level", "name", "parent_key", "kreis_key", "land_key"],
)


def totals(values: dict[str, int | None]) -> pd.DataFrame:
    """All-ages population cells; None = suppressed."""
    frame = pd.DataFrame(
        {
            "area_key": list(values),
            "sex": "total",
            "age_from": 0,
            "age_to": pd.array([pd.NA] * len(values), dtype="Int64"),
            "nationality": "total",
            "value": pd.array(list(values.values()), dtype="Int64"),
        }
    )
    status = [PUBLISHED if v is not None else SUPPRESSED for v in values.values()]
    return frame.assign(status=status)


def empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(columns=["area_key", *columns, "value", "status"])


def figures_for(population: pd.DataFrame, members: list[str]) -> pd.DataFrame:
    tables = {"population": population, "households": empty(["size"]), "events": empty(["event"])}
    return region_figures(tables, AREAS, members).set_index("measure")


def test_all_published_gives_exact_sum_across_land_border() -> None:
    cells = totals(
        {"03901": 180, "03901001": 100, "03901002": 30, "03901003": 50, "04021000": 400, "04": 400}
    )
    out = figures_for(cells, ["03901001", "04021000"])
    assert out.loc["population", "status"] == PUBLISHED
    assert out.loc["population", "value"] == 500


def test_suppressed_member_gives_interval_from_kreis_total() -> None:
    cells = totals(
        {"03901": 152, "03901001": 100, "03901002": None, "03901003": 50, "04021000": 30, "04": 30}
    )
    out = figures_for(cells, ["03901001", "03901002", "04021000"])
    row = out.loc["population"]
    assert row["status"] == SUPPRESSED and math.isnan(row["value"])
    # G2 is >= 1 and <= 152 - (100 + 50) = 2
    assert (row["lower"], row["upper"]) == (131, 132)


def test_suppressed_sibling_outside_the_region_loosens_the_bound() -> None:
    cells = totals(
        {
            "03901": 152,
            "03901001": 100,
            "03901002": None,
            "03901003": None,
            "04021000": 30,
            "04": 30,
        }
    )
    row = figures_for(cells, ["03901001", "03901002"]).loc["population"]
    # room for G2 = 152 - 100 - 1 (G3 is at least 1) = 51
    assert (row["lower"], row["upper"]) == (101, 151)


def test_without_published_parent_total_only_a_lower_bound() -> None:
    cells = totals({"03901": None, "03901001": 100, "03901002": None, "03901003": 50})
    row = figures_for(cells, ["03901001", "03901002"]).loc["population"]
    assert row["lower"] == 101 and math.isnan(row["upper"])


def test_missing_cells_are_not_available_and_intervals_per_cell() -> None:
    cells = totals({"03901001": 100})
    out = figures_for(cells, ["03901001", "03901002"])
    assert out.loc["households", "status"] == NOT_AVAILABLE
    intervals = cell_intervals(
        cells, ["sex", "age_from", "age_to", "nationality"], AREAS, ["03901001"]
    )
    assert intervals["lo"].tolist() == [100]
    assert out.loc["population", "lower"] == pytest.approx(100)
