"""Reader of administrative boundaries: GeoPackage, Shapefile or GeoJSON in any CRS.

Built for the BKG VG250/VG5000 schema (AGS, ARS, GEN, BEZ, GF) but any key and name column
works. Parts sharing a key are dissolved into one (multi)polygon; water parts are dropped, so a
municipality is the union of its land parts (BKG Geofaktor GF: 1/2 water without/with structure,
8 coastal water (Küstengewässer, VG250/VG5000 Länder and Staat layers); 3/4 and 9 land).
Output: one row per area with the full-resolution geometry in EPSG:25832 (hex WKB), its area
and a simplified EPSG:4326 GeoJSON whose neighbours still share their borders
(coverage simplification).
"""

from __future__ import annotations

import json
import logging
import warnings
from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyogrio.errors import DataLayerError, DataSourceError
from shapely.errors import GEOSException

from etl.errors import InputError
from etl.transform.territory import ars_to_ags, normalise_ags

log = logging.getLogger(__name__)

METRIC_CRS: Final = "EPSG:25832"
WEB_CRS: Final = "EPSG:4326"
WATER_GF: Final = (1, 2, 8)  # BKG Geofaktor: 1/2 water, 8 coastal water; 3/4 and 9 land
DEFAULT_TOLERANCE_M: Final = 75.0
KEY_LENGTH: Final = {"land": 2, "kreis": 5, "gemeinde": 8}
COLUMNS: Final = ("area_key", "level", "name", "bez", "area_km2", "geometry_wkb", "web_geojson")


def read_boundaries(
    path: str | Path,
    layer: str | None = None,
    *,
    key: str = "AGS",
    name: str = "GEN",
    level: str = "gemeinde",
    tolerance: float = DEFAULT_TOLERANCE_M,
) -> gpd.GeoDataFrame:
    """One row per area: area_key, level, name, bez, area_km2, geometry_wkb, web_geojson and
    the geometry (EPSG:25832). Raises InputError for unreadable files, a missing CRS, missing
    columns or keys that do not fit the level."""
    file = str(path)
    raw = _read(path, layer, file)
    if key == "AGS" and key not in raw.columns and "ARS" in raw.columns:
        key = "ARS"  # VG250 files that carry only the 12-digit Regionalschlüssel
    for column in (key, name):
        if column not in raw.columns:
            raise InputError(
                f"Spalte {column!r} fehlt; vorhanden: {', '.join(map(str, raw.columns))}. "
                "Mit --key/--name die richtige Spalte angeben.",
                file=file,
                column=column,
            )
    if raw.crs is None:
        raise InputError(
            "Koordinatenreferenzsystem fehlt (.prj bzw. CRS). Datei mit gesetztem CRS neu "
            "exportieren, z. B. ogr2ogr -a_srs EPSG:25832 neu.gpkg alt.shp.",
            file=file,
        )
    check_coordinates(raw, file)
    land = _drop_water(raw, file)
    land = land.assign(area_key=_keys(land[key], level, file, key), name=land[name].astype(str))
    try:
        return _finish(_dissolve(land, file), level, tolerance)
    except GEOSException as error:
        raise InputError(
            f"Geometrie nicht verarbeitbar ({error}); Datei prüfen.", file=file
        ) from error


def _read(path: str | Path, layer: str | None, file: str) -> gpd.GeoDataFrame:
    if not Path(path).is_file():
        raise InputError("Datei nicht gefunden; Pfad prüfen.", file=file)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            frame = gpd.read_file(path, layer=layer, engine="pyogrio")
    except (
        DataSourceError,
        DataLayerError,
        GEOSException,
        ValueError,
        TypeError,
        OSError,
    ) as error:
        hint = f" Ebene {layer!r} vorhanden?" if layer else ""
        raise InputError(
            f"keine lesbare Geodatei (GeoPackage, Shapefile, GeoJSON): {error}.{hint}", file=file
        ) from error
    if not isinstance(frame, gpd.GeoDataFrame) or "geometry" not in frame:
        raise InputError("Datei enthält keine Geometrien.", file=file)
    if frame.empty:
        raise InputError("Datei enthält keine Flächen.", file=file)
    return frame


