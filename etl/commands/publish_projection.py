"""`python -m etl publish-projection`: archive an official projection vintage.

Reads the restricted single-year history, projects every municipality in three scenarios
and writes only rounded broad age groups of large areas (write_vintage refuses the rest).
"""

from __future__ import annotations

import argparse

from etl.app import Stores
from etl.errors import InputError
from etl.pipeline import read_history
from etl.projection.scenarios import STANDARD_SCENARIOS
from etl.projection.vintage import (
    project_municipalities,
    vintage_frame,
    vintage_record,
)
from etl.store.published import write_vintage
from etl.store.restricted import read_table


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--base-year", type=int, help="Basisjahr (Standard: letztes Jahr)")
    parser.add_argument("--horizon", type=int, default=20, help="Jahre voraus (Standard 20)")
    parser.add_argument("--note", default="", help="Vermerk zum Jahrgang")
    parser.add_argument(
        "--min-population",
        type=int,
        default=5_000,
        help="nur Gebiete mit mindestens so vielen Einwohnern im Basisjahr (Standard 5000)",
    )
    parser.add_argument("--rounding", type=int, default=10, help="Rundung (Standard 10)")
    parser.add_argument(
        "--small-threshold",
        type=int,
        default=1_000,
        help="Gemeinden darunter nach Hamilton-Perry (Standard 1000)",
    )


def run(args: argparse.Namespace, stores: Stores) -> int:
    stores.migrate("restricted", "published")
    restricted = stores.restricted
    publisher = stores.publisher
    history = read_history(restricted)
    base_year = args.base_year or max(history.years)
    if args.horizon < 1:
        raise InputError(f"--horizon muss >= 1 sein (erhalten {args.horizon}).")
    try:
        projection = project_municipalities(
            history,
            base_year,
            args.horizon,
            STANDARD_SCENARIOS,
            small_threshold=args.small_threshold,
        )
    except ValueError as error:
        raise InputError(f"{error}; --base-year prüfen (vorhanden: {history.years}).") from error
    frame = vintage_frame(
        projection,
        read_table(restricted, "region_sets"),
        min_population=args.min_population,
        rounding=args.rounding,
    )
    if frame.empty:
        raise InputError(
            f"Kein Gebiet hat mindestens {args.min_population} Einwohner; nichts veröffentlicht."
        )
    record = vintage_record(
        base_year,
        args.horizon,
        STANDARD_SCENARIOS,
        rounding=args.rounding,
        min_population=args.min_population,
        small_threshold=args.small_threshold,
        note=args.note,
    )
    vintage_id = write_vintage(publisher, record, frame)
    areas = frame["area_key"].nunique()
    print(f"Vorausberechnung {vintage_id}: {areas} Gebiete, {base_year}–{base_year + args.horizon}")
    if projection.routed:
        print(f"Hamilton-Perry für {len(projection.routed)} kleine Gemeinden")
    return 0
