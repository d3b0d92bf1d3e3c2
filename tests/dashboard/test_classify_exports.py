"""Class breaks and palettes; exports (CSV both flavours, XLSX, GeoPackage)."""

from __future__ import annotations

import io
import json

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest
from shapely.geometry import box, mapping

from dashboard import classify, exports
from etl.symbols import NOT_AVAILABLE, PUBLISHED, SUPPRESSED, ZERO

VALUES = np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 100, np.nan])


@pytest.mark.parametrize("method", classify.METHODS)
def test_breaks_end_at_maximum_and_are_sorted(method: str) -> None:
    bounds = classify.breaks(VALUES, method, 4)
    assert bounds == sorted(bounds) and bounds[-1] == 100.0
    assert len(bounds) <= 4


def test_class_index_and_palettes() -> None:
    classes = classify.class_index(np.array([1.0, 5.0, 6.0, np.nan]), [5.0, 10.0])
    assert classes[:3].tolist() == [0, 0, 1] and np.isnan(classes[3])
    for palette in classify.PALETTES:
        assert len(classify.colors(palette, 7)) == 7
    with pytest.raises(ValueError, match="unbekannt"):
        classify.breaks(VALUES, "jenks", 5)


FRAME = pd.DataFrame(
    {
        "area_key": ["03901001", "03901002", "03901003", "04021000"],
        "name": ['=HYPERLINK("x")', "+Brinkum", "Kleinmoor", "@Weserhaven"],
        "value": [1234.5, None, 0.0, -2.5],
        "status": [PUBLISHED, SUPPRESSED, ZERO, PUBLISHED],
    }
)
INFO = {
    "release_id": "R0001-20240101",
    "min_count": 3,
    "protection": 0.3,
    "attribution": "Daten: Stadt -Test",
    "sources": {"uploads": ["u1"]},
}
META = exports.metadata_lines(INFO, "population gemeinde 2023")


def test_csv_german_excel_parses_back() -> None:
    content = exports.to_csv(FRAME, META, excel_de=True)
    assert content.startswith("\ufeff".encode())
    text = content.decode("utf-8-sig")
    assert "# Veröffentlichung: R0001-20240101" in text
    assert "# Mindestfallzahl k: 3" in text and "Quellenvermerk: Daten: Stadt -Test" in text
    assert "1234,5" in text and ";" in text
    back = exports.read_csv(content, excel_de=True)
    assert back["value"].iloc[0] == pytest.approx(1234.5)
    assert back["value"].iloc[3] == pytest.approx(-2.5)  # numbers are not neutralised
    assert back["area_key"].tolist() == FRAME["area_key"].tolist()
    assert back["symbol"].fillna("").tolist() == ["", "•", "–", ""]
    assert pd.isna(back["value"].iloc[1])  # suppressed: no number


def test_formula_cells_are_neutralised() -> None:
    back = exports.read_csv(exports.to_csv(FRAME, META, excel_de=False), excel_de=False)
    assert back["name"].tolist() == ['\'=HYPERLINK("x")', "'+Brinkum", "Kleinmoor", "'@Weserhaven"]
    assert exports.neutralise("– 3") == "– 3"  # the zero symbol is an en dash, not a minus
    assert exports.neutralise("-3") == "'-3"


def test_xlsx_opens_with_openpyxl() -> None:
    book = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx(FRAME, META)))
    assert book.sheetnames == ["Daten", "Metadaten"]
    data = list(book["Daten"].values)
    assert data[0][:4] == ("area_key", "name", "value", "status")
    assert data[1][1].startswith("'=") and data[1][2] == 1234.5
    assert data[2][4] == "•"
    meta = dict(list(book["Metadaten"].values)[1:])
    assert meta["Veröffentlichung"] == "R0001-20240101"


def test_geopackage_opens_with_geopandas(tmp_path) -> None:
    geometries = {
        k: json.dumps(mapping(box(i, 0, i + 1, 1))) for i, k in enumerate(FRAME["area_key"])
    }
    path = tmp_path / "out.gpkg"
    path.write_bytes(exports.to_geopackage(FRAME, geometries, META))
    layer = gpd.read_file(path, layer="daten")
    assert len(layer) == 4 and layer.crs.to_epsg() == 4326
    assert layer["status"].tolist()[1] == SUPPRESSED and layer["symbol"].tolist()[1] == "•"
    assert NOT_AVAILABLE not in layer["status"].tolist()


def test_csv_with_an_attribution_of_several_lines_reads_back() -> None:
    """The release attribution has one line per source; the CSV stays one table."""
    import pandas as pd

    from dashboard.exports import read_csv, to_csv

    frame = pd.DataFrame({"area_key": ["03901001"], "value": [12], "status": ["published"]})
    meta = [("Quellenvermerk", "© GeoBasis-DE / BKG\n© Statistische Ämter\n=HYPERLINK(1)")]
    for excel_de in (False, True):
        content = to_csv(frame, meta, excel_de=excel_de)
        assert "#   '=HYPERLINK(1)" in content.decode("utf-8-sig")
        back = read_csv(content, excel_de=excel_de)
        assert back["area_key"].tolist() == ["03901001"]
        assert back["value"].tolist() == [12]
