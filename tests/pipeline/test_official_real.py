"""An official-only store of Niedersachsen, Bremen and the Werra-Meißner-Kreis, end to end.

All real tables and the VG5000 boundaries of 2021 are imported through the CLI, published
without a single upload, and every Gemeinde is served (pages, callbacks, API) with the values
of the source files. Skipped when ../shared/real-samples/niedersachsen-bremen is absent.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from dash import Dash

from dashboard.app import create_app
from dashboard.pages import gebiet
from dashboard.services import get_service
from etl.cli import main
from etl.config import Settings
from etl.extract.genesis import read_genesis
from etl.pipeline import publish
from etl.store.published import live_release_id, read_release_table
from etl.symbols import STATUSES
from etl.testing import migrated_stores
from etl.testing_official import build_official_store

pytestmark = pytest.mark.real_samples
POPULATION = "12411-01-01-5-B"
BOUNDARIES = "vg5000_2021-01-01_ni-hb-wmk.gpkg"
LAYERS = {"vg5000_gem": "gemeinde", "vg5000_krs": "kreis", "vg5000_lan": "land"}
RENDERED_EVERY = 10  # building the figures takes ~0.5 s per area: every 10th Gemeinde


@pytest.fixture(scope="module")
def official_settings(ni_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    settings = Settings(home=tmp_path_factory.mktemp("official-real") / "var")
    env = {"DEMOGRAFIE_HOME": str(settings.home)}
    files = [str(p) for p in sorted(ni_folder.glob("genesis_*.csv"))]
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        assert main(["import-genesis", *files]) == 0
        for layer, level in LAYERS.items():
            path = str(ni_folder / BOUNDARIES)
            assert main(["import-boundaries", path, "--layer", layer, "--level", level]) == 0
    publish(settings)
    return settings


@pytest.fixture(scope="module")
def app(official_settings: Settings) -> Dash:
    return create_app(official_settings)


@pytest.fixture(scope="module")
def published(official_settings: Settings) -> dict[str, pd.DataFrame]:
    engine = migrated_stores(official_settings).publisher
    release = live_release_id(engine)
    return {
        name: read_release_table(engine, name, release)
        for name in ("population", "events", "areas", "boundaries")
    }


@pytest.fixture(scope="module")
def gemeinden(ni_folder: Path) -> pd.DataFrame:
    frame = gpd.read_file(ni_folder / BOUNDARIES, layer="vg5000_gem")
    return pd.DataFrame(frame[["AGS", "GEN", "BEZ"]]).rename(columns={"AGS": "area_key"})


def _source(ni_folder: Path, code: str):
    (path,) = ni_folder.glob(f"genesis_{code}_*.csv")
    return read_genesis(path)


def test_every_published_gemeinde_value_equals_the_source(ni_folder: Path, published) -> None:
    source = _source(ni_folder, POPULATION).data
    source = source[(source["level"] == "gemeinde") & source["value"].notna()]
    expected = source.set_index(["ags", "year", "sex"])["value"].astype("int64")
    population = published["population"]
    served = population[population["area_key"].str.len() == 8]
    served = served.set_index(["area_key", "year", "sex"])["value"]
    common = expected.index.intersection(served.index)
    assert len(common) > 0.9 * len(expected)
    assert (served.loc[common].astype("int64") == expected.loc[common]).all()
    assert set(population["source"]) == {"official"}


def test_kreis_and_land_sums_equal_the_sums_of_the_source(ni_folder: Path, published) -> None:
    source = _source(ni_folder, POPULATION).data
    source = source[(source["level"] == "gemeinde") & (source["sex"] == "total")]
    population = published["population"]
    totals = population[(population["sex"] == "total") & (population["status"] == "published")]
    served = totals.set_index(["area_key", "year"])["value"].astype("int64")
    for length, minimum in ((5, 40), (2, 3)):
        expected = source.groupby([source["ags"].str[:length], "year"])["value"].sum()
        common = expected.index.intersection(served.index)
        assert len({key for key, _ in common}) >= minimum
        assert (served.loc[common] == expected.loc[common].astype("int64")).all()
    lands = published["areas"].set_index("area_key")["name"]
    assert lands["06"] == "Hessen (Teil: Werra-Meißner-Kreis)"
    assert (lands["03"], lands["04"]) == ("Niedersachsen", "Bremen")


def test_every_gemeinde_polygon_has_a_value_or_an_explained_status(
    app: Dash, gemeinden: pd.DataFrame, ni_folder: Path
) -> None:
    source = _source(ni_folder, POPULATION).data
    with_data = set(source.loc[(source["year"] == 2013) & source["value"].notna(), "ags"])
    with app.server.test_request_context("/"):
        service = get_service()
        release = service.resolve_release(None)
        values = service.map_values(release, "gemeinde", "population", 2013)
    assert set(values["status"]) <= set(STATUSES)
    assert set(values["area_key"]) == set(gemeinden["area_key"])
    missing = values[values["status"] != "published"].merge(
        gemeinden, on="area_key", validate="1:1"
    )
    uninhabited = missing["BEZ"].str.contains("gemeindefrei", case=False)
    # What is left has no value under its 2021 key in the 2013 table: a territorial change
    # after 2013 that only a crosswalk can bridge. No polygon with data is left blank.
    assert not missing.loc[~uninhabited, "area_key"].isin(with_data).any()


def test_derived_crosswalk_puts_renamed_and_merged_keys_on_the_map(
    ni_folder: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    settings = Settings(home=tmp_path_factory.mktemp("official-crosswalk") / "var")
    build_official_store(settings, ni_folder, BOUNDARIES)
    crosswalk = tmp_path_factory.mktemp("cw") / "crosswalk.csv"
    tables = [str(p) for p in ni_folder.glob("genesis_1*-01-01-5-B_*.csv")]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DEMOGRAFIE_HOME", str(settings.home))
        assert main(["derive-crosswalk", *tables, "--out", str(crosswalk)]) == 0
        assert main(["import-crosswalk", str(crosswalk)]) == 0
    pairs = pd.read_csv(crosswalk, dtype=str)
    assert len(pairs) >= 30
    assert ("03152001", "03159001") in set(zip(pairs["old_key"], pairs["new_key"], strict=True))
    assert set(pairs["confidence"]) <= {"hoch", "mittel"} and pairs["evidence"].notna().all()
    publish(settings)
    engine = migrated_stores(settings).publisher
    population = read_release_table(engine, "population", live_release_id(engine))
    totals = population[(population["sex"] == "total") & (population["year"] == 2013)]
    served = totals.set_index("area_key")["value"]
    source = _source(ni_folder, POPULATION).data
    source = source[(source["year"] == 2013) & (source["sex"] == "total")]
    expected = source.set_index("ags")["value"]
    # Renamed keys carry their value, merged keys the sum of their predecessors of 2013.
    after = pairs[pairs["valid_from"] == "2014-01-01"]
    for new, olds in after.groupby("new_key")["old_key"]:
        assert served[new] == expected[list(olds)].sum(), (list(olds), new)
    boundaries = read_release_table(engine, "boundaries", live_release_id(engine))
    polygons = boundaries.loc[boundaries["level"] == "gemeinde", "area_key"]
    with_value = totals[totals["status"].isin(["published", "zero"])]["area_key"]
    # Every polygon has a value, the merged ones included (no user-supplied crosswalk).
    assert polygons.isin(with_value).all(), sorted(set(polygons) - set(with_value))


def test_every_page_and_api_answers_for_every_gemeinde(app: Dash, gemeinden) -> None:
    client = app.server.test_client()
    for route in ("/", "/karte", "/gebiet", "/vergleich", "/regionen", "/daten", "/methodik"):
        assert client.get(route).status_code == 200, route
    keys = gemeinden["area_key"].tolist()
    with app.server.test_request_context("/"):
        service = get_service()
        release = service.resolve_release(None)
        for key in keys:  # the profile's data for every Gemeinde
            profile = service.profile(release, key)
            assert profile.area_key == key
            service.area_indicators(release, list(profile.keys), 2013)
        for key in keys[::RENDERED_EVERY]:  # the whole callback (figures) for a sample
            title = gebiet.update_profile(key, 2013, "none", {})[0]
            assert key in title
    for key in gemeinden["area_key"]:
        for endpoint in ("population", "events"):
            response = client.get(f"/api/v1/{endpoint}?area={key}")
            assert response.status_code == 200, (endpoint, key, response.get_json())


def test_the_other_pages_callbacks_answer_on_official_data(app: Dash) -> None:
    from dashboard.pages import daten, karte, prognose, regionen, vergleich

    with app.server.test_request_context("/"):
        for level in ("gemeinde", "kreis", "land"):
            for indicator in ("population", "density", "births_per_1000"):
                karte.update_map(level, indicator, 2013, "quantiles", 5, "viridis", {}, None)
        vergleich.update_compare(["03101000", "03159", "06"], "population", 2013, {})
        regionen.update_region(["03101000", "04011000"], 2013, {}, None)
        for dataset in ("population", "events", "indicator"):
            assert daten.preview(dataset, "gemeinde", "population", 2013, {}) is not None
        prognose.update_projection(["03101000"], 1.5, 1.0, 0, 2030, {})
