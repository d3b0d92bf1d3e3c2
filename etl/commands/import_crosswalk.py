"""`python -m etl import-crosswalk FILE`: replace the territorial crosswalk."""

from __future__ import annotations

import argparse
from pathlib import Path

from etl.app import Stores
from etl.extract.crosswalk import read_crosswalk
from etl.store.restricted import read_table, replace_tables
from etl.transform.crosswalk import validity_from_crosswalk


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file",
        type=Path,
        metavar="FILE",
        help="CSV: old_key, new_key, weight, valid_from (YYYY-MM-DD)",
    )


def run(args: argparse.Namespace, stores: Stores) -> int:
    crosswalk = read_crosswalk(args.file)
    stores.migrate("restricted", "published")
    restricted = stores.restricted
    # Validity periods of the areas known so far follow the crosswalk (run after boundaries);
    # both tables change in one transaction.
    frames = {"crosswalk": (crosswalk, None)}
    areas = read_table(restricted, "areas")
    if not areas.empty:
        frames["areas"] = (validity_from_crosswalk(areas, crosswalk), None)
    replace_tables(restricted, frames, actor="etl", detail={"file": args.file.name})
    splits = int((crosswalk["weight"] < 1).sum())
    print(
        f"{args.file.name}: {len(crosswalk)} Zeilen ({crosswalk['old_key'].nunique()} alte "
        f"Schlüssel, {splits} Anteile < 1)"
    )
    return 0
