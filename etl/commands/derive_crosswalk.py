"""`python -m etl derive-crosswalk FILE... --out CSV`: key changes between tables and boundaries.

Reads GENESIS tables (names and keys of their Gemeinden, the area table 11111 when given) and
the Gemeinde boundaries already imported, and writes the crosswalk of every Gemeinde whose key
changed without a change of territory (same name, same area) for review; import it with
`python -m etl import-crosswalk CSV`.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import pandas as pd

from etl.app import Stores
from etl.errors import InputError
from etl.extract.genesis import read_genesis
from etl.store.restricted import read_table
from etl.transform.derive_crosswalk import derive_crosswalk

AREA_MEASURE = "area_ha"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="GENESIS CSV exports")
    parser.add_argument("--out", type=Path, required=True, help="crosswalk CSV to write")


def _official_gemeinden(files: list[Path]) -> tuple[pd.DataFrame, int]:
    """ags, name and area (km², latest year of the area table) of the tables' Gemeinden."""
    frames, areas, years = [], [], []
    for path in files:
        data = read_genesis(path).data
        data = data[data["level"] == "gemeinde"]
        frames.append(data[["ags", "name"]])
        years.append(int(data["year"].max()))
        area = data[(data["measure"] == AREA_MEASURE) & data["value"].notna()]
        if not area.empty:
            latest = area[area["year"] == area["year"].max()]
            areas.append(latest.groupby("ags")["value"].first() / 100)
    names = pd.concat(frames).drop_duplicates("ags")
    area_km2 = pd.concat(areas) if areas else pd.Series(dtype="float64")
    names = names.assign(area_km2=names["ags"].map(area_km2))
    return names, max(years)


def run(args: argparse.Namespace, stores: Stores) -> int:
    official, last_year = _official_gemeinden(args.files)
    stores.migrate("restricted", "published")
    restricted = stores.restricted
    boundaries = read_table(restricted, "boundaries")
    polygons = boundaries[boundaries["level"] == "gemeinde"]
    if polygons.empty:
        raise InputError("Erst Gemeindegrenzen importieren (import-boundaries --level gemeinde).")
    derived = derive_crosswalk(official, polygons, dt.date(last_year + 1, 1, 1))
    derived.rows.to_csv(args.out, index=False)
    print(f"{args.out}: {len(derived.rows)} Schlüsseländerungen (gleicher Name, gleiche Fläche)")
    for line in derived.refused:
        print(f"  nicht abgeleitet: {line}")
    return 0
