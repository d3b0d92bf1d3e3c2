"""Every download of the Daten page (each dataset x level x format) and every API format."""

from __future__ import annotations

import base64
import io
import json

import geopandas as gpd
import openpyxl
import pandas as pd
import pytest

from dashboard import exports, ids
from dashboard.pages import daten

LEVELS = ("land", "kreis", "gemeinde", "ortsteil")
API_TABLES = {
    "population": "/api/v1/population?area={area}",
    "households": "/api/v1/households?area={area}",
    "events": "/api/v1/events?area={area}",
    "areas": "/api/v1/areas?level=gemeinde",
    "indicators": "/api/v1/indicators?indicator=population&level=gemeinde",
}


def _rows(payload: dict, fmt: str, tmp_path) -> pd.DataFrame:
    content = base64.b64decode(payload["content"])
    if fmt in ("csv", "csv_excel"):
        return exports.read_csv(content, excel_de=fmt == "csv_excel")
    if fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(content))
        values = list(book["Daten"].values)
        return pd.DataFrame(values[1:], columns=values[0])
    path = tmp_path / "download.gpkg"
    path.write_bytes(content)
    return gpd.read_file(path, layer="daten")


@pytest.mark.parametrize("fmt", daten.FORMATS)
@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("dataset", daten.DATASETS)
def test_every_download_opens_and_has_rows(
    app_context, release_id: str, tmp_path, dataset: str, level: str, fmt: str
) -> None:
    payload = daten.build_download(fmt, release_id, dataset, level, "population", 2023)
    assert payload["filename"].endswith("." + daten.EXTENSIONS[fmt])
    frame = _rows(payload, fmt, tmp_path)
    assert len(frame) > 0
    assert {"area_key", "status", "symbol"} <= set(frame.columns)
    assert all(isinstance(k, str) and k[:2] in ("03", "04") for k in frame["area_key"])


@pytest.mark.parametrize("dataset", daten.DATASETS)
def test_download_through_the_callback_endpoint_answers_200(
    client, release_id: str, dataset: str
) -> None:
    """The browser's path: POST /_dash-update-component (a 500 here was the pandas-3 bug)."""
    body = {
        "output": ids.DATA_DOWNLOAD + ".data",
        "outputs": {"id": ids.DATA_DOWNLOAD, "property": "data"},
        "inputs": [
            [
                {
                    "id": {"type": ids.DATA_BUTTON, "format": "csv"},
                    "property": "n_clicks",
                    "value": 1,
                }
            ]
        ],
        "changedPropIds": [json.dumps({"format": "csv", "type": ids.DATA_BUTTON}) + ".n_clicks"],
        "state": [
            {"id": ids.DATA_DATASET, "property": "value", "value": dataset},
            {"id": ids.DATA_LEVEL, "property": "value", "value": "gemeinde"},
            {"id": ids.DATA_INDICATOR, "property": "value", "value": "population"},
            {"id": ids.DATA_YEAR, "property": "value", "value": 2023},
            {"id": ids.DATA_STATE, "property": "data", "value": {"release": None}},
        ],
    }
    response = client.post("/_dash-update-component", json=body)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    payload = response.get_json()["response"][ids.DATA_DOWNLOAD]["data"]
    assert payload["filename"].startswith(f"demografie-{dataset}-gemeinde-2023")


@pytest.mark.parametrize("fmt", ["json", "csv"])
@pytest.mark.parametrize("table", API_TABLES)
def test_every_api_table_in_every_format(client, table: str, fmt: str) -> None:
    url = API_TABLES[table].format(area="03901001") + f"&year=2023&format={fmt}"
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    if fmt == "json":
        assert response.get_json()["count"] > 0
    else:
        assert response.mimetype == "text/csv"
        frame = pd.read_csv(io.StringIO(response.get_data(as_text=True)), dtype=str)
        assert len(frame) > 0
