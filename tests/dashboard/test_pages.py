"""Callbacks and figure builders as plain functions."""

from __future__ import annotations

import base64
import io

import openpyxl
import pandas as pd
import pytest
from dash import Patch, html

from dashboard import exports, figures
from dashboard.map_figure import legend_entries, map_data, map_summary
from dashboard.pages import daten, gebiet, karte, methodik, regionen, vergleich
from etl.symbols import NOT_AVAILABLE, PUBLISHED, SUPPRESSED, ZERO

STATE = {"release": None, "lang": "de"}

VALUES = pd.DataFrame(
    {
        "area_key": ["a", "b", "c", "d", "e"],
        "name": ["A", "B", "C", "D", "E"],
        "value": [10.0, 20.0, None, 0.0, None],
        "status": [PUBLISHED, PUBLISHED, SUPPRESSED, ZERO, NOT_AVAILABLE],
        "lower": [None, None, 2.0, None, None],
        "upper": [None, None, 4.0, None, None],
    }
)


def test_map_data_separates_statuses() -> None:
    data = map_data(VALUES, [10.0, 20.0], "share_u18", "viridis", "de")
    assert data["dense_z"] == [0, 1, None, None, None]
    assert data["dense_customdata"] == [10.0, 20.0, None, None, None]
    assert data["sparse_locations"] == []
    # zero and suppressed are drawn on top; not available is the grey base layer
    assert data["status_locations"] == ["c", "d"]
    assert data["status_z"] == [1, 0]
    assert data["status_label"][0] == "• geheim gehalten: 2,0 – 4,0"
    assert data["status_label"][1].startswith("– genau null")


def test_map_data_goes_sparse_when_few_values() -> None:
    few = VALUES.assign(status=[PUBLISHED] + [NOT_AVAILABLE] * 4)
    data = map_data(few, [10.0], "share_u18", "viridis", "de")
    assert data["dense_z"] == [] and data["sparse_locations"] == ["a"]
    assert data["sparse_customdata"] == [10.0] and data["sparse_text"] == ["A"]
    labels = [
        label for _, label, _ in legend_entries(VALUES, [10.0, 20.0], "viridis", "share_u18", "de")
    ]
    assert labels[:2] == ["10,0 – 10,0", "> 10,0 – 20,0"]
    assert labels[2:] == ["– genau null", "• geheim gehalten", "… nicht verfügbar"]
    summary = map_summary(VALUES, "share_u18", 2023, "gemeinde", "de")
    assert "höchster Wert 20,0 (B)" in summary and "1 × • geheim gehalten" in summary


def test_update_map_full_then_patch(app) -> None:
    with app.server.test_request_context("/"):
        figure, _legend, summary, drawn = karte.update_map(
            "gemeinde", "population", 2023, "quantiles", 5, "viridis", STATE, None
        )
        assert figure.data[0].geojson.endswith("/gemeinde.geojson")
        assert figure.layout.map.style == "white-bg"
        assert figure.data[-1].geojson.endswith("/land.geojson")  # Land borders on top
        patch, *_ = karte.update_map(
            "gemeinde", "share_65p", 2022, "equal_interval", 4, "cividis", STATE, drawn
        )
    assert isinstance(patch, Patch)
    assert "geojson" not in str(patch.to_plotly_json())
    assert "Bevölkerung" in summary


def test_map_params_parse_falls_back(app) -> None:
    with app.server.test_request_context("/"):
        from dashboard.services import get_service

        params = karte.MapParams.parse(get_service(), {"level": "mars", "k": "99", "year": "1"})
    assert (params.level, params.k, params.year, params.indicator) == (
        "gemeinde",
        9,
        2023,
        "population",
    )


def test_click_opens_profile(app) -> None:
    click = {"points": [{"curveNumber": 0, "location": "03901001"}]}
    with app.server.test_request_context("/"):
        url = karte.open_profile(click, STATE, 2023)
    assert url.startswith("/gebiet?area=03901001&release=R0001") and url.endswith("year=2023")


def test_profile_callback(app) -> None:
    with app.server.test_request_context("/"):
        outputs = gebiet.update_profile("03901001", 2023, "parent", STATE)
    title, summary, pyramid, series, _components, _households, _table, official = outputs
    assert title.startswith("Altdorf") and "Bevölkerung 2023" in summary
    assert any(trace.name == "Landkreis Moorland" for trace in pyramid.data)
    assert len(series.data) == 2  # register and official
    assert "Hauptwohnung" in str(official) and "Differenz" in str(official)


