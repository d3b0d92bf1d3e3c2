"""`python -m etl derive-crosswalk FILE... --out CSV`: key changes and mergers from the files.

Reads GENESIS tables (populations, names, Samtgemeinde listings, the area table 11111 when
given) and the Gemeinde boundaries already imported, and writes for review the crosswalk of
every Gemeinde whose key changed without a change of territory (same name, same area) and of
every merger the files show (etl.transform.mergers), with confidence and evidence columns;
ambiguous Kreise are printed, not guessed. Import it with `python -m etl import-crosswalk CSV`.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import pandas as pd

from etl.app import Stores
from etl.errors import InputError
from etl.extract.boundaries import read_boundaries
from etl.extract.genesis import GenesisTable, read_genesis
from etl.extract.genesis.facts import territory_facts
from etl.store.restricted import read_table
from etl.transform.derive_crosswalk import derive_crosswalk
from etl.transform.geometry import from_hex_wkb
from etl.transform.merger_geometry import check_containment
from etl.transform.mergers import MERGER_COLUMNS, derive_mergers

AREA_MEASURE = "area_ha"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="GENESIS CSV exports")
    parser.add_argument("--out", type=Path, required=True, help="crosswalk CSV to write")
    parser.add_argument(
        "--old-boundaries",
        type=Path,
        metavar="FILE",
        help="Gemeinde boundaries of the tables' status (an earlier VG250/VG5000): the share "
        "of each old area inside its new one confirms or refutes every derived row",
    )
    parser.add_argument("--old-layer", help="layer of --old-boundaries (GeoPackage)")


def official_gemeinden(tables: list[GenesisTable]) -> tuple[pd.DataFrame, int]:
    """ags, name and area (km², latest year of the area table) of the tables' Gemeinden."""
    frames, areas, years = [], [], []
    for table in tables:
        data = table.data
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
    tables = [read_genesis(path) for path in args.files]
    official, last_year = official_gemeinden(tables)
    stores.migrate("restricted", "published")
    restricted = stores.restricted
    boundaries = read_table(restricted, "boundaries")
    polygons = boundaries[boundaries["level"] == "gemeinde"]
    if polygons.empty:
        raise InputError("Erst Gemeindegrenzen importieren (import-boundaries --level gemeinde).")
    renamed = derive_crosswalk(official, polygons, dt.date(last_year + 1, 1, 1))
    mergers = derive_mergers(territory_facts(tables), polygons, renamed.rows)
    renames = renamed.rows.assign(
        confidence="hoch",
        evidence="gleicher Name, Fläche innerhalb 15 % (nur neuer Schlüssel)",
    )
    rows = pd.concat([renames, mergers.rows], ignore_index=True)
    rows = rows.reindex(columns=[*MERGER_COLUMNS, "overlap"])
    refuted: list[str] = []
    if args.old_boundaries:
        old = read_boundaries(args.old_boundaries, args.old_layer, level="gemeinde")
        rows, refuted = check_containment(rows, old, from_hex_wkb(polygons))
    rows.to_csv(args.out, index=False)
    merged = mergers.rows["new_key"].nunique()
    print(
        f"{args.out}: {len(renamed.rows)} Schlüsseländerungen (gleicher Name, gleiche Fläche), "
        f"{len(mergers.rows)} Zeilen für {merged} Zusammenschlüsse "
        f"({int((mergers.rows['confidence'] == 'hoch').sum())} hoch, "
        f"{int((mergers.rows['confidence'] == 'mittel').sum())} mittel)"
    )
    merged_old = set(mergers.rows["old_key"])
    for line in renamed.refused:
        if line[:8] not in merged_old:
            print(f"  nicht abgeleitet: {line}")
    for line in mergers.ambiguous:
        print(f"  mehrdeutig, nicht abgeleitet: {line}")
    for line in mergers.without_successor:
        print(f"  {line}")
    for line in refuted:
        print(f"  durch die Geometrie widerlegt: {line}")
    return 0
