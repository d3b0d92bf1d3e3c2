"""publish with official tables alone, and official tables beside register uploads."""

from __future__ import annotations

import datetime as dt

import pytest

from etl.config import Settings
from etl.pipeline import publish
from etl.store.published import live_release_id, read_release_table, release_info
from etl.store.restricted import save_extract
from etl.testing import TINY_MUNICIPALITIES, migrated_stores, tiny_bundle, tiny_restricted_store
from etl.testing_official import (
    POPULATION_TABLE,
    official_population,
    store_gemeinden,
    store_official,
)

POP = POPULATION_TABLE
store_areas = store_gemeinden


def test_publish_with_official_tables_alone(settings: Settings) -> None:
    keys = ["03151001", "03151002", "03152001"]
    store_areas(settings, keys)
    store_official(settings, official_population((2012, 2013), keys))
    report = publish(settings)
    assert report.years == [2012, 2013]
    published = migrated_stores(settings).publisher
    release = live_release_id(published)
    population = read_release_table(published, "population", release)
    assert set(population["source"]) == {"official"}
    kreis = population[(population["area_key"] == "03151") & (population["sex"] == "total")]
    assert kreis.set_index("year")["value"].to_dict() == {2012: 2010, 2013: 2010}
    land = population[(population["area_key"] == "03") & (population["sex"] == "total")]
    assert land["value"].tolist() == [3030, 3030]
    assert set(population["sources"]) == {POP}
    info = release_info(published, release)
    assert "dl-de/by-2-0" in info["attribution"]
    assert "Melderegister" not in info["attribution"]  # no upload, no register
    assert info["territorial_status"] == dt.date(2013, 12, 31)
    areas = read_release_table(published, "areas", release)
    assert set(keys) <= set(areas["area_key"])


def test_publish_without_anything_says_what_to_import(settings: Settings) -> None:
    migrated_stores(settings)
    with pytest.raises(Exception, match="weder Meldungen noch amtliche Tabellen"):
        publish(settings)


def test_register_refines_official_and_official_fills_earlier_years(settings: Settings) -> None:
    tiny_restricted_store(settings, years=(2023,))
    keys = list(TINY_MUNICIPALITIES)
    store_official(settings, official_population((2021, 2023), keys))
    report = publish(settings)
    assert report.years == [2021, 2023]
    published = migrated_stores(settings).publisher
    release = live_release_id(published)
    population = read_release_table(published, "population", release)
    by_year = population.groupby("year")["source"].agg(set).to_dict()
    assert by_year == {2021: {"official"}, 2023: {"register"}}
    # Never two sources for one area and year.
    per_area = population.groupby(["area_key", "year"])["source"].nunique()
    assert (per_area == 1).all()
    official_2021 = population[(population["year"] == 2021) & (population["sex"] == "total")]
    assert official_2021.set_index("area_key").loc["03901001", "value"] == 1010


def test_publish_when_no_extract_has_households(settings: Settings) -> None:
    opened = migrated_stores(settings)
    restricted, published = opened.restricted, opened.publisher
    bundle = tiny_bundle("03901001", dt.date(2023, 12, 31), scale=3.0, seed=1)
    bundle = type(bundle)(
        bundle.municipality,
        bundle.reference_date,
        bundle.population,
        bundle.households.iloc[0:0],
        bundle.events,
        manifest=bundle.manifest,
    )
    save_extract(restricted, bundle, file_name="no-households")
    report = publish(settings)
    assert report.years == [2023]
    households = read_release_table(published, "households", live_release_id(published))
    assert households.empty
