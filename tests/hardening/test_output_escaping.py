"""Names from data can neither inject spreadsheet formulas (CSV/XLSX, API included) nor
Plotly markup (labels, hover texts, titles)."""

from __future__ import annotations

import io

import pandas as pd
import pytest

import etl.testing
from dashboard import figures, map_figure
from dashboard.app import create_app
from dashboard.pages import daten, karte
from etl.config import Settings

FORMULA = '=HYPERLINK("https://evil.example","klick")'
MARKUP = '<a href="https://evil.example">Brinkum</a> <b>fett</b>'


@pytest.fixture
def hostile_app(settings: Settings, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(etl.testing.TINY_MUNICIPALITIES, "03901001", FORMULA)
    monkeypatch.setitem(etl.testing.TINY_MUNICIPALITIES, "03901002", MARKUP)
    etl.testing.write_tiny_release(settings)
    return create_app(settings, warm=False)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/areas?level=gemeinde&format=csv",
        "/api/v1/indicators?indicator=population&level=gemeinde&format=csv",
    ],
)
def test_api_csv_neutralises_formulas(hostile_app, url: str) -> None:
    response = hostile_app.server.test_client().get(url)
    assert response.status_code == 200
    frame = pd.read_csv(io.StringIO(response.get_data(as_text=True)), dtype=str)
    assert "'" + FORMULA in frame["name"].tolist()
    assert FORMULA not in frame["name"].tolist()


@pytest.mark.parametrize("fmt", ["csv", "csv_excel", "xlsx"])
def test_downloads_neutralise_formulas(hostile_app, fmt: str) -> None:
    import base64

    with hostile_app.server.test_request_context("/"):
        release = hostile_app.server.extensions["demografie_service"].resolve_release(None)
        payload = daten.build_download(fmt, release, "population", "gemeinde", "population", 2023)
    content = base64.b64decode(payload["content"])
    if fmt == "xlsx":
        import openpyxl

        names = [row[1] for row in openpyxl.load_workbook(io.BytesIO(content))["Daten"].values]
    else:
        from dashboard import exports

        names = exports.read_csv(content, excel_de=fmt == "csv_excel")["name"].tolist()
    assert "'" + FORMULA in names and FORMULA not in names


def _texts(figure) -> list[str]:
    return [str(v) for trace in figure.data for v in (trace.text or ())]


def test_map_hover_texts_escape_markup(hostile_app) -> None:
    with hostile_app.server.test_request_context("/"):
        figure, *_ = karte.update_map(
            "gemeinde", "population", 2023, "quantiles", 5, "viridis", {"release": None}, None
        )
    texts = _texts(figure)
    assert figures.plain(MARKUP) in texts
    assert not [t for t in texts if "<" in t]


def test_selection_map_escapes_markup() -> None:
    areas = pd.DataFrame({"area_key": ["03901002"], "name": [MARKUP]})
    figure = map_figure.selection_figure(
        areas, [], "/g.json", ("/b.json", []), (8, 53, 9, 54), "de"
    )
    assert figure.data[0].text == (figures.plain(MARKUP),)
    assert "<a" not in figure.data[0].text[0]


def test_comparison_bars_and_pyramid_overlay_escape_markup() -> None:
    values = pd.DataFrame(
        {"name": [MARKUP, "Altdorf"], "value": [1.0, 2.0], "status": ["published"] * 2}
    )
    bars = figures.compare_bars(values, "population", "de", 0)
    assert list(bars.data[0].y) == [figures.plain(MARKUP), "Altdorf"]
    assert figures.plain("Stadt & Land <b>") == "Stadt &amp; Land &lt;b&gt;"
