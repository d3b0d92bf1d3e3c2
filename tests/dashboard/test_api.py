"""/api/v1 through the Flask test client; its indicator values equal the map's."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from dashboard.map_figure import DENSE, STATUS, shown_values
from dashboard.pages import karte

STATE = {"release": None, "lang": "de"}


def test_releases_and_areas(client, release_id: str) -> None:
    releases = client.get("/api/v1/releases").get_json()["releases"]
    assert releases[0]["release_id"] == release_id and releases[0]["live"] is True
    areas = client.get("/api/v1/areas?level=gemeinde").get_json()
    assert {r["key"] for r in areas["rows"]} >= {"04021000", "03901001"}
    assert all(isinstance(r["key"], str) for r in areas["rows"])


def test_population_json_and_csv_show_suppressed_as_null(client) -> None:
    rows = client.get("/api/v1/population?area=03901001&year=2023").get_json()["rows"]
    hidden = [r for r in rows if r["status"] == "suppressed"]
    assert hidden and all(r["value"] is None for r in hidden)
    assert {"area", "year", "sex", "age_from", "age_to", "value", "status"} <= set(rows[0])
    response = client.get("/api/v1/population?area=03901001&year=2023&format=csv")
    assert response.mimetype == "text/csv"
    frame = pd.read_csv(io.StringIO(response.get_data(as_text=True)), dtype={"area": str})
    assert len(frame) == len(rows) and frame["area"].iloc[0] == "03901001"


def test_households_and_events(client) -> None:
    households = client.get("/api/v1/households?area=04021000&year=2023").get_json()
    assert {r["size"] for r in households["rows"]} == {0, 1, 2, 3, 4, 5}
    events = client.get("/api/v1/events?area=04021000").get_json()
    assert {r["event"] for r in events["rows"]} == {"birth", "death", "move_in", "move_out"}


@pytest.mark.parametrize(
    ("url", "status", "text"),
    [
        ("/api/v1/population", 400, "area"),
        ("/api/v1/population?area=x&year=abc", 400, "ganze"),
        ("/api/v1/population?area=99999999", 404, "99999999"),
        ("/api/v1/indicators?indicator=nope", 404, "Kennzahl"),
        ("/api/v1/indicators?indicator=population&level=mars", 404, "Ebene"),
        ("/api/v1/indicators?indicator=population&year=1990", 404, "1990"),
        ("/api/v1/areas?release=R9999-19990101", 404, "R9999"),
        ("/api/v1/areas?format=xml", 400, "format"),
    ],
)
def test_errors_are_json(client, url: str, status: int, text: str) -> None:
    response = client.get(url)
    assert response.status_code == status
    assert text in response.get_json()["message"]


def test_openapi_document(client) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    assert {"/api/v1/population", "/api/v1/indicators", "/api/v1/areas"} <= set(document["paths"])


def test_geometry_is_immutable_and_conditional(client, release_id: str) -> None:
    url = f"/api/v1/geometry/{release_id}/gemeinde.geojson"
    first = client.get(url)
    assert "immutable" in first.headers["Cache-Control"]
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


@pytest.mark.parametrize("indicator", ["population", "share_u18", "mean_age", "hh_share_1"])
@pytest.mark.parametrize("level", ["gemeinde", "ortsteil", "land"])
def test_api_indicator_values_equal_map_figure(app, client, indicator: str, level: str) -> None:
    api = client.get(
        f"/api/v1/indicators?indicator={indicator}&level={level}&year=2023"
        "&method=quantiles&classes=5"
    ).get_json()["rows"]
    with app.server.test_request_context("/"):
        figure, *_ = karte.update_map(
            level, indicator, 2023, "quantiles", 5, "viridis", STATE, None
        )
    assert shown_values(figure) == {r["area_key"]: r["value"] for r in api}
    assert list(figure.data[DENSE].z) == [r["class"] for r in api]
    assert list(figure.data[STATUS].locations) == [
        r["area_key"] for r in api if r["status"] in ("suppressed", "zero")
    ]
