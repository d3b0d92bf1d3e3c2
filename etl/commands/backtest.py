"""`python -m etl backtest`: project municipal totals from a base year, compare with later."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import pandas as pd

from etl.app import Stores
from etl.errors import InputError
from etl.extract.crosswalk import read_crosswalk
from etl.extract.genesis import read_genesis
from etl.pipeline import read_history
from etl.projection.backtest import backtest, summarize_backtest
from etl.projection.vintage import backtest_cohort, totals_from_history
from etl.transform.crosswalk import apply_crosswalk

MEASURES = ("population", "births", "deaths")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base-year", type=int, required=True, help="last year of data used")
    parser.add_argument("--target-year", type=int, required=True, help="year compared")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--genesis-dir",
        type=Path,
        help="directory with GENESIS exports 12411-01-01, 12612-01-01, 12613-01-01 (*.csv)",
    )
    source.add_argument(
        "--restricted",
        action="store_true",
        help="use the register history of the restricted zone (DEMOGRAFIE_HOME) and also "
        "test the cohort-component method of the official vintages (cohort, cohort+hp)",
    )
    parser.add_argument(
        "--small-threshold",
        type=int,
        default=1_000,
        help="cohort+hp: municipalities below this size by Hamilton-Perry (default 1000)",
    )
    parser.add_argument("--base-period", type=int, default=5, help="years of events (default 5)")
    parser.add_argument(
        "--exclude-years", type=int, nargs="*", default=[], help="event years left out"
    )
    parser.add_argument(
        "--crosswalk",
        type=Path,
        help="territorial crosswalk CSV (as for import-crosswalk): every series is re-keyed to "
        "the territorial status of the target year before the comparison",
    )
    parser.add_argument("--out", type=Path, help="summary CSV (method, size class, MAPE, ...)")
    parser.add_argument("--areas-out", type=Path, help="per-area CSV (projection and error)")


def observed_totals(tables: list[pd.DataFrame], directory: str) -> pd.DataFrame:
    """Totals per area and year (area, name, year, population, births, deaths) from GENESIS data."""
    data = pd.concat(tables, ignore_index=True)
    if "level" in data.columns:  # Kreis tables (…-4) in the folder are not municipalities
        data = data[data["level"] == "gemeinde"]
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


def on_territory_of(
    observed: pd.DataFrame, crosswalk: pd.DataFrame, target: dt.date
) -> pd.DataFrame:
    """Observed totals re-keyed to the territorial status of `target` (mergers summed)."""
    long = observed.melt(id_vars=["area", "year"], var_name="measure", value_name="value")
    moved = apply_crosswalk(long.rename(columns={"area": "area_key"}), crosswalk, target)
    wide = moved.pivot_table(
        index=["area_key", "year"], columns="measure", values="value", aggfunc="sum"
    )
    wide = wide.reset_index().rename(columns={"area_key": "area"})
    return wide[["area", "year", *MEASURES]].astype(dict.fromkeys(MEASURES, "float64"))


def read_directory(directory: Path) -> pd.DataFrame:
    """Read every GENESIS CSV export in `directory` and return the observed totals."""
    files = sorted(directory.glob("*.csv"))
    if not files:
        raise InputError("keine CSV-Dateien gefunden.", file=str(directory))
    return observed_totals([read_genesis(path).data for path in files], str(directory))


def _restricted_result(args: argparse.Namespace, stores: Stores) -> pd.DataFrame:
    history = read_history(stores.restricted)
    observed = totals_from_history(history)
    cohort = [
        backtest_cohort(history, args.base_year, args.target_year, small_threshold=threshold)
        for threshold in (0, args.small_threshold)
    ]
    simple = backtest(
        observed, args.base_year, args.target_year, args.base_period, args.exclude_years
    )
    return pd.concat([simple, *cohort], ignore_index=True)


def run(args: argparse.Namespace, stores: Stores) -> int:
    source = "restricted" if args.restricted else str(args.genesis_dir)
    try:
        if args.restricted:
            result = _restricted_result(args, stores)
        else:
            observed = read_directory(args.genesis_dir)
            if args.crosswalk:
                observed = on_territory_of(
                    observed, read_crosswalk(args.crosswalk), dt.date(args.target_year, 12, 31)
                )
            result = backtest(
                observed, args.base_year, args.target_year, args.base_period, args.exclude_years
            )
    except ValueError as error:
        raise InputError(str(error), file=source) from error
    summary = summarize_backtest(result)
    if args.out:
        summary.to_csv(args.out, index=False)
    if args.areas_out:
        result.to_csv(args.areas_out, index=False)
    print(f"Backtest {args.base_year} -> {args.target_year} ({result['area'].nunique()} Gebiete)")
    print(summary.to_string(index=False, float_format=lambda v: f"{v:.2f}"))
    return 0
