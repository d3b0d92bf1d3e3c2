"""`python -m etl import-boundaries FILE`: boundaries and areas of one level."""

from __future__ import annotations

import argparse
from pathlib import Path

from etl.app import Stores
from etl.extract.boundaries import (
    COLUMNS,
    DEFAULT_TOLERANCE_M,
    areas_from_boundaries,
    read_boundaries,
)
from etl.store import schema
from etl.store.restricted import read_table, replace_table
from etl.transform.official_release import territory_report

LEVELS = ("gemeinde", "kreis", "land", "ortsteil")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE", help="GeoPackage, Shapefile, GeoJSON")
    parser.add_argument("--layer", help="layer of a GeoPackage (e.g. vg5000_gem, vg250_gem)")
    parser.add_argument("--key", default="AGS", help="key column (default AGS)")
    parser.add_argument("--name", default="GEN", help="name column (default GEN)")
    parser.add_argument("--level", choices=LEVELS, default="gemeinde")
    parser.add_argument(
        "--tolerance",
        type=float,
        default=DEFAULT_TOLERANCE_M,
        help="simplification of the web geometry in metres (0 = none)",
    )


def run(args: argparse.Namespace, stores: Stores) -> int:
    boundaries = read_boundaries(
        args.file,
        args.layer,
        key=args.key,
        name=args.name,
        level=args.level,
        tolerance=args.tolerance,
    )
    rows = boundaries[list(COLUMNS)].assign(source=args.file.name)
    stores.migrate("restricted", "published")
    restricted = stores.restricted
    detail = {"file": args.file.name, "layer": args.layer, "level": args.level}
    replace_table(
        restricted,
        "boundaries",
        rows,
        actor="etl",
        detail=detail,
        where=schema.boundaries.c.level == args.level,
    )
    replace_table(
        restricted,
        "areas",
        areas_from_boundaries(boundaries),
        actor="etl",
        detail=detail,
        where=schema.areas.c.level == args.level,
    )
    print(
        f"{args.file.name}: {len(rows)} Flächen der Ebene {args.level}, "
        f"{rows['area_km2'].sum():.1f} km²"
    )
    if args.level == "gemeinde":
        report = territory_report(
            read_table(restricted, "official_values"),
            rows.assign(bez=boundaries["bez"].to_numpy()),
            read_table(restricted, "crosswalk"),
        )
        for line in report.lines():
            print(f"  {line}")
    return 0
