"""`python -m etl forecast`: municipal forecast with 80 % intervals from official tables.

Reads the GENESIS exports in a directory that the forecast uses (population by sex, births,
deaths; age groups of the base year or of the Zensus 2011), keeps data up to 31.12. of the
base year, and writes one CSV row per Gemeinde x year x sex (x age group): docs/projection.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

import pandas as pd

from etl.app import Stores
from etl.errors import InputError
from etl.extract.crosswalk import read_crosswalk
from etl.extract.genesis import TABLES, read_genesis
from etl.projection.baselines import TotalsHistory
from etl.projection.forecast_output import OUTPUT_COLUMNS, forecast_table
from etl.projection.household_totals import OUTPUT_COLUMNS as HOUSEHOLD_COLUMNS
from etl.projection.household_totals import (
    HouseholdAssumptions,
    census_sizes,
    project_household_totals,
    register_sizes,
)
from etl.store import engine as store_engine
from etl.store import restricted as store
from etl.transform.crosswalk import apply_crosswalk

MEASURES = ("population", "births", "deaths")
# The Zensus 2011 persons table (12111-02-01); the reader has named its measure both ways.
CENSUS_MEASURES = ("census_persons", "census_population")
USED_MEASURES = frozenset({*MEASURES, *CENSUS_MEASURES})
CENSUS_TO_YEAR_END = 236 / 365  # 09.05.2011 -> 31.12.2011


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--genesis-dir",
        type=Path,
        required=True,
        help="directory with GENESIS exports as downloaded (12411-01-01, 12612-01-01, "
        "12613-01-01 at least; 12411-02-03 for age groups); other tables are ignored",
    )
    parser.add_argument("--base-year", type=int, required=True, help="last year of data used")
    parser.add_argument("--horizon", type=int, required=True, help="years projected (1-30)")
    parser.add_argument("--out", type=Path, required=True, help="output CSV")
    parser.add_argument(
        "--crosswalk",
        type=Path,
        help="CSV old_key,new_key,weight,valid_from: earlier years onto the status of the base "
        "year (merged Gemeinden keep their history)",
    )
    parser.add_argument(
        "--households-out",
        type=Path,
        help="also write private households per Gemeinde and year (ags,year,households,lower,"
        "upper,method); needs 12111-32-01-4 and 12111-02-01 (Zensus 2011) and base year >= 2011",
    )
    parser.add_argument(
        "--register-households",
        action="store_true",
        help="with --households-out: mean household size of municipalities with register "
        "uploads (restricted store, reference date up to 31.12. of the base year)",
    )
    parser.add_argument(
        "--household-trend",
        type=float,
        default=HouseholdAssumptions.annual_change,
        help="annual change of persons per household (default -0.002 = -0.2 %% a year, damped)",
    )


def _table_code(path: Path) -> str:
    with path.open("rb") as handle:
        first = handle.readline().decode("utf-8-sig", errors="replace")
    return first.split(":", 1)[1].strip().split(";")[0] if ":" in first else ""


def read_official(directory: Path) -> tuple[pd.DataFrame, list[str]]:
    """Municipal rows of the tables the forecast uses, and the names of the other files."""
    if not directory.is_dir():
        raise InputError("Verzeichnis nicht gefunden; Pfad prüfen.", file=str(directory))
    known, ignored = [], []
    for path in sorted(directory.glob("*.csv")):
        spec = TABLES.get(_table_code(path))
        if spec is not None and spec.measure in USED_MEASURES and spec.depth == "gemeinde":
            known.append(read_genesis(path).data)
        else:
            ignored.append(path.name)
    if not known:
        raise InputError(
            "keine lesbare GENESIS-Tabelle gefunden; benötigt werden 12411-01-01 "
            "(Bevölkerung), 12612-01-01 (Geburten) und 12613-01-01 (Sterbefälle).",
            file=str(directory),
        )
    data = pd.concat(known, ignore_index=True)
    # Gemeinden only; all nationalities and household types (columns of the newer reader).
    for column, value in (("level", "gemeinde"), ("nationality", "total")):
        if column in data.columns:
            data = data[data[column] == value]
    if "household_type" in data.columns:
        data = data[data["household_type"] == "total"]
    return data.reset_index(drop=True), ignored


def age_structure(data: pd.DataFrame, base_year: int) -> tuple[pd.DataFrame, float]:
    """Population rows with age groups to start from, and the years from them to the base.

    The base year's own age groups (12411-02-03) where present, else the Zensus 2011
    (12111-02-01, 9 May 2011: 0.64 years before 31.12.2011).
    """
    stocks = data[data["measure"] == "population"]
    grouped = stocks["age_to"].notna() | (stocks["age_from"] > 0)
    if (grouped & (stocks["year"] == base_year)).any():
        return stocks[stocks["year"] == base_year], 0.0
    census = data[data["measure"].isin(CENSUS_MEASURES) & (data["year"] <= base_year)]
    if census.empty:
        return stocks.iloc[:0], 0.0
    year = int(census["year"].max())
    return census[census["year"] == year], base_year - year + CENSUS_TO_YEAR_END


def _rekeyed(data: pd.DataFrame, crosswalk: pd.DataFrame | None, base_year: int) -> pd.DataFrame:
    if crosswalk is None:
        return data.rename(columns={"ags": "area_key"})
    values = data.drop(columns=["name", "symbol"]).rename(columns={"ags": "area_key"})
    return apply_crosswalk(values, crosswalk, dt.date(base_year, 12, 31)).drop(columns="estimated")


def history_from_official(data: pd.DataFrame, base_year: int, directory: str) -> TotalsHistory:
    """Wide totals series (population, births, deaths) up to the base year."""
    rows = data[(data["sex"] == "total") & (data["age_from"] == 0) & data["age_to"].isna()]
    rows = rows[rows["year"] <= base_year]
    missing = [m for m in MEASURES if m not in set(rows["measure"])]
    if missing:
        raise InputError(
            f"keine Tabelle mit {', '.join(missing)} bis {base_year} gefunden; benötigt werden "
            "12411-01-01 (Bevölkerung), 12612-01-01 (Geburten) und 12613-01-01 (Sterbefälle).",
            file=directory,
        )
    frames = [
        rows[rows["measure"] == measure]
        .pivot_table(index="area_key", columns="year", values="value", aggfunc="first")
        .astype("float64")
        for measure in MEASURES
    ]
    population = frames[0]
    if base_year not in population.columns:
        raise InputError(
            f"keine Bevölkerung zum 31.12.{base_year}; Basisjahr oder Tabellen prüfen.",
            file=directory,
        )
    population = population[population[base_year].notna()]
    births, deaths = (frame.reindex(index=population.index) for frame in frames[1:])
    return TotalsHistory(population, births, deaths)


def read_census_households(directory: Path) -> pd.DataFrame:
    """Rows of the Zensus 2011 households table (12111-32-01-4) in the directory."""
    frames = [
        read_genesis(path).data
        for path in sorted(directory.glob("*.csv"))
        if getattr(TABLES.get(_table_code(path)), "measure", None) == "households"
    ]
    if not frames:
        raise InputError(
            "--households-out braucht die Tabelle 12111-32-01-4 (Zensus 2011, Haushalte nach "
            "Haushaltstypen, Kreise) im Verzeichnis.",
            file=str(directory),
        )
    return pd.concat(frames, ignore_index=True)


def register_household_counts(stores: Stores, base_year: int) -> pd.DataFrame:
    """Register households by size (Gemeinde level) of the latest upload up to 31.12.Y."""
    engine = stores.restricted
    if not store_engine.zone_exists(engine, "uploads"):
        raise InputError(
            "--register-households: kein Registerspeicher gefunden; DEMOGRAFIE_HOME prüfen "
            "oder die Option weglassen.",
            file=str(stores.settings.home),
        )
    uploads = store.active_uploads(engine)
    dates = pd.to_datetime(uploads["reference_date"])
    uploads = uploads.assign(date=dates)[dates <= pd.Timestamp(base_year, 12, 31)]
    latest = uploads.sort_values("date").drop_duplicates("municipality", keep="last")
    counts = store.read_counts(engine, "household_counts", latest["upload_id"].tolist())
    counts = counts[counts["area_level"] == "gemeinde"]
    days = 365 + latest["date"].dt.is_leap_year.astype(int)
    decimal = latest["date"].dt.year + latest["date"].dt.day_of_year / days  # 31.12.Y -> Y + 1
    start = counts["upload_id"].map(dict(zip(latest["upload_id"], decimal, strict=True)))
    return counts.assign(start=start.astype(float))


def household_sizes(
    args: argparse.Namespace, stores: Stores, data: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Census persons per household and register sizes, checked before the forecast runs."""
    if args.base_year < 2011:
        raise InputError(
            "--households-out braucht den Zensus 2011: Basisjahr 2011 oder später wählen.",
            file=str(args.genesis_dir),
        )
    assumptions = _assumptions(args)
    census = data[
        data["measure"].isin(CENSUS_MEASURES)
        & (data["sex"] == "total")
        & (data["age_from"] == 0)
        & data["age_to"].isna()
    ].drop_duplicates("area_key")
    persons = census.rename(columns={"area_key": "ags"})[["ags", "value"]]
    sizes = census_sizes(read_census_households(args.genesis_dir), persons)
    if sizes.empty:
        raise InputError(
            "keine Zensus-Bevölkerung (12111-02-01) zu den Haushalten gefunden.",
            file=str(args.genesis_dir),
        )
    register = None
    if args.register_households:
        counts = register_household_counts(stores, args.base_year)
        register = register_sizes(counts, assumptions)
    return sizes, register


