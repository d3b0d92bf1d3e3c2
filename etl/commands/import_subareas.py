"""`python -m etl import-subareas FILE`: register the Ortsteil keys uploads may use."""

from __future__ import annotations

import argparse
from pathlib import Path

from etl.app import Stores
from etl.extract.subareas import read_subarea_list
from etl.store.subareas import replace_subareas


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file",
        type=Path,
        metavar="FILE",
        help="Ortsteil boundaries (GeoPackage, GeoJSON, Shapefile) or a CSV/XLSX list",
    )
    parser.add_argument("--layer", help="layer of a GeoPackage (e.g. ortsteile)")
    parser.add_argument("--key", default="key", help="key column, <AGS>-<code> (default key)")
    parser.add_argument("--name", default="name", help="name column (default name)")
    parser.add_argument("--actor", default="etl", help="who registers (for the audit log)")


def run(args: argparse.Namespace, stores: Stores) -> int:
    # The whole list is checked before the store is opened: an error registers nothing.
    subareas = read_subarea_list(args.file, key=args.key, name=args.name, layer=args.layer)
    stores.migrate("restricted", "published")
    restricted = stores.restricted
    publisher = stores.publisher
    try:
        replace_subareas(restricted, subareas, source=args.file.name, actor=args.actor)
    finally:
        restricted.dispose()
        publisher.dispose()
    counts = subareas.groupby("municipality").size()
    for municipality, count in counts.items():
        print(f"{args.file.name}: {count} Ortsteile für {municipality} registriert")
    return 0
