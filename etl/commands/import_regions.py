"""`python -m etl import-regions FILE`: replace the predefined region sets."""

from __future__ import annotations

import argparse
from pathlib import Path

from etl.app import Stores
from etl.errors import InputError
from etl.extract.regions import read_regions
from etl.store.restricted import read_table, replace_table


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file",
        type=Path,
        metavar="FILE",
        help="CSV or XLSX: region_set, region_key, region_name, member_key",
    )


def run(args: argparse.Namespace, stores: Stores) -> int:
    stores.migrate("restricted", "published")
    restricted = stores.restricted
    areas = read_table(restricted, "areas")
    municipalities = areas.loc[areas["level"] == "gemeinde", "area_key"]
    if municipalities.empty:
        raise InputError(
            "Keine Gemeinden im Gebietsbestand: erst `python -m etl import-boundaries` ausführen.",
            file=str(args.file),
        )
    regions = read_regions(args.file, municipalities)
    replace_table(restricted, "region_sets", regions, actor="etl", detail={"file": args.file.name})
    count = regions.groupby("region_set")["region_key"].nunique()
    for region_set, n in count.items():
        print(f"{region_set}: {n} Regionen")
    print(f"{args.file.name}: {len(regions)} Zuordnungen Region–Gemeinde gespeichert")
    return 0