def _drop_water(frame: gpd.GeoDataFrame, file: str) -> gpd.GeoDataFrame:
    if "GF" not in frame.columns:
        return frame
    water = pd.to_numeric(frame["GF"], errors="coerce").isin(WATER_GF)
    if water.any():
        log.info("%s: %d Wasserflächen (GF 1/2/8) verworfen", file, int(water.sum()))
    land = frame[~water]
    if land.empty:
        raise InputError("nur Wasserflächen (GF 1/2/8), keine Landflächen.", file=file, column="GF")
    return land


def _keys(values: pd.Series, level: str, file: str, column: str) -> pd.Series:
    """Keys as strings of the level's length; integers lose leading zeros, so re-pad them."""
    if level not in (*KEY_LENGTH, "ortsteil"):
        raise InputError(f"Ebene {level!r} unbekannt: gemeinde, kreis, land oder ortsteil.")
    keys = []
    for row, value in enumerate(values, start=1):
        text = str(value).strip()
        if text.endswith(".0") and text[:-2].isdigit():
            text = text[:-2]
        if level in KEY_LENGTH and text.isdigit() and len(text) in (11, 12):
            text = _from_ars(text, level)
        if level in KEY_LENGTH and text.isdigit():
            text = text.zfill(KEY_LENGTH[level])
        if not _valid_key(text, level):
            raise InputError(
                f"Schlüssel {value!r} passt nicht zur Ebene {level!r}; --key und --level prüfen.",
                file=file,
                row=row,
                column=column,
            )
        keys.append(text)
    return pd.Series(keys, index=values.index, dtype="str")


def _from_ars(text: str, level: str) -> str:
    """The key of a level from a 12-digit ARS (an 11-digit one lost its leading zero)."""
    ars = text.zfill(12)
    if level == "gemeinde":
        try:
            return ars_to_ags(ars)
        except ValueError:
            return text
    return ars[: KEY_LENGTH[level]]


def check_coordinates(frame: gpd.GeoDataFrame, file: str) -> None:
    """Refuse coordinates that cannot lie in the declared CRS (e.g. UTM metres as WGS84)."""
    west, south, east, north = frame.total_bounds
    crs = frame.crs
    if crs.is_geographic:
        inside = -180 <= west <= east <= 180 and -90 <= south <= north <= 90
    else:
        area = crs.area_of_use
        if area is None:
            return
        geographic = frame.to_crs(WEB_CRS).total_bounds if np.isfinite(west) else None
        margin = 5.0  # degrees: the area of use is advisory, not a hard edge
        inside = geographic is not None and (
            area.west - margin <= geographic[0] <= geographic[2] <= area.east + margin
            and area.south - margin <= geographic[1] <= geographic[3] <= area.north + margin
        )
    if not inside:
        raise InputError(
            f"Koordinaten (Bereich {west:.2f}, {south:.2f} bis {east:.2f}, {north:.2f}) passen "
            f"nicht zum angegebenen Koordinatenreferenzsystem {crs.to_string()}; die Datei ist "
            "falsch deklariert. Mit dem richtigen CRS neu exportieren, z. B. ogr2ogr -a_srs "
            "EPSG:25832 neu.gpkg alt.geojson.",
            file=file,
        )


def _valid_key(text: str, level: str) -> bool:
    if level == "ortsteil":
        head, _, tail = text.partition("-")
        return bool(tail) and _valid_key(head, "gemeinde")
    if level == "gemeinde":
        try:
            return normalise_ags(text) == text
        except ValueError:
            return False
    return text.isdigit() and len(text) == KEY_LENGTH[level]


