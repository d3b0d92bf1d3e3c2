"""Lists of Ortsteile for the registry: CSV, XLSX, GeoPackage/GeoJSON; name/id codes refused."""

from __future__ import annotations

import io
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from etl.errors import InputError
from etl.extract.subareas import code_problem, parse_subarea_list, read_subarea_list

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("001", None),
        ("12", None),
        ("4a", None),
        ("B12", None),
        ("0101", None),
        ("MaxMustermann_Hst12", "sieht aus wie ein Name"),
        ("Mitte", "sieht aus wie ein Name"),
        ("P000017", "sieht aus wie eine Personen- oder Laufnummer"),
        ("000017", "sieht aus wie eine Personen- oder Laufnummer"),
        ("1_2", "sieht aus wie eine Personen- oder Laufnummer"),
        ("000", "ist für „ohne Ortsteilzuordnung“ reserviert"),
    ],
)
def test_code_problem(code, problem):
    assert code_problem(code) == problem


def test_csv_list_with_semicolons_and_a_lost_leading_zero():
    data = "Schluessel;Name\n4021000-001;Mitte\n04021000-002;Nord\n04021000-002;Nord\n"
    frame = parse_subarea_list(data.encode(), "liste.csv", key="schluessel", name="NAME")
    assert frame.to_dict("records") == [
        {"area_key": "04021000-001", "municipality": "04021000", "name": "Mitte"},
        {"area_key": "04021000-002", "municipality": "04021000", "name": "Nord"},
    ]


def test_xlsx_list():
    buffer = io.BytesIO()
    pd.DataFrame({"key": ["03901001-001"], "name": ["Dorf"]}).to_excel(buffer, index=False)
    frame = parse_subarea_list(buffer.getvalue(), "liste.xlsx")
    assert frame["area_key"].tolist() == ["03901001-001"]


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (
            "key,name\n04021000-001,Mitte\n04021000-P000017,X\n",
            r"Zeile 3, Spalte 'key': .*Laufnummer",
        ),
        ("key,name\n04021000-MaxMustermann_Hst12,X\n", r"Zeile 2, Spalte 'key': .*Name"),
        ("key,name\n040210-001,X\n", r"Zeile 2, Spalte 'key': .*<AGS>-<Code>"),
        ("key,name\n04021000-001,\n", r"Zeile 2, Spalte 'name': Name fehlt"),
        ("key,name\n04021000-001,A\n04021000-001,B\n", r"Zeile 3, Spalte 'name': .*zwei"),
        ("schluessel,name\n04021000-001,A\n", r"Spalte 'key' fehlt"),
        ("key,name\n", r"keine Ortsteile"),
    ],
)
def test_errors_name_file_row_and_column(text, match):
    with pytest.raises(InputError, match=rf"Datei liste\.csv.*{match}"):
        parse_subarea_list(text.encode(), "liste.csv")


def test_sample_ortsteil_boundaries():
    frame = read_subarea_list(SAMPLES / "boundaries.gpkg", layer="ortsteile")
    assert len(frame) == 10
    assert frame.iloc[0].to_dict() == {
        "area_key": "04021000-001",
        "municipality": "04021000",
        "name": "Altstadt",
    }


def test_geojson_with_other_column_names(tmp_path):
    path = tmp_path / "ot.geojson"
    gpd.GeoDataFrame(
        {"OT_KEY": ["03901001-01", "03901001-02"], "OT_NAME": ["Ost", "West"]},
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
        crs="EPSG:25832",
    ).to_file(path)
    frame = read_subarea_list(path, key="OT_KEY", name="OT_NAME")
    assert frame["name"].tolist() == ["Ost", "West"]
    with pytest.raises(InputError, match="Datei nicht gefunden"):
        read_subarea_list(tmp_path / "missing.geojson")
    with pytest.raises(InputError, match=r"Dateityp '\.pdf' unbekannt"):
        parse_subarea_list(b"x", "liste.pdf")
