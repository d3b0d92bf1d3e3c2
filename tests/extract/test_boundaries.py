"""read_boundaries on small synthetic polygons in every format, and on the real VG5000."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Polygon, box

from etl.errors import InputError
from etl.extract.boundaries import areas_from_boundaries, read_boundaries

# Two neighbours sharing the border x = 1000 (EPSG:25832 metres, near Eschwege), with a water
# part (GF 2) of the first one and a jagged shared border to simplify.
ORIGIN = (560_000.0, 5_670_000.0)


def shifted(geometry):
    return shapely.affinity.translate(geometry, *ORIGIN)


def jagged_border() -> list[tuple[float, float]]:
    return [(1000 + (5 if i % 2 else -5), i * 50.0) for i in range(21)]  # 0..1000 in y


def synthetic() -> gpd.GeoDataFrame:
    border = jagged_border()
    west = Polygon([(0, 0), *border, (0, 1000)])
    east = Polygon([*border, (2000, 1000), (2000, 0)])
    water = box(-300, 0, 0, 1000)
    return gpd.GeoDataFrame(
        {
            "AGS": ["06636001", "06636002", "06636001"],
            "GEN": ["West", "Ost", "West"],
            "BEZ": ["Stadt", "Gemeinde", "Stadt"],
            "GF": [4, 4, 2],
        },
        geometry=[shifted(west), shifted(east), shifted(water)],
        crs="EPSG:25832",
    )


@pytest.mark.parametrize(
    ("suffix", "driver", "crs"),
    [
        ("gpkg", "GPKG", "EPSG:25832"),
        ("shp", "ESRI Shapefile", "EPSG:3035"),
        ("geojson", "GeoJSON", "EPSG:4326"),
    ],
)
def test_formats_and_crs(tmp_path: Path, suffix: str, driver: str, crs: str) -> None:
    path = tmp_path / f"gemeinden.{suffix}"
    synthetic().to_crs(crs).to_file(path, driver=driver)
    result = read_boundaries(path, tolerance=20)
    assert result["area_key"].tolist() == ["06636001", "06636002"]
    assert result["name"].tolist() == ["West", "Ost"]
    assert result["bez"].tolist() == ["Stadt", "Gemeinde"]
    # 1 km x 1 km each: the water part (GF 2) is not part of the municipality
    assert result["area_km2"].tolist() == pytest.approx([1.0, 1.0], abs=1e-3)
    full = shapely.from_wkb(result["geometry_wkb"].iloc[0])
    assert full.bounds[0] == pytest.approx(ORIGIN[0], abs=0.01)  # stored in EPSG:25832
    web = [shapely.geometry.shape(json.loads(g)) for g in result["web_geojson"]]
    assert 9 < web[0].bounds[0] < 11 and 50 < web[0].bounds[1] < 52  # lon/lat
    # neighbours still share their (simplified) border: no gap, no overlap
    shared = web[0].intersection(web[1])
    assert shared.length > 0.005 and shared.area < 1e-12


def test_simplification_keeps_shared_border(tmp_path: Path) -> None:
    path = tmp_path / "g.gpkg"
    synthetic().to_file(path)
    fine = read_boundaries(path, tolerance=0)
    coarse = read_boundaries(path, tolerance=50)
    points = [len(json.loads(g)["coordinates"][0]) for g in coarse["web_geojson"]]
    assert points < [len(json.loads(g)["coordinates"][0]) for g in fine["web_geojson"]]
    west, east = (shapely.geometry.shape(json.loads(g)) for g in coarse["web_geojson"])
    assert west.intersection(east).area < 1e-12
    assert west.union(east).area == pytest.approx(
        sum(shapely.geometry.shape(json.loads(g)).area for g in coarse["web_geojson"]), rel=1e-6
    )
    assert all(
        len(str(c).split(".")[-1]) <= 5
        for c in json.loads(coarse["web_geojson"].iloc[0])["coordinates"][0][0]
    )


def test_integer_keys_are_repadded(tmp_path: Path) -> None:
    frame = synthetic()
    frame["AGS"] = frame["AGS"].astype(int)  # 6636001: the leading zero is gone
    path = tmp_path / "int.gpkg"
    frame.to_file(path)
    assert read_boundaries(path)["area_key"].tolist() == ["06636001", "06636002"]


def test_kreis_level_and_areas_table(tmp_path: Path) -> None:
    frame = synthetic().assign(KRS=["06636", "06636", "06636"], NAME=["WMK"] * 3)
    path = tmp_path / "k.gpkg"
    frame.to_file(path)
    kreise = read_boundaries(path, key="KRS", name="NAME", level="kreis")
    assert kreise["area_key"].tolist() == ["06636"]
    assert kreise["area_km2"].iloc[0] == pytest.approx(2.0, abs=1e-3)
    gemeinden = read_boundaries(path)
    assert areas_from_boundaries(kreise)[["area_key", "level", "parent_key"]].values.tolist() == [
        ["06636", "kreis", "06"]
    ]
    assert areas_from_boundaries(gemeinden)["parent_key"].tolist() == ["06636", "06636"]


def test_invalid_geometry_is_repaired(tmp_path: Path) -> None:
    bowtie = Polygon([(0, 0), (1000, 1000), (1000, 0), (0, 1000)])  # self-intersecting
    frame = gpd.GeoDataFrame(
        {"AGS": ["06636001"], "GEN": ["Schleife"]}, geometry=[shifted(bowtie)], crs="EPSG:25832"
    )
    path = tmp_path / "bowtie.gpkg"
    frame.to_file(path)
    result = read_boundaries(path)
    assert shapely.from_wkb(result["geometry_wkb"].iloc[0]).is_valid
    assert result["area_km2"].iloc[0] == pytest.approx(0.5, abs=1e-3)


@pytest.mark.filterwarnings("ignore:.crs. was not provided")
def test_missing_crs_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "ohne.shp"
    synthetic().set_crs(None, allow_override=True).to_file(path)
    with pytest.raises(InputError, match=r"Koordinatenreferenzsystem fehlt.*EPSG"):
        read_boundaries(path)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"key": "ARS"}, r"Spalte 'ARS' fehlt.*--key"),
        ({"name": "NAME"}, r"Spalte 'NAME' fehlt"),
        ({"level": "kreis"}, r"Zeile 1, Spalte 'AGS'.*passt nicht zur Ebene 'kreis'"),
        ({"layer": "nope"}, r"Ebene 'nope' vorhanden"),
    ],
)
def test_errors(tmp_path: Path, kwargs: dict, message: str) -> None:
    path = tmp_path / "g.gpkg"
    synthetic().to_file(path)
    with pytest.raises(InputError, match=message):
        read_boundaries(path, **kwargs)


def test_only_water_and_not_a_geofile(tmp_path: Path) -> None:
    path = tmp_path / "w.gpkg"
    synthetic().iloc[[2]].to_file(path)
    with pytest.raises(InputError, match="nur Wasserflächen"):
        read_boundaries(path)
    text = tmp_path / "x.geojson"
    text.write_text("kein json")
    with pytest.raises(InputError, match="keine lesbare Geodatei"):
        read_boundaries(text)
    with pytest.raises(InputError, match="nicht gefunden"):
        read_boundaries(tmp_path / "fehlt.gpkg")


@pytest.mark.real_samples
def test_real_vg5000(real_samples: Path) -> None:
    path = real_samples / "vg5000_2021-01-01_gemeinden_werra-meissner.gpkg"
    result = read_boundaries(path, layer="vg5000_gem")
    assert len(result) == 17
    assert result["area_key"].str.fullmatch(r"06636\d{3}").all()
    assert result.set_index("area_key").loc["06636003", "name"] == "Eschwege"
    assert result.set_index("area_key").loc["06636200", "bez"] == "Gemeindefreies Gebiet"
    assert result["area_km2"].sum() == pytest.approx(1023, rel=0.01)  # Werra-Meißner-Kreis
    web = gpd.GeoSeries([shapely.geometry.shape(json.loads(g)) for g in result["web_geojson"]])
    assert web.is_valid.all()
    overlaps = sum(
        web.iloc[i].intersection(web.iloc[j]).area for i in range(17) for j in range(i + 1, 17)
    )
    assert overlaps < 1e-9
