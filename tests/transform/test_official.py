"""The official layer: public values as release rows, sums, sources, never mixed per area."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from etl.transform.official import (
    aggregate,
    combine,
    expected_reporters,
    official_status,
    official_tables,
    uninhabited_areas,
)
from etl.transform.official_release import label_partial_lands, partial_lands

NO_REGIONS = pd.DataFrame(columns=["region_key", "member_key"])
NO_CROSSWALK = pd.DataFrame(columns=["old_key", "new_key", "weight", "valid_from"])


def values(rows: list[tuple]) -> pd.DataFrame:
    """Official values as stored: (table_code, ags, year, measure, sex, value, symbol)."""
    frame = pd.DataFrame(
        rows, columns=["table_code", "ags", "year", "measure", "sex", "value", "symbol"]
    )
    return frame.assign(
        source_id=frame["table_code"] + "-x",
        age_from=pd.array([None] * len(frame), "Int64"),
        age_to=pd.array([None] * len(frame), "Int64"),
        value=frame["value"].astype("Int64"),
    )


POP = "12411-01-01-5-B"


def total(frame: pd.DataFrame, key: str, year: int) -> tuple[object, str]:
    row = frame[(frame["area_key"] == key) & (frame["year"] == year) & (frame["sex"] == "total")]
    assert len(row) == 1, row
    value = row["value"].iloc[0]
    return (None if pd.isna(value) else int(value)), row["status"].iloc[0]


def test_symbols_map_to_statuses() -> None:
    status = official_status(
        pd.Series([5, None, None, None, 0], dtype="Int64"), pd.Series(["", "-", ".", "x", ""])
    )
    assert status.tolist() == ["published", "zero", "na", "na", "zero"]


def test_gemeinden_summed_into_kreis_and_land_uninhabited_not_missing() -> None:
    official = values(
        [
            (POP, "03151001", 2013, "population", "total", 1000, ""),
            (POP, "03151002", 2013, "population", "total", 234, ""),
        ]
    )
    expected = ["03151001", "03151002"]  # 03151501 is an uninhabited gemeindefreies Gebiet
    tables = official_tables(official, expected, NO_REGIONS, NO_CROSSWALK)
    population = tables["population"]
    assert total(population, "03151001", 2013) == (1000, "published")
    assert total(population, "03151", 2013) == (1234, "published")
    assert total(population, "03", 2013) == (1234, "published")
    assert set(population["source"]) == {"official"}
    assert set(population["sources"]) == {POP}
    assert set(population["reference_date"]) == {dt.date(2013, 12, 31)}


def test_a_missing_inhabited_member_makes_the_sum_not_available() -> None:
    official = values([(POP, "03151001", 2013, "population", "total", 1000, "")])
    tables = official_tables(official, ["03151001", "03151002"], NO_REGIONS, NO_CROSSWALK)
    assert total(tables["population"], "03151", 2013) == (None, "na")


def test_a_secret_member_makes_the_sum_not_available_and_stays_as_published() -> None:
    official = values(
        [
            (POP, "03151001", 2013, "population", "total", 1000, ""),
            (POP, "03151002", 2013, "population", "total", None, "."),
        ]
    )
    tables = official_tables(official, ["03151001", "03151002"], NO_REGIONS, NO_CROSSWALK)
    assert total(tables["population"], "03151002", 2013) == (None, "na")
    assert total(tables["population"], "03151", 2013) == (None, "na")


def test_two_tables_with_the_same_total_give_one_row() -> None:
    official = values(
        [
            ("12411-02-03-5-B", "03151001", 2013, "population", "total", 1000, ""),
            (POP, "03151001", 2013, "population", "total", 1000, ""),
        ]
    )
    tables = official_tables(official, ["03151001"], NO_REGIONS, NO_CROSSWALK)
    assert total(tables["population"], "03151001", 2013) == (1000, "published")


def test_events_from_births_and_deaths_name_their_table() -> None:
    official = values(
        [
            ("12612-01-01-5-B", "03151001", 2013, "births", "total", 7, ""),
            ("12613-01-01-5-B", "03151001", 2013, "deaths", "total", 0, "-"),
        ]
    )
    events = official_tables(official, ["03151001"], NO_REGIONS, NO_CROSSWALK)["events"]
    own = events[events["area_key"] == "03151001"].set_index("event")
    assert own.loc["birth", "value"] == 7
    assert own.loc["birth", "sources"] == "12612-01-01-5-B"
    assert (own.loc["death", "value"], own.loc["death", "status"]) == (0, "zero")
    assert own.loc["death", "sources"] == "12613-01-01-5-B"


def test_crosswalk_maps_merged_gemeinden_onto_the_boundaries_status() -> None:
    official = values(
        [
            (POP, "03151001", 2010, "population", "total", 600, ""),
            (POP, "03151002", 2010, "population", "total", 400, ""),
            (POP, "03151003", 2013, "population", "total", 990, ""),
        ]
    )
    crosswalk = pd.DataFrame(
        {
            "old_key": ["03151001", "03151002"],
            "new_key": ["03151003", "03151003"],
            "weight": [1.0, 1.0],
            "valid_from": [dt.date(2011, 11, 1)] * 2,
        }
    )
    tables = official_tables(official, ["03151003"], NO_REGIONS, crosswalk)
    population = tables["population"]
    assert total(population, "03151003", 2010) == (1000, "published")
    assert total(population, "03151003", 2013) == (990, "published")
    assert "03151001" not in set(population["area_key"])


def test_new_keys_after_a_merger_do_not_block_the_sums() -> None:
    # 03151003 (on the boundaries) replaced 03151001 after the table's years.
    official = values([(POP, "03151001", 2013, "population", "total", 1000, "")])
    tables = official_tables(official, ["03151003"], NO_REGIONS, NO_CROSSWALK)
    assert total(tables["population"], "03151", 2013) == (1000, "published")


def test_regions_are_sums_of_official_members() -> None:
    official = values(
        [
            (POP, "03151001", 2013, "population", "total", 10, ""),
            (POP, "04011000", 2013, "population", "total", 20, ""),
        ]
    )
    regions = pd.DataFrame({"region_key": ["R-x", "R-x"], "member_key": ["03151001", "04011000"]})
    tables = official_tables(official, ["03151001", "04011000"], regions, NO_CROSSWALK)
    assert total(tables["population"], "R-x", 2013) == (30, "published")


def register_rows(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["area_key", "year", "value", "status"])
    return frame.assign(
        sex="total",
        age_from=0,
        age_to=pd.array([None] * len(frame), "Int64"),
        nationality="total",
        value=frame["value"].astype("Int64"),
        sources="u1",
    )


def test_register_refines_where_usable_and_official_fills_the_rest() -> None:
    register = register_rows([("03151001", 2013, 1010, "published"), ("03151", 2013, None, "na")])
    official = register_rows(
        [
            ("03151001", 2013, 1000, "published"),
            ("03151002", 2013, 234, "published"),
            ("03151", 2013, 1234, "published"),
            ("03151001", 2012, 990, "published"),
        ]
    ).assign(source="official", sources=POP)
    combined = combine(register, official, "population").set_index(["area_key", "year"])
    assert combined.loc[("03151001", 2013), "source"] == "register"
    assert combined.loc[("03151001", 2013), "value"] == 1010
    assert combined.loc[("03151", 2013), "source"] == "official"
    assert combined.loc[("03151", 2013), "value"] == 1234
    assert combined.loc[("03151002", 2013), "source"] == "official"
    assert combined.loc[("03151001", 2012), "source"] == "official"
    assert not combined.index.duplicated().any()


def test_register_without_official_is_kept_as_it_is() -> None:
    register = register_rows([("03151", 2013, None, "na")])
    combined = combine(register, pd.DataFrame(), "population")
    assert combined["status"].tolist() == ["na"]
    assert combined["source"].tolist() == ["register"]


def test_uninhabited_gemeindefreie_gebiete_are_not_expected() -> None:
    boundaries = pd.DataFrame(
        {
            "area_key": ["03153504", "03351501", "03151001"],
            "bez": ["Gemeindefreies Gebiet", "Gemeindefreies Gebiet", "Gemeinde"],
        }
    )
    official = values(
        [
            (POP, "03351501", 2013, "population", "total", 800, ""),  # Lohheide is inhabited
            (POP, "03151001", 2013, "population", "total", 1000, ""),
        ]
    )
    assert uninhabited_areas(boundaries, official) == {"03153504"}
    areas = boundaries.assign(level="gemeinde")
    assert expected_reporters(areas, boundaries, official) == ["03151001", "03351501"]


def test_aggregate_needs_every_uncovered_member_listed() -> None:
    leaves = pd.DataFrame(
        {
            "area_key": ["03151001"],
            "year": [2013],
            "event": ["birth"],
            "value": pd.array([3], "Int64"),
            "status": ["published"],
        }
    )
    summed = aggregate(leaves, ["event"], ["03151002"], NO_REGIONS)
    kreis = summed[summed["area_key"] == "03151"]
    assert kreis["status"].tolist() == ["na"]
    assert kreis["value"].isna().all()


@pytest.fixture
def hessen_in_part() -> tuple[pd.DataFrame, pd.DataFrame]:
    boundaries = pd.DataFrame(
        {
            "area_key": ["06636001", "06636002", "06", "04011000", "04"],
            "level": ["gemeinde", "gemeinde", "land", "gemeinde", "land"],
            "area_km2": [500.0, 524.0, 21100.0, 326.0, 326.5],
        }
    )
    master = pd.DataFrame(
        {
            "area_key": ["06636", "06", "04"],
            "name": ["Werra-Meißner-Kreis", "Hessen", "Bremen"],
        }
    )
    return master, boundaries


def test_a_partial_land_is_named_as_part(hessen_in_part) -> None:
    master, boundaries = hessen_in_part
    assert partial_lands(master, boundaries) == {"06": "Hessen (Teil: Werra-Meißner-Kreis)"}
    areas = pd.DataFrame({"area_key": ["06", "04"], "name": ["Hessen", "Bremen"]})
    labelled = label_partial_lands(areas, master, boundaries)
    assert labelled["name"].tolist() == ["Hessen (Teil: Werra-Meißner-Kreis)", "Bremen"]
