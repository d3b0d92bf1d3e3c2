"""Boundaries: coastal water, ARS-only files and coordinates that contradict the declared CRS."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

from etl.errors import InputError
from etl.extract.boundaries import read_boundaries

ORIGIN = (560_000.0, 5_670_000.0)  # EPSG:25832, near Eschwege


def squares(**columns: list) -> gpd.GeoDataFrame:
    x, y = ORIGIN
    geometries = [box(x + i * 1000, y, x + (i + 1) * 1000, y + 1000) for i in range(3)]
    return gpd.GeoDataFrame(columns, geometry=geometries[: len(next(iter(columns.values())))])


def test_coastal_water_is_not_land(tmp_path: Path) -> None:
    path = tmp_path / "lan.gpkg"
    frame = squares(AGS=["03", "03", "03"], GEN=["Niedersachsen"] * 3, GF=[9, 8, 8])
    frame.set_crs("EPSG:25832").to_file(path)
    result = read_boundaries(path, level="land", tolerance=0)
    assert result["area_km2"].tolist() == pytest.approx([1.0])


def test_files_with_only_the_12_digit_ars_import(tmp_path: Path) -> None:
    path = tmp_path / "vg250_gem.gpkg"
    frame = squares(ARS=["031519501501", "031514010002"], GEN=["Giebel", "Barwedel"], GF=[4, 4])
    frame.set_crs("EPSG:25832").to_file(path)
    result = read_boundaries(path, tolerance=0)
    assert result["area_key"].tolist() == ["03151002", "03151501"]


def test_utm_coordinates_declared_as_wgs84_are_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "falsch.geojson"
    x, y = ORIGIN
    features = [
        {
            "type": "Feature",
            "properties": {"AGS": "06636001", "GEN": "West"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[x, y], [x + 1000, y], [x + 1000, y + 1000], [x, y]]],
            },
        }
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    with pytest.raises(InputError, match=r"falsch\.geojson.*passen nicht zum angegebenen"):
        read_boundaries(path)


def test_coordinates_far_outside_a_projected_crs_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "verschoben.gpkg"
    # Geographic degrees declared as EPSG:25832: a square near (10, 51) metres off Africa.
    frame = gpd.GeoDataFrame({"AGS": ["06636001"], "GEN": ["West"]}, geometry=[box(10, 51, 11, 52)])
    frame.set_crs("EPSG:25832").to_file(path)
    with pytest.raises(InputError, match=r"verschoben\.gpkg.*EPSG:25832"):
        read_boundaries(path)
