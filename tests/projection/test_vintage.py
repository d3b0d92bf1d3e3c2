"""Official vintages: rounding, the 5,000 threshold, broad groups, the command end to end."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from etl.cli import main
from etl.config import Settings
from etl.errors import DisclosureError
from etl.projection.area import AreaProjection
from etl.projection.vintage import (
    base_period_for,
    broad_group_frame,
    eligible_areas,
    hierarchy_members,
    round_cells,
    vintage_frame,
)
from etl.store.engine import publisher_engine
from etl.store.published import check_vintage, list_vintages, read_projection
from etl.testing import tiny_restricted_store


def test_each_cell_is_rounded_on_its_own() -> None:
    cells = pd.DataFrame({"value": [4.9, 5.0, 14.99, 15.0, 1234.4, 0.0]})
    assert round_cells(cells, 10)["value"].tolist() == [0, 10, 10, 20, 1230, 0]
    with pytest.raises(ValueError, match="rounding must be >= 1"):
        round_cells(cells, 0)


def test_rounded_parts_need_not_add_up_to_the_rounded_total() -> None:
    parts = pd.DataFrame({"value": [14.0, 14.0, 14.0]})
    total = pd.DataFrame({"value": [42.0]})
    assert round_cells(parts, 10)["value"].sum() == 30
    assert round_cells(total, 10)["value"].iloc[0] == 40


def test_threshold_and_no_small_remainder() -> None:
    totals = {
        "03901001": 6000.0,
        "03901002": 300.0,
        "03902001": 5200.0,
        "03902002": 5100.0,
        "03903001": 4000.0,
        "03903002": 2000.0,
    }
    members = hierarchy_members(list(totals))
    kept = eligible_areas(totals, members, 5000)
    # 03901 minus its one large municipality would reveal the village of 300, and so would
    # Land 03 minus its kept parts (03901001, 03902, 03903)
    assert kept == {"03901001", "03902001", "03902002", "03902", "03903"}
    larger = {**totals, "03901004": 4990.0}  # 03901 now leaves 5,290: a large enough rest
    members = hierarchy_members(list(larger))
    assert eligible_areas(larger, members, 5000) == kept | {"03901", "03"}


def test_regions_are_sums_of_members() -> None:
    regions = pd.DataFrame({"region_key": ["R-x", "R-x"], "member_key": ["03901001", "04021000"]})
    members = hierarchy_members(["03901001", "04021000"], regions)
    assert set(members.loc[members["level"] == "region", "member_key"]) == {"03901001", "04021000"}
    assert set(members["area_key"]) == {"03901", "03", "04021", "04", "R-x"}


def _projection(values: np.ndarray) -> AreaProjection:
    """One scenario, one year, areas with a flat population (areas, sex, 101 ages)."""
    population = values[None, None]
    zeros = np.zeros((1, 0, values.shape[0], 2))
    return AreaProjection(
        ("03901001", "03901002"),
        ("middle",),
        (2023,),
        tuple(range(101)),
        population,
        zeros,
        zeros,
        zeros,
    )


def test_broad_groups_cover_all_ages_and_sum_sexes() -> None:
    population = np.ones((2, 2, 101))
    frame = broad_group_frame(_projection(population))
    first = frame[frame["area_key"] == "03901001"].set_index("age_from")
    assert first.loc[0, "value"].tolist() == [6.0, 202.0]  # 0-3 (3 ages x 2 sexes) and all
    assert first.loc[80, "value"] == 42.0  # 80..100 = 21 ages x 2
    assert first.loc[18, "value"] == 94.0
    closed = first[first["age_to"].notna()]
    assert closed["value"].sum() + first.loc[80, "value"] == 202.0


def test_vintage_frame_passes_the_store_guard() -> None:
    population = np.full((2, 2, 101), 30.0)
    population[1] = 0.9  # a village: left out, and its Kreis would reveal it
    frame = vintage_frame(_projection(population), min_population=5000, rounding=10)
    assert set(frame["area_key"]) == {"03901001"}
    assert set(frame["sex"]) == {"total"}
    assert (frame["value"] % 10 == 0).all()
    check_vintage(frame, 10)
    with pytest.raises(DisclosureError, match="nicht auf 10 gerundet"):
        check_vintage(frame.assign(value=frame["value"] + 1), 10)


def test_base_period_uses_the_years_present() -> None:
    assert base_period_for([2019, 2020, 2021, 2022, 2023], 2023) == 4
    assert base_period_for([2022, 2023], 2023) == 1
    with pytest.raises(ValueError, match="year before the base year"):
        base_period_for([2023], 2023)


def test_publish_projection_end_to_end(settings: Settings, monkeypatch, capsys) -> None:
    tiny_restricted_store(settings, years=(2021, 2022, 2023))
    monkeypatch.setenv("DEMOGRAFIE_HOME", str(settings.home))
    code = main(
        ["publish-projection", "--horizon", "10", "--min-population", "500", "--note", "Test"]
    )
    assert code == 0
    assert "Vorausberechnung P001-2023" in capsys.readouterr().out
    engine = publisher_engine(settings)
    vintages = list_vintages(engine)
    assert vintages["note"].tolist() == ["Test"]
    assert vintages["min_population"].tolist() == [500]
    rows = read_projection(engine, "P001-2023")
    assert set(rows["scenario"]) == {"low", "middle", "high"}
    assert rows["year"].min() == 2023 and rows["year"].max() == 2033
    assert (rows["value"] % 10 == 0).all()
    assert "04021000" in set(rows["area_key"])
    assert "03901001" not in set(rows["area_key"])  # below 500 inhabitants
    end = rows[(rows["year"] == 2033) & (rows["age_from"] == 0) & rows["age_to"].isna()]
    low, high = (end.set_index(["scenario", "area_key"])["value"].xs(s) for s in ("low", "high"))
    assert (low <= high).all()


def test_publish_projection_refuses_when_nothing_is_large_enough(
    settings: Settings, monkeypatch, capsys
) -> None:
    tiny_restricted_store(settings)
    monkeypatch.setenv("DEMOGRAFIE_HOME", str(settings.home))
    assert main(["publish-projection", "--horizon", "5", "--min-population", "100000"]) != 0
    assert "mindestens 100000 Einwohner" in capsys.readouterr().err


def test_backtest_from_the_restricted_store(settings: Settings, monkeypatch, capsys) -> None:
    tiny_restricted_store(settings, years=(2021, 2022, 2023))
    monkeypatch.setenv("DEMOGRAFIE_HOME", str(settings.home))
    code = main(["backtest", "--restricted", "--base-year", "2022", "--target-year", "2023"])
    assert code == 0
    out = capsys.readouterr().out
    assert "Backtest 2022 -> 2023 (5 Gebiete)" in out
    for method in ("component", "constant", "linear", "cohort", "cohort+hp"):
        assert method in out
