"""`python -m etl protect`: suppress cells of a table, audit the result, write it atomically."""

from __future__ import annotations

import argparse
import csv
import os
import tempfile
from pathlib import Path

import pandas as pd

from etl.app import Stores
from etl.config import Settings
from etl.errors import DisclosureError, InputError
from etl.privacy import audit, protect, validate_table
from etl.symbols import PRIMARY, SECONDARY, ZERO


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of the protect command."""
    parser.add_argument(
        "--cells", required=True, type=Path, help="CSV with header cell,value[,primary]"
    )
    parser.add_argument(
        "--relations",
        required=True,
        type=Path,
        help="CSV with header total,part[,relation]: one row per summand",
    )
    parser.add_argument(
        "--out",
        required=True,
        type=Path,
        help="result CSV cell,value,status (value empty when suppressed)",
    )
    add_parameters(parser)


def add_parameters(parser: argparse.ArgumentParser) -> None:
    """--min-count and --protection, shared with the audit command."""
    parser.add_argument(
        "--min-count",
        type=int,
        default=None,
        help="k: cells with 1 <= n < k are primary (default from settings)",
    )
    parser.add_argument(
        "--protection",
        type=float,
        default=None,
        help="p: protection distance max(1, ceil(p * n)) (default from settings)",
    )


def read_csv(path: Path) -> pd.DataFrame:
    """A CSV with every column as text, so that ids keep their leading zeros."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError as error:
        raise InputError("Datei nicht gefunden; Pfad prüfen.", file=str(path)) from error
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise InputError(f"keine lesbare CSV-Datei ({error}).", file=str(path)) from error


def parameters(args: argparse.Namespace, settings: Settings) -> tuple[int, float]:
    """min_count and protection: command-line values, else the settings."""
    min_count = settings.min_count if args.min_count is None else args.min_count
    protection = settings.protection if args.protection is None else args.protection
    if min_count < 1:
        raise InputError(f"--min-count muss mindestens 1 sein, erhalten: {min_count}.")
    if not 0 < protection < 1:
        raise InputError(f"--protection muss zwischen 0 und 1 liegen, erhalten: {protection}.")
    return min_count, protection


def write_atomically(frame: pd.DataFrame, path: Path) -> None:
    """Write a CSV to a temporary file next to `path`, then rename it into place."""
    directory = path.resolve().parent
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "w", newline="", encoding="utf-8") as stream:
            frame.to_csv(stream, index=False, quoting=csv.QUOTE_MINIMAL)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def run(args: argparse.Namespace, stores: Stores) -> int:
    """Protect, audit, and write the result only when the audit finds it safe."""
    settings = stores.settings
    min_count, protection = parameters(args, settings)
    cells, relations = read_csv(args.cells), read_csv(args.relations)
    names = {"file_cells": str(args.cells), "file_relations": str(args.relations)}
    validate_table(cells, relations, **names)  # errors name the files given on the command line
    workers = settings.lp_workers
    result = protect(cells, relations, min_count=min_count, protection=protection, workers=workers)
    report = audit(
        cells,
        relations,
        result,
        min_count=min_count,
        protection=protection,
        workers=workers,
        **names,
    )
    if not report.safe:
        raise DisclosureError(
            f"Audit findet {len(report.unsafe)} unsichere Zellen; "
            f"{args.out} wurde nicht geschrieben."
        )
    write_atomically(result, args.out)
    counts = result["status"].value_counts()
    print(
        f"geschützt: {len(result)} Zellen, {counts.get(PRIMARY, 0)} primär, "
        f"{counts.get(SECONDARY, 0)} sekundär, {counts.get(ZERO, 0)} null; "
        f"Audit sicher; geschrieben nach {args.out}"
    )
    return 0
