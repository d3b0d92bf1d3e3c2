"""`python -m etl backtest`: project municipal totals from a base year, compare with later."""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from etl.config import Settings
from etl.errors import InputError
from etl.extract.genesis import read_genesis
from etl.projection.backtest import backtest, summarize_backtest

MEASURES = ("population", "births", "deaths")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base-year", type=int, required=True, help="last year of data used")
    parser.add_argument("--target-year", type=int, required=True, help="year compared")
    parser.add_argument(
        "--genesis-dir",
        type=Path,
        required=True,
        help="directory with GENESIS exports 12411-01-01, 12612-01-01, 12613-01-01 (*.csv)",
    )
    parser.add_argument("--base-period", type=int, default=5, help="years of events (default 5)")
    parser.add_argument(
        "--exclude-years", type=int, nargs="*", default=[], help="event years left out"
    )
    parser.add_argument("--out", type=Path, help="summary CSV (method, size class, MAPE, ...)")
    parser.add_argument("--areas-out", type=Path, help="per-area CSV (projection and error)")


def observed_totals(tables: list[pd.DataFrame], directory: str) -> pd.DataFrame:
    """Totals per area and year (area, name, year, population, births, deaths) from GENESIS data."""
    data = pd.concat(tables, ignore_index=True)
    totals = data[(data["sex"] == "total") & (data["age_from"] == 0) & data["age_to"].isna()]
    totals = totals.drop_duplicates(["ags", "year", "measure"])
    missing = [m for m in MEASURES if m not in set(totals["measure"])]
    if missing:
        raise InputError(
            f"keine Tabelle mit {', '.join(missing)} gefunden; benötigt werden 12411-01-01 "
            "(Bevölkerung), 12612-01-01 (Geburten) und 12613-01-01 (Sterbefälle).",
            file=directory,
        )
    wide = totals.pivot_table(
        index=["ags", "year"], columns="measure", values="value", aggfunc="first"
    )
    wide = wide.reset_index().rename(columns={"ags": "area"})
    wide["area"] = wide["area"].astype(str)
    return wide[["area", "year", *MEASURES]].astype(dict.fromkeys(MEASURES, "float64"))


def read_directory(directory: Path) -> pd.DataFrame:
    """Read every GENESIS CSV export in `directory` and return the observed totals."""
    files = sorted(directory.glob("*.csv"))
    if not files:
        raise InputError("keine CSV-Dateien gefunden.", file=str(directory))
    return observed_totals([read_genesis(path).data for path in files], str(directory))


def run(args: argparse.Namespace, settings: Settings) -> int:
    observed = read_directory(args.genesis_dir)
    try:
        result = backtest(
            observed, args.base_year, args.target_year, args.base_period, args.exclude_years
        )
    except ValueError as error:
        raise InputError(str(error), file=str(args.genesis_dir)) from error
    summary = summarize_backtest(result)
    if args.out:
        summary.to_csv(args.out, index=False)
    if args.areas_out:
        result.to_csv(args.areas_out, index=False)
    print(f"Backtest {args.base_year} -> {args.target_year} ({result['area'].nunique()} Gebiete)")
    print(summary.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    return 0
