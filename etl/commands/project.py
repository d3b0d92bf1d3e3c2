"""`python -m etl project`: cohort-component projection from four CSV files."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import numpy as np
import pandas as pd

from etl.app import Stores
from etl.errors import InputError
from etl.projection.engine import TIMINGS, NetMigration, StepInputs, project
from etl.projection.frames import components_frame, population_frame
from etl.projection.tables import (
    read_fertility,
    read_net_migration,
    read_population,
    read_survival,
)

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--population", type=Path, required=True, help="area,sex,age,population")
    parser.add_argument("--survival", type=Path, required=True, help="sex,age,survival[,area]")
    parser.add_argument("--fertility", type=Path, required=True, help="age,rate[,area] (annual)")
    parser.add_argument("--migration", type=Path, required=True, help="area,sex,age,net per step")
    parser.add_argument("--step", type=int, required=True, help="step and age-group width (years)")
    parser.add_argument("--steps", type=int, required=True, help="number of steps to project")
    parser.add_argument("--srb", type=float, default=1.05, help="sex ratio at birth (m/f)")
    parser.add_argument("--migration-timing", choices=TIMINGS, default="even")
    parser.add_argument("--out", type=Path, required=True, help="area,step,sex,age,population")
    parser.add_argument("--components-out", type=Path, help="area,step,sex,births,deaths,...")


def read_csv(path: Path) -> pd.DataFrame:
    """Read a CSV as text (area keys keep their leading zeros); missing file is an InputError."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError as error:
        raise InputError("Datei nicht gefunden; Pfad prüfen.", file=str(path)) from error
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise InputError(f"keine lesbare CSV-Datei ({error}).", file=str(path)) from error


def _warn_floored(floored: np.ndarray, areas: tuple[str, ...]) -> None:
    """Log where negative cells were set to zero (steps, areas)."""
    steps, area_positions = np.nonzero(floored.sum(axis=-1) > 0)
    if steps.size:
        where = ", ".join(
            f"{areas[a]} (Schritt {s + 1})"
            for s, a in zip(steps[:5], area_positions[:5], strict=True)
        )
        log.warning(
            "negative Zellen auf 0 gesetzt (%.3f Personen, als Wanderung gezählt): %s%s",
            floored.sum(),
            where,
            " ..." if steps.size > 5 else "",
        )


def run(args: argparse.Namespace, stores: Stores) -> int:
    if args.step < 1 or args.steps < 1:
        raise InputError(
            f"--step und --steps müssen >= 1 sein (erhalten {args.step}, {args.steps})."
        )
    files = {name: str(getattr(args, name)) for name in ("population", "survival", "fertility")}
    population = read_population(read_csv(args.population), files["population"], args.step)
    survival = read_survival(
        read_csv(args.survival), files["survival"], population, files["population"]
    )
    fertility = read_fertility(
        read_csv(args.fertility), files["fertility"], population, files["population"]
    )
    net = read_net_migration(
        read_csv(args.migration), str(args.migration), population, files["population"]
    )
    inputs = StepInputs(survival, fertility, NetMigration(net))
    result = project(
        population.values,
        [inputs] * args.steps,
        steps=args.steps,
        step=args.step,
        srb=args.srb,
        timing=args.migration_timing,
    )
    _warn_floored(result.floored, population.areas)
    population_frame(result, population.areas, population.ages).to_csv(args.out, index=False)
    if args.components_out:
        components_frame(result, population.areas).to_csv(args.components_out, index=False)
    print(f"Projektion: {len(population.areas)} Gebiete, {args.steps} Schritte -> {args.out}")
    return 0
