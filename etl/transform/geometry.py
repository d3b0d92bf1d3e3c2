"""Geometries derived at publication: Kreise and Länder from Gemeinden, 1 km grid squares.

Pure functions over GeoDataFrames; web geometries are EPSG:4326 GeoJSON strings.
"""

from __future__ import annotations

import json
import re

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import box, mapping

WORK_CRS = "EPSG:25832"
WEB_CRS = "EPSG:4326"
INSPIRE_CRS = "EPSG:3035"
GRID_ID = re.compile(r"^(?P<size>1km|100m)N(?P<north>\d+)E(?P<east>\d+)$")


def from_hex_wkb(frame: pd.DataFrame) -> gpd.GeoDataFrame:
    """Boundaries rows (geometry_wkb hex, EPSG:25832) as a GeoDataFrame."""
    geometry = gpd.GeoSeries.from_wkb(frame["geometry_wkb"].map(bytes.fromhex), crs=WORK_CRS)
    return gpd.GeoDataFrame(frame.drop(columns=["geometry_wkb"]), geometry=geometry)


def web_geojson(geometries: gpd.GeoSeries, tolerance_m: float = 50.0) -> pd.Series:
    """Simplified GeoJSON strings in EPSG:4326; neighbours keep shared borders."""
    simplified = shapely.coverage_simplify(geometries.to_crs(WORK_CRS).values, tolerance_m)
    web = gpd.GeoSeries(simplified, crs=WORK_CRS).to_crs(WEB_CRS)
    web = web.set_precision(1e-5)
    return pd.Series([json.dumps(mapping(g)) for g in web], index=geometries.index)


def dissolve_levels(gemeinden: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Kreise (AGS[:5]) and Länder (AGS[:2]) as unions of their Gemeinden."""
    parts = []
    for level, length in (("kreis", 5), ("land", 2)):
        keyed = gemeinden.assign(area_key=gemeinden["area_key"].str[:length])
        dissolved = keyed.dissolve(by="area_key", as_index=False)[["area_key", "geometry"]]
        parts.append(dissolved.assign(level=level))
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=gemeinden.crs)


def grid_squares(cell_ids: pd.Series) -> gpd.GeoDataFrame:
    """Squares of INSPIRE grid ids (`1kmN2689E4337`, `100mN26891E43372`) in EPSG:3035."""
    squares = []
    for cell_id in cell_ids:
        match = GRID_ID.match(cell_id)
        if match is None:
            raise ValueError(f"{cell_id!r} is not an INSPIRE grid id like 1kmN2689E4337")
        size = 1000 if match["size"] == "1km" else 100
        south, west = int(match["north"]) * size, int(match["east"]) * size
        squares.append(box(west, south, west + size, south + size))
    return gpd.GeoDataFrame({"area_key": list(cell_ids)}, geometry=squares, crs=INSPIRE_CRS)


def grid_web_geojson(cell_ids: pd.Series) -> pd.DataFrame:
    """Published boundary rows for grid cells (squares need no simplification)."""
    squares = grid_squares(cell_ids)
    area_km2 = squares.area / 1e6
    web = squares.to_crs(WEB_CRS).set_precision(1e-6)
    return pd.DataFrame(
        {
            "area_key": squares["area_key"],
            "level": "grid1km",
            "area_km2": area_km2,
            "web_geojson": [json.dumps(mapping(g)) for g in web.geometry],
        }
    )
