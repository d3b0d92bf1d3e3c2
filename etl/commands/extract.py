"""`python -m etl extract`: aggregate a person-level register locally into an anonymised extract."""

from __future__ import annotations

import argparse
import importlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from etl.app import Stores

FORMATS = ("csv", "parquet", "xlsx")  # etl.extract.anonymised.FORMATS (a test checks they agree)
# Modules only needed once the register is read: pandas, pyarrow (≈0.4 s) and pyproj.
BACKGROUND_IMPORTS = ("etl.extract.anonymised", "etl.extract.inspire")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--persons",
        type=Path,
        required=True,
        help="register of persons (CSV or Parquet), see docs/extract.md",
    )
    parser.add_argument("--events", type=Path, help="register events (births, deaths, moves)")
    parser.add_argument("--municipality", required=True, help="8-digit AGS, e.g. 03901001")
    parser.add_argument("--reference-date", help="YYYY-MM-DD; needed if the file has none")
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="csv",
        help="table format of the extract (default csv)",
    )
    parser.add_argument("--memory-limit", default="2GB", help="duckdb memory limit")


def _import_all(names: tuple[str, ...]) -> None:
    for name in names:
        importlib.import_module(name)


def run(args: argparse.Namespace, stores: Stores) -> int:
    # duckdb releases the GIL while it reads the register, so the heavy imports for writing the
    # extract run meanwhile on the other core instead of before it.
    with ThreadPoolExecutor(max_workers=1) as pool:
        preloaded = pool.submit(_import_all, BACKGROUND_IMPORTS)
        from etl.extract.register import parse_reference_date
        from etl.store.register.aggregate import build_extract

        reference_date = parse_reference_date(args.reference_date) if args.reference_date else None
        bundle, input_rows = build_extract(
            args.persons,
            args.municipality,
            events_path=args.events,
            reference_date=reference_date,
            memory_limit=args.memory_limit,
        )
        preloaded.result()
    from etl.extract.anonymised import write_extract

    manifest = write_extract(bundle, args.out, file_format=args.format, input_rows=input_rows)
    rows = ", ".join(f"{name} {entry['rows']}" for name, entry in manifest["tables"].items())
    print(
        f"Anonymisierter Auszug {bundle.municipality} zum {bundle.reference_date} in "
        f"{args.out}: {rows} Zeilen (aus {input_rows['persons']} Personen)."
    )
    return 0
