"""The dashboard and API on an official-only release: sources, the census break, profiles."""

from __future__ import annotations

import pandas as pd
import pytest
from dash import Dash

from dashboard.app import create_app
from dashboard.pages import gebiet
from etl.config import Settings
from etl.pipeline import publish
from etl.testing_official import (
    official_population,
    store_gemeinden,
    store_official,
    store_square_boundaries,
)

KEYS = ["03151001", "03151002", "03152001"]


@pytest.fixture
def official_app(settings: Settings) -> Dash:
    store_gemeinden(settings, [*KEYS, "03151501"])
    store_square_boundaries(settings, [*KEYS, "03151501"], {"03151501": "Gemeindefreies Gebiet"})
    store_official(settings, official_population((2010, 2011, 2012), KEYS))
    # A second table with the same totals (12411-02-03-5-B carries them too).
    store_official(settings, official_population((2011, 2012), KEYS), "12411-02-03-5-B")
    publish(settings)
    return create_app(settings)


def test_population_rows_say_their_source_table_date_and_census(official_app: Dash) -> None:
    client = official_app.server.test_client()
    rows = client.get("/api/v1/population?area=03151002").get_json()["rows"]
    total = {r["year"]: r for r in rows if r["sex"] == "total"}
    assert total[2012]["value"] == 1010
    assert total[2012]["source"] == "official"
    assert total[2012]["table"] == "12411-01-01-5-B"
    assert total[2012]["reference_date"] == "2012-12-31"
    assert (total[2010]["census_basis"], total[2011]["census_basis"]) == ("1987", "2011")
    assert [total[y]["series_break"] for y in (2010, 2011, 2012)] == [False, True, False]


def test_source_parameter_filters_and_refuses_unknown_values(official_app: Dash) -> None:
    client = official_app.server.test_client()
    official = client.get("/api/v1/population?area=03151&source=official").get_json()
    assert official["count"] == 9
    register = client.get("/api/v1/population?area=03151&source=register").get_json()
    assert register["count"] == 0
    response = client.get("/api/v1/population?area=03151&source=amtlich")
    assert response.status_code == 400
    assert "official oder register" in response.get_json()["message"]
    indicators = client.get(
        "/api/v1/indicators?indicator=population&level=gemeinde&year=2012&source=official"
    ).get_json()
    assert {r["source"] for r in indicators["rows"]} == {"official"}
    assert {r["area_key"]: r["value"] for r in indicators["rows"]} == {
        "03151001": 1000,
        "03151002": 1010,
        "03152001": 1020,
    }


def test_profile_answers_with_two_tables_and_marks_the_census_break(official_app: Dash) -> None:
    with official_app.server.test_request_context("/"):
        for key in [*KEYS, "03151", "03"]:
            output = gebiet.update_profile(key, 2012, "none", {})
            assert output[0].endswith(f"{key})")
        series = gebiet.update_profile("03151001", 2012, "none", {})[3]
    line = series.data[0]
    assert line.name == "Amtlich (Fortschreibung)"
    assert "12411-01-01-5-B" in line.hovertext[-1]
    shapes = [s for s in series.layout.shapes if s.x0 == 2010.5]
    assert shapes, "the Zensus 2011 break is marked"
    assert any("Zensus 2011" in a.text for a in series.layout.annotations)


def test_map_tooltips_and_attribution(official_app: Dash) -> None:
    from dashboard.map_figure import map_data, map_figure
    from dashboard.services import get_service

    with official_app.server.test_request_context("/"):
        service = get_service()
        release = service.resolve_release(None)
        values, bounds = service.map_layer(release, "gemeinde", "population", 2012, "quantiles", 3)
        data = map_data(values, bounds, "population", "viridis", "de")
        labels = dict(zip(values["area_key"], data["dense_hovertext"], strict=True))
        assert all("amtliche Statistik 12411-01-01-5-B" in labels[k] for k in KEYS)
        assert labels["03151501"] == ""  # uninhabited: no figure, no source
        figure = map_figure(
            service.level_areas(release, "gemeinde"),
            data,
            "/geo.json",
            ("/land.json", []),
            (9.0, 52.0, 10.0, 53.0),
            "de",
        )
    notes = " ".join(a.text for a in figure.layout.annotations)
    assert "© GeoBasis-DE / BKG" in notes and "dl-de/by-2-0" in notes
    assert "Statistische Ämter" in notes


def test_trend_years_stay_on_one_side_of_the_break() -> None:
    from etl.transform.census import crosses_break, trend_years

    assert trend_years([2008, 2009, 2010, 2011, 2012, 2013], 2013) == [2011, 2012, 2013]
    assert trend_years([2008, 2009, 2010, 2011], 2010) == [2008, 2009, 2010]
    assert trend_years([2008, 2012], 2012, official=False) == [2008, 2012]
    assert crosses_break(pd.Series([2010, 2011]))
    assert not crosses_break([2011, 2012])


def test_exports_name_the_source_and_carry_the_attribution(official_app: Dash) -> None:
    from dashboard import exports
    from dashboard.pages import daten
    from dashboard.services import get_service

    with official_app.server.test_request_context("/"):
        service = get_service()
        release = service.resolve_release(None)
        frame = service.export_frame(release, "population", "gemeinde", "population", 2012)
        assert set(frame["source"]) == {"official"}
        assert set(frame["sources"]) == {"12411-01-01-5-B"}
        assert daten.preview("population", "gemeinde", "population", 2012, {}) is not None
        meta = dict(exports.metadata_lines(service.info(release), "test"))
    assert "dl-de/by-2-0" in meta["Quellenvermerk"]


def test_projection_trends_stay_after_the_census_break(official_app: Dash) -> None:
    from dashboard.projection_service import get_projection_service
    from dashboard.services import get_service

    with official_app.server.test_request_context("/"):
        projections = get_projection_service()
        release = get_service().resolve_release(None)
        assert projections._official(release, ("03151001",))
        inputs = projections.inputs(release, ("03151001",))
    assert inputs.base_year == 2012


def test_map_table_names_the_shared_source_once(official_app: Dash) -> None:
    from dashboard.pages import karte

    with official_app.server.test_request_context("/"):
        table = karte.update_table("gemeinde", "population", 2012, "quantiles", 3, "viridis", {})
    text = str(table)
    assert "Quelle: amtliche Statistik 12411-01-01-5-B, Stand 31.12.2012" in text
    assert text.count("12411-01-01-5-B") == 1
