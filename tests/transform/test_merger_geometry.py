"""Containment of old polygons in new ones confirms or refutes derived crosswalk rows."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from shapely.geometry import box

from etl.transform.merger_geometry import check_containment


def shapes(**boxes: tuple[float, float, float, float]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"area_key": list(boxes)}, geometry=[box(*b) for b in boxes.values()], crs="EPSG:25832"
    )


def test_contained_rows_are_confirmed_and_a_row_elsewhere_is_dropped() -> None:
    old = shapes(
        A=(0, 0, 1000, 1000),  # inside N
        B=(1000, 0, 2000, 1000),  # inside N up to 3 % of generalisation
        C=(5000, 0, 6000, 1000),  # far from N
        D=(9000, 0, 9500, 500),  # no new polygon for its successor
    )
    new = shapes(N=(0, 0, 1970, 1000))
    rows = pd.DataFrame(
        {
            "old_key": ["A", "B", "C", "D"],
            "new_key": ["N", "N", "N", "M"],
            "confidence": ["mittel"] * 4,
            "evidence": ["Fläche"] * 4,
        }
    )
    checked, report = check_containment(rows, old, new)
    assert checked["old_key"].tolist() == ["A", "B", "D"]
    assert checked["overlap"].tolist()[:2] == [1.0, 0.97]
    assert pd.isna(checked["overlap"].iloc[2])
    assert checked["confidence"].tolist() == ["hoch", "hoch", "mittel"]
    assert checked["evidence"].iloc[1] == "Fläche; Geometrie: 97% der alten Fläche im neuen Gebiet"
    assert checked["evidence"].iloc[2] == "Fläche"
    assert report == ["C → N: nur 0% der alten Fläche im neuen Gebiet; Zeile verworfen"]
    assert rows["confidence"].tolist() == ["mittel"] * 4  # input unchanged