def _assumptions(args: argparse.Namespace) -> HouseholdAssumptions:
    try:
        return HouseholdAssumptions(annual_change=args.household_trend)
    except ValueError as error:
        raise InputError(f"--household-trend: {error}") from error


def run(args: argparse.Namespace, stores: Stores) -> int:
    started = time.perf_counter()
    if not 1 <= args.horizon <= 30:
        raise InputError(f"--horizon muss zwischen 1 und 30 liegen, erhalten {args.horizon}.")
    crosswalk = read_crosswalk(args.crosswalk) if args.crosswalk else None
    data, ignored = read_official(args.genesis_dir)
    data = _rekeyed(data, crosswalk, args.base_year)
    sizes = household_sizes(args, stores, data) if args.households_out else None
    history = history_from_official(data, args.base_year, str(args.genesis_dir))
    stocks = data[(data["measure"] == "population") & (data["year"] == args.base_year)]
    # Totals appear in both 12411-01-01 and 12411-02-03: one row per key, sex and age group.
    stocks = stocks.drop_duplicates(["area_key", "sex", "age_from", "age_to"])
    ages, years_before = age_structure(data, args.base_year)
    ages = ages.drop_duplicates(["area_key", "sex", "age_from", "age_to"])
    try:
        table = forecast_table(history, stocks, args.base_year, args.horizon, ages, years_before)
    except ValueError as error:
        raise InputError(str(error), file=str(args.genesis_dir)) from error
    table[list(OUTPUT_COLUMNS)].to_csv(args.out, index=False)
    households = None
    if sizes is not None:
        totals = table[(table["sex"] == "total") & table["age_from"].isna()]
        households = project_household_totals(totals, *sizes, _assumptions(args))
        households[list(HOUSEHOLD_COLUMNS)].to_csv(args.households_out, index=False)
    areas = table["ags"].nunique()
    print(
        f"{args.out}: {len(table)} Zeilen, {areas} Gemeinden, {args.base_year + 1}–"
        f"{args.base_year + args.horizon}, 80-%-Intervalle "
        f"({time.perf_counter() - started:.1f} s)"
    )
    if households is not None:
        methods = households.drop_duplicates("ags")["method"].value_counts().to_dict()
        print(f"{args.households_out}: {len(households)} Zeilen Haushalte, Größe aus {methods}")
        ignored = [name for name in ignored if "12111-32-01-4" not in name]
    for name in ignored:
        print(f"  nicht verwendet: {name}")
    return 0