def _dissolve(frame: gpd.GeoDataFrame, file: str) -> gpd.GeoDataFrame:
    """Repair, then union the parts of each key (exclaves, islands, land parts)."""
    geometry = shapely.make_valid(frame.geometry.values)
    frame = frame.set_geometry(gpd.GeoSeries(geometry, index=frame.index, crs=frame.crs))
    frame = frame[~frame.geometry.is_empty & frame.geometry.notna()]
    if frame.empty:
        raise InputError("keine gültigen Flächen-Geometrien.", file=file)
    try:
        frame = frame.to_crs(METRIC_CRS)
    except Exception as error:  # pyproj raises several types for impossible transforms
        raise InputError(
            f"Umrechnung nach {METRIC_CRS} nicht möglich ({error}).", file=file
        ) from error
    bez = frame["BEZ"].astype(str) if "BEZ" in frame.columns else pd.Series("", index=frame.index)
    frame = frame.assign(bez=bez)[["area_key", "name", "bez", "geometry"]]
    dissolved = frame.dissolve(by="area_key", aggfunc="first", sort=True).reset_index()
    polygons = dissolved.geometry.apply(_polygonal)
    if polygons.is_empty.any():
        bad = dissolved.loc[polygons.is_empty, "area_key"].tolist()
        raise InputError(f"keine Flächen-Geometrie für {bad[:5]}.", file=file)
    return dissolved.set_geometry(gpd.GeoSeries(polygons.values, crs=METRIC_CRS))


def _polygonal(geometry: shapely.Geometry) -> shapely.Geometry:
    """Only the (multi)polygon part: make_valid may leave lines or points."""
    parts = [g for g in shapely.get_parts(geometry) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.MultiPolygon()


def _finish(frame: gpd.GeoDataFrame, level: str, tolerance: float) -> gpd.GeoDataFrame:
    simplified = simplify_coverage(frame.geometry.values, tolerance)
    web = gpd.GeoSeries(simplified, crs=METRIC_CRS).to_crs(WEB_CRS)
    result = frame.assign(
        level=level,
        area_km2=(frame.geometry.area / 1e6).round(4),
        geometry_wkb=shapely.to_wkb(frame.geometry.values, hex=True),
        web_geojson=[_geojson(g) for g in web.values],
    )
    return result[[*COLUMNS, "geometry"]]


def simplify_coverage(geometries: np.ndarray, tolerance: float) -> np.ndarray:
    """Topology-preserving simplification: shared borders stay shared (shapely >= 2.1).

    Falls back to per-feature simplification (borders may then drift apart by up to the
    tolerance) when shapely is older or the polygons are not a clean coverage.
    """
    if tolerance <= 0:
        return geometries
    if hasattr(shapely, "coverage_simplify"):
        try:
            return shapely.coverage_simplify(geometries, tolerance)
        except GEOSException as error:
            log.warning(
                "Flächen bilden keine saubere Überdeckung (%s); einfache Vereinfachung", error
            )
    return shapely.simplify(geometries, tolerance, preserve_topology=True)


def _geojson(geometry: shapely.Geometry) -> str:
    """GeoJSON geometry with coordinates rounded to 5 decimals (about 1 m)."""
    rounded = shapely.set_precision(geometry, 1e-5)
    if rounded.is_empty:
        rounded = geometry
    return json.dumps(shapely.geometry.mapping(rounded), separators=(",", ":"))


def areas_from_boundaries(boundaries: pd.DataFrame) -> pd.DataFrame:
    """Rows of the `areas` table: key, level, name and the parent derived from the key."""
    parents = {"gemeinde": 5, "kreis": 2, "ortsteil": 8, "land": 0}
    frame = pd.DataFrame(
        {
            "area_key": boundaries["area_key"].astype(str),
            "level": boundaries["level"],
            "name": boundaries["name"],
        }
    )
    frame["parent_key"] = [
        key[: parents[level]] or None
        for key, level in zip(frame["area_key"], frame["level"], strict=True)
    ]
    frame["valid_from"] = None
    frame["valid_to"] = None
    return frame.reset_index(drop=True)
