"""`python -m etl audit`: check a protected table with the attacker's LP; exit 1 when unsafe."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import pandas as pd

from etl.app import Stores
from etl.commands.protect import add_parameters, parameters, read_csv
from etl.privacy import audit


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of the audit command."""
    parser.add_argument(
        "--cells",
        required=True,
        type=Path,
        help="CSV with header cell,value[,primary] (the unprotected input)",
    )
    parser.add_argument(
        "--relations", required=True, type=Path, help="CSV with header total,part[,relation]"
    )
    parser.add_argument(
        "--result", required=True, type=Path, help="protected CSV with header cell,value,status"
    )
    add_parameters(parser)


def _number(value: float) -> str:
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    return f"{round(value, 6):g}"


def describe(row: pd.Series) -> str:
    """One line per unsafe cell: its interval and what it needs, or what is inconsistent."""
    head = f"unsicher: cell={row['cell']} Wert={row['value']}"
    if pd.isna(row["lower"]):
        return f"{head} Status={row['status']}: {row['reason']}"
    interval = f"Intervall [{_number(row['lower'])}, {_number(row['upper'])}]"
    if row["required_lower"] == row["required_upper"]:  # secondary: must not be exact
        return f"{head} {interval} benötigt eine Spanne >= 1 ({row['reason']})"
    required = f"[{_number(row['required_lower'])}, {_number(row['required_upper'])}]"
    return f"{head} {interval} benötigt {required} ({row['reason']})"


def run(args: argparse.Namespace, stores: Stores) -> int:
    """Audit the result; print a summary (exit 0) or every unsafe cell (exit 1)."""
    settings = stores.settings
    min_count, protection = parameters(args, settings)
    cells, relations, result = (
        read_csv(path) for path in (args.cells, args.relations, args.result)
    )
    report = audit(
        cells,
        relations,
        result,
        min_count=min_count,
        protection=protection,
        file_cells=str(args.cells),
        file_relations=str(args.relations),
        file_result=str(args.result),
        workers=settings.lp_workers,
    )
    if report.safe:
        print(
            f"sicher: {len(result)} Zellen, {report.checked} unterdrückte Zellen geprüft "
            f"(k={min_count}, p={protection})"
        )
        return 0
    for _, row in report.unsafe.iterrows():
        print(describe(row))
    print(f"unsicher: {len(report.unsafe)} von {len(result)} Zellen")
    return 1
