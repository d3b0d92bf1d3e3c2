"""Stores for the upload tests: a registry, a boundary, one stored upload and a release."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from etl.config import Settings
from etl.store import schema
from etl.store.contents import zone_contents
from etl.store.restricted import replace_table, save_extract
from etl.store.subareas import replace_subareas
from etl.testing import migrated_stores, tiny_bundle, write_tiny_release
from etl.uploads.testing import square_boundary

AGS = "03901001"
DATE = dt.date(2023, 12, 31)
# The municipality is the 5 km square from (500 000, 5 800 000) in EPSG:25832.
WEST, SOUTH, SIZE = 500_000.0, 5_800_000.0, 5_000.0
REGISTERED = ("001", "002", "003")


def prepare_store(settings: Settings) -> None:
    restricted = migrated_stores(settings).restricted
    registry = pd.DataFrame(
        {
            "area_key": [f"{AGS}-{code}" for code in REGISTERED],
            "municipality": AGS,
            "name": ["Mitte", "Nord", "Süd"],
        }
    )
    replace_subareas(restricted, registry, source="test", actor="test")
    replace_table(
        restricted,
        "boundaries",
        square_boundary(AGS, WEST, SOUTH, SIZE),
        actor="test",
        detail={},
        where=schema.boundaries.c.level == "gemeinde",
    )
    save_extract(restricted, tiny_bundle(AGS, dt.date(2022, 12, 31), scale=3), file_name="x")
    write_tiny_release(settings)


def both_zones(settings: Settings) -> dict[str, dict[str, list[tuple]]]:
    """Every row of the restricted and the published zone."""
    opened = migrated_stores(settings)
    restricted, publisher = opened.restricted, opened.publisher
    return {
        "restricted": zone_contents(restricted, schema.restricted),
        "published": zone_contents(publisher, schema.published),
    }
