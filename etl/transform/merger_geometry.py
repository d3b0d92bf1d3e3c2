"""Geometric evidence for derived crosswalk rows: how much of an old area lies in its new one.

Pure. With boundaries of the old status (an earlier VG250/VG5000) beside those of the new,
containment is the strongest evidence: an old Gemeinde that merged lies (up to the
generalisation of the polygons) inside its successor. A row whose old area lies mostly
elsewhere contradicts the tables and is dropped and reported, never kept.
"""

from __future__ import annotations

from typing import Final

import geopandas as gpd
import pandas as pd

CONTAINED: Final = 0.9  # share of the old area inside the new one that confirms a row
CONTRADICTED: Final = 0.5  # below this the row is dropped


def check_containment(
    rows: pd.DataFrame, old: gpd.GeoDataFrame, new: gpd.GeoDataFrame
) -> tuple[pd.DataFrame, list[str]]:
    """rows (old_key, new_key, confidence, evidence, ...) with `overlap`: the share of the old
    polygon's area inside the new polygon (NA where a polygon is missing). Rows at or above
    CONTAINED become confidence 'hoch'; rows below CONTRADICTED are dropped and reported.
    `old` and `new`: area_key and geometry in one metric CRS. The input is not changed."""
    old_shapes = old.set_index("area_key").geometry
    new_shapes = new.set_index("area_key").geometry.to_crs(old.crs)
    overlap = [
        _share(old_shapes.get(o), new_shapes.get(n))
        for o, n in zip(rows["old_key"], rows["new_key"], strict=True)
    ]
    result = rows.assign(overlap=pd.array(overlap, dtype="Float64"))
    known = result["overlap"].notna()
    confirmed = known & (result["overlap"] >= CONTAINED)
    result.loc[confirmed, "confidence"] = "hoch"
    result.loc[known, "evidence"] = result.loc[known].apply(
        lambda r: (
            f"{r['evidence']}; Geometrie: {r['overlap']:.0%} der alten Fläche im neuen Gebiet"
        ),
        axis=1,
    )
    contradicted = known & (result["overlap"] < CONTRADICTED)
    report = [
        f"{r.old_key} → {r.new_key}: nur {r.overlap:.0%} der alten Fläche im neuen Gebiet; "
        "Zeile verworfen"
        for r in result[contradicted].itertuples()
    ]
    return result[~contradicted].reset_index(drop=True), report


def _share(old: object, new: object) -> float | None:
    if old is None or new is None or old.is_empty or old.area == 0:
        return None
    return float(old.intersection(new).area / old.area)
