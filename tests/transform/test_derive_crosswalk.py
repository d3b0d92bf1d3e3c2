"""Key changes derived from names and areas; mergers left to etl.transform.mergers."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from etl.transform.derive_crosswalk import base_name, derive_crosswalk

DAY = dt.date(2014, 1, 1)


def test_a_new_key_with_the_same_name_and_area_is_derived_a_merger_is_not() -> None:
    official = pd.DataFrame(
        {
            "ags": ["03152001", "03153005", "03153013", "03101000"],
            "name": ["Adelebsen, Flecken", "Goslar, Stadt", "Vienenburg, Stadt", "Braunschweig"],
            "area_km2": [75.0, 92.6, 67.0, 192.2],
        }
    )
    polygons = pd.DataFrame(
        {
            "area_key": ["03159001", "03153017", "03101000"],
            "name": ["Adelebsen", "Goslar", "Braunschweig"],
            "area_km2": [72.0, 164.1, 190.0],
        }
    )
    derived = derive_crosswalk(official, polygons, DAY)
    assert derived.rows.to_dict("records") == [
        {"old_key": "03152001", "new_key": "03159001", "weight": 1.0, "valid_from": DAY}
    ]
    assert any("Goslar" in line and "Gebietsänderung" in line for line in derived.refused)
    assert any(line.startswith("03153013") for line in derived.refused)


def test_names_shared_by_two_gemeinden_of_a_land_are_not_matched() -> None:
    official = pd.DataFrame({"ags": ["03152001"], "name": ["Neustadt"], "area_km2": [None]})
    polygons = pd.DataFrame(
        {"area_key": ["03159001", "03241020"], "name": ["Neustadt", "Neustadt"], "area_km2": 1.0}
    )
    assert derive_crosswalk(official, polygons, DAY).rows.empty


def test_base_name() -> None:
    assert base_name(" Duderstadt, Stadt ") == "Duderstadt"