def test_pyramid_marks_suppressed_groups() -> None:
    cells = pd.DataFrame(
        {
            "year": 2023,
            "sex": ["female", "female", "male", "male"],
            "nationality": "total",
            "age_from": [0, 5, 0, 5],
            "age_to": pd.array([5, pd.NA, 5, pd.NA], dtype="Int64"),
            "value": pd.array([10, pd.NA, 12, 7], dtype="Int64"),
            "status": [PUBLISHED, SUPPRESSED, PUBLISHED, PUBLISHED],
        }
    )
    figure = figures.pyramid(cells, 2023, "de")
    texts = [trace.text for trace in figure.data if trace.type == "scatter"]
    assert texts == [("•",)]


def test_compare_and_region_callbacks(app) -> None:
    with app.server.test_request_context("/"):
        figure, table = vergleich.update_compare(["03901001", "04021000"], "mean_age", 2023, STATE)
        region_fig, region_table, drawn = regionen.update_region(
            ["04021000", "03901001"], 2023, STATE, None
        )
        patch, *_ = regionen.update_region(["04021000"], 2023, STATE, drawn)
    assert list(figure.data[0].y) == ["Altdorf", "Weserhaven"]
    assert "Durchschnittsalter" in str(table)
    assert list(region_fig.data[0].z).count(1) == 2 and isinstance(patch, Patch)
    assert "region-table" in str(region_table)
    assert regionen.toggle_member({"points": [{"location": "x"}]}, ["x", "y"]) == ["y"]
    assert regionen.toggle_member({"points": [{"location": "z"}]}, ["x"]) == ["x", "z"]


@pytest.mark.parametrize("fmt", daten.FORMATS)
def test_downloads_carry_metadata(app, release_id: str, fmt: str) -> None:
    with app.server.test_request_context("/"):
        payload = daten.build_download(fmt, release_id, "indicator", "gemeinde", "share_u18", 2023)
    content = base64.b64decode(payload["content"])
    assert release_id in payload["filename"]
    if fmt.startswith("csv"):
        frame = exports.read_csv(content, excel_de=fmt == "csv_excel")
        assert len(frame) == 5 and release_id.encode() in content
        assert b"Testdaten (fiktiv)" in content
    elif fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(content))
        assert dict(list(book["Metadaten"].values)[1:])["Veröffentlichung"] == release_id


def test_methods_page_reads_release(app, release_id: str) -> None:
    with app.server.test_request_context("/"):
        section = methodik.release_section(STATE)
    text = str(section)
    assert release_id in text and "Testdaten (fiktiv)" in text and "0,30" in text


def test_every_page_renders(app, client) -> None:
    assert client.get("/").status_code == 200
    with app.server.test_request_context("/"):
        for page in (karte, gebiet, vergleich, regionen, daten, methodik):
            assert page.layout(lang="en").lang == "en"
            assert page.layout().lang == "de"
    deps = client.get("/_dash-dependencies").get_json()
    assert any("karte-graph.figure" in d["output"] for d in deps)


def test_compare_table_shows_each_indicator_cell_of_each_area_and_marks_missing_ones() -> None:
    table = pd.DataFrame(
        {
            "indicator": ["population", "population", "mean_age"],
            "area_key": ["A", "B", "A"],
            "value": [1200.0, None, 41.3],
            "status": [PUBLISHED, SUPPRESSED, PUBLISHED],
        }
    )
    _figure, rendered = vergleich.render_compare(
        table, ["A", "B"], ["Altdorf", "Bergen"], "population", 2023, "de"
    )
    body = next(part for part in _parts(rendered) if isinstance(part, html.Tbody))
    rows = [[cell.children for cell in row.children] for row in body.children]
    population = next(row for row in rows if row[0] == "Bevölkerung")
    mean_age = next(row for row in rows if row[0].startswith("Durchschnittsalter"))
    assert population[1:] == ["1.200", "•"]
    assert mean_age[1:] == ["41,3", "…"]  # no cell for B: not available


def _parts(component):
    """A component and everything inside it, depth first."""
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if hasattr(child, "children"):
            yield from _parts(child)
