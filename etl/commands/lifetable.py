"""`python -m etl lifetable`: a life table from deaths and exposures in a CSV file."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from etl.app import Stores
from etl.commands.project import read_csv
from etl.errors import InputError
from etl.projection.lifetable import SEX_RULES, life_table
from etl.projection.tables import check_range, numbers, require_columns


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--input", type=Path, required=True, help="age,width,population,deaths[,ax]"
    )
    parser.add_argument("--out", type=Path, required=True, help="age,mx,qx,ax,lx,dx,Lx,Tx,ex")
    parser.add_argument("--radix", type=float, default=100_000, help="l0 (default 100000)")
    parser.add_argument(
        "--sex", choices=SEX_RULES, default="total", help="which a0 rule applies (default total)"
    )


def _widths(frame: pd.DataFrame, ages: np.ndarray, file: str) -> np.ndarray:
    text = frame["width"].astype(str).str.strip()
    if text.iloc[-1] != "":
        raise InputError(
            "Die letzte Zeile ist die offene Altersgruppe: width muss leer sein.",
            file=file,
            row=len(frame) + 1,
            column="width",
        )
    widths = np.append(numbers(frame.iloc[:-1], "width", file), np.inf)
    gaps = np.flatnonzero(ages[:-1] + widths[:-1] != ages[1:])
    if gaps.size:
        row = int(gaps[0])
        raise InputError(
            f"Alter {ages[row]:g} + Breite {widths[row]:g} ergibt nicht das nächste Alter "
            f"{ages[row + 1]:g}.",
            file=file,
            row=row + 2,
            column="width",
        )
    return widths


def table_from_frame(frame: pd.DataFrame, file: str, *, sex: str, radix: float) -> pd.DataFrame:
    """Validate an `age,width,population,deaths[,ax]` frame and return its life table."""
    require_columns(frame, ("age", "width", "population", "deaths"), file)
    if len(frame) < 2:
        raise InputError("Mindestens zwei Altersgruppen nötig.", file=file)
    ages = numbers(frame, "age", file)
    widths = _widths(frame, ages, file)
    population = numbers(frame, "population", file)
    check_range(frame, population, "population", file, 1e-300, np.inf)
    deaths = numbers(frame, "deaths", file)
    check_range(frame, deaths, "deaths", file, 0.0, np.inf)
    if deaths[-1] <= 0:
        raise InputError(
            "Die offene Altersgruppe braucht Sterbefälle > 0.",
            file=file,
            row=len(frame) + 1,
            column="deaths",
        )
    ax = None
    if "ax" in frame.columns:
        text = frame["ax"].astype(str).str.strip()
        ax = np.full(len(frame), np.nan)
        given = (text != "").to_numpy()
        ax[given] = numbers(frame[given], "ax", file)
    return life_table(ages, widths, deaths, population, sex=sex, ax=ax, radix=radix)


def run(args: argparse.Namespace, stores: Stores) -> int:
    table = table_from_frame(read_csv(args.input), str(args.input), sex=args.sex, radix=args.radix)
    table.to_csv(args.out, index=False)
    print(f"Sterbetafel: {len(table)} Altersgruppen, e0 = {table['ex'].iloc[0]:.2f} -> {args.out}")
    return 0
