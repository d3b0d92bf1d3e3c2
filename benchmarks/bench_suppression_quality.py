"""Suppression quality side by side: this project against τ-Argus MOD on the same table.

Run with `python -m benchmarks.bench_suppression_quality [N ...] [--baseline REF]`
(default 400 municipalities). The table is `bench_privacy.build_table(N, region=False)`:
τ-Argus cannot express the benchmark's region, which overlaps the Land > Kreis > Gemeinde
hierarchy. Every pattern is audited by this project's LP audit twice: with the attacker
model of this project (a suppressed cell is at least 1, because zeros are published) and
with lower bound 0 (τ-Argus's own model). Methods:

* `projekt`: `etl.privacy.protect` (lower bound 1);
* `projekt, Untergrenze 0`: the same algorithm told the attacker knows no lower bound,
  i.e. judged by τ-Argus's rules (benchmark only; `protect` has no such switch);
* `τ-Argus MOD`: pytauargus (τ-Argus's engine, modular/HiTaS suppression, FREQ(3,30)),
  only when installed (`uv sync --extra bench`);
* `τ-Argus MOD, sicher gemacht`: τ-Argus's pattern as the start of this project's repair,
  prune and clean-up (`suppression_pattern(..., start=...)`): what τ-Argus's choice costs
  once it passes the lower-bound-1 audit (its seconds are those of the repair alone);
* with `--baseline REF`: `protect` of an earlier commit, for old/new in one run;
* `Untergrenze (lb 1)`: no pattern, a proven lower bound on the secondaries of any pattern
  that passes the lower-bound-1 audit (`benchmarks.bound_suppression`; skip with
  `--no-bound`).

For each: primaries, secondaries, persons in suppressed cells (all / secondary only), the
largest suppressed cell, unsafe cells by both audits, and seconds (wall / CPU).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from benchmarks import tauargus_adapter
from benchmarks.baseline import run_module_at
from benchmarks.bench_privacy import build_table
from benchmarks.bound_suppression import table_bound
from benchmarks.statuses import HIDDEN, PRIMARY, SECONDARY
from etl.privacy import audit, protect
from etl.privacy.protect import suppression_pattern
from etl.privacy.table import Table, parse_table

MIN_COUNT, PROTECTION = 3, 0.3
BOUND_TIME_LIMIT = 60.0  # seconds per block of the lower bound
JOINT_TIME_LIMIT = 1800.0  # seconds for the joint lower bound (N = 400: about 10 minutes)


def _protect_lower_bound_zero(cells: pd.DataFrame, relations: pd.DataFrame) -> pd.DataFrame:
    """`protect` with the attacker's a-priori lower bound set to 0 (τ-Argus's model)."""
    table = parse_table(cells, relations)
    status = suppression_pattern(table, min_count=MIN_COUNT, protection=PROTECTION, lower_bound=0)
    return _result(table, status)


def _made_safe(cells: pd.DataFrame, relations: pd.DataFrame, other: pd.DataFrame) -> pd.DataFrame:
    """Another tool's pattern (`other`: cell, status) repaired until it passes the lb-1 audit."""
    table = parse_table(cells, relations)
    status = other.set_index("cell")["status"].reindex(table.ids.astype(str)).to_numpy()
    start = np.isin(status, HIDDEN)
    status = suppression_pattern(table, min_count=MIN_COUNT, protection=PROTECTION, start=start)
    return _result(table, status)


def _result(table: Table, status: np.ndarray) -> pd.DataFrame:
    """A status array as `protect` returns it: suppressed values are missing."""
    hidden = np.isin(status, HIDDEN)
    value = pd.array(np.where(hidden, 0, table.values), dtype="Int64")
    value[hidden] = pd.NA
    return pd.DataFrame({"cell": table.ids.astype(str), "value": value, "status": status})


def figures(
    cells: pd.DataFrame, relations: pd.DataFrame, method: str, result: pd.DataFrame
) -> dict:
    """Counts of one pattern and the unsafe cells found by both audits."""
    status = result.set_index("cell")["status"].reindex(cells["cell"]).to_numpy()
    values = cells["value"].to_numpy()
    hidden = np.isin(status, HIDDEN)
    largest = int(np.argmax(np.where(hidden, values, -1)))
    return {
        "method": method,
        "cells": len(cells),
        "primary": int((status == PRIMARY).sum()),
        "secondary": int((status == SECONDARY).sum()),
        "persons_suppressed": int(values[hidden].sum()),
        "persons_secondary": int(values[status == SECONDARY].sum()),
        "secondary_by_level": _by_level(cells, status == SECONDARY),
        "largest_suppressed": int(values[largest]),
        "largest_cell": str(cells["cell"].iloc[largest]),
        "unsafe_lb1": len(audit(cells, relations, result).unsafe),
        "unsafe_lb0": len(audit(cells, relations, result, lower_bound=0).unsafe),
    }


def _by_level(cells: pd.DataFrame, chosen: np.ndarray) -> str:
    """Chosen cells per area level, as "Gemeinde / Kreis / Land" (key lengths 8, 5, 2)."""
    lengths = cells["cell"].str.split("|").str[0].str.len().to_numpy()
    return " / ".join(str(int((chosen & (lengths == length)).sum())) for length in (8, 5, 2))


def _timed(method: Callable[[], pd.DataFrame]) -> tuple[pd.DataFrame, float, float]:
    started, cpu = time.perf_counter(), time.process_time()
    result = method()
    return result, time.perf_counter() - started, time.process_time() - cpu


def bound_record(cells: pd.DataFrame, relations: pd.DataFrame, size: int) -> dict:
    """The lower bound as a row of the comparison (only the secondaries are filled in)."""
    bound = table_bound(
        cells, relations, time_limit=BOUND_TIME_LIMIT, joint_time_limit=JOINT_TIME_LIMIT
    )
    return {
        "method": "Untergrenze (lb 1)",
        "size": size,
        "bound": True,
        "secondary": bound["bound"],
        "proven_optimal": "optimal" if bound["joint_optimal"] else "Zeitgrenze",
        "block_bound": bound["block_bound"],
        "wall_s": bound["wall_s"],
        "cpu_s": bound["cpu_s"],
        "load": os.getloadavg()[0],
    }


def _kept(store: list[pd.DataFrame], result: pd.DataFrame) -> pd.DataFrame:
    store.append(result)
    return result


def run(
    size: int, *, with_tauargus: bool = True, only_project: bool = False, with_bound: bool = True
) -> list[dict]:
    """Figures of every available method on the region-free table of `size` municipalities."""
    cells, relations = build_table(size, region=False)
    methods: dict[str, Callable[[], pd.DataFrame]] = {"projekt": lambda: protect(cells, relations)}
    if not only_project:
        methods["projekt, Untergrenze 0"] = lambda: _protect_lower_bound_zero(cells, relations)
        if with_tauargus and tauargus_adapter.available():
            tauargus: list[pd.DataFrame] = []  # τ-Argus runs once; its pattern starts the next
            methods["τ-Argus MOD"] = lambda: _kept(
                tauargus, tauargus_adapter.tauargus_mod(cells)[0]
            )
            methods["τ-Argus MOD, sicher gemacht"] = lambda: _made_safe(
                cells, relations, tauargus[0]
            )
    records = []
    for name, method in methods.items():
        result, wall, cpu = _timed(method)
        record = figures(cells, relations, name, result)
        records.append(
            {**record, "size": size, "wall_s": wall, "cpu_s": cpu, "load": os.getloadavg()[0]}
        )
    if with_bound and not only_project:
        records.append(bound_record(cells, relations, size))
    return records


def markdown(records: list[dict]) -> str:
    """The records as a Markdown table."""
    lines = [
        "| N | method | primary | secondary | secondary in Gemeinde / Kreis / Land "
        "| persons suppressed (all / secondary) "
        "| largest suppressed | unsafe, lb 1 | unsafe, lb 0 | wall / CPU s |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in records:
        if r.get("bound"):
            lines.append(
                f"| {r['size']} | {r['method']} (gemeinsam {r['proven_optimal']}; "
                f"Summe der Blöcke ≥ {r['block_bound']}) | "
                f"– | ≥ {r['secondary']} | – | – | – | – | – | "
                f"{r['wall_s']:.1f} / {r['cpu_s']:.1f} |"
            )
            continue
        lines.append(
            f"| {r['size']} | {r['method']} | {r['primary']} | {r['secondary']} | "
            f"{r.get('secondary_by_level', '–')} | "
            f"{r['persons_suppressed']} / {r['persons_secondary']} | "
            f"{r['largest_suppressed']} (`{r['largest_cell']}`) | {r['unsafe_lb1']} | "
            f"{r['unsafe_lb0']} | {r['wall_s']:.1f} / {r['cpu_s']:.1f} |"
        )
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    """Print the comparison for each size (default 400)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[400])
    parser.add_argument("--baseline", metavar="REF", help="also run protect of this commit")
    parser.add_argument("--no-tauargus", action="store_true", help="skip τ-Argus")
    parser.add_argument("--no-bound", action="store_true", help="skip the lower bound")
    parser.add_argument("--json", action="store_true", help="JSON lines instead of Markdown")
    parser.add_argument("--only-project", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    records = []
    for size in args.sizes:
        if args.baseline:
            arguments = ["--json", "--only-project", str(size)]
            old = run_module_at(args.baseline, "benchmarks.bench_suppression_quality", arguments)
            records += [{**record, "method": f"projekt @ {args.baseline}"} for record in old]
        records += run(
            size,
            with_tauargus=not args.no_tauargus,
            only_project=args.only_project,
            with_bound=not args.no_bound,
        )
    if args.json:
        print("\n".join(json.dumps(record) for record in records))
    else:
        print(f"Last (1 min): {os.getloadavg()[0]:.1f}, Kerne: {os.cpu_count()}")
        print(markdown(records))


if __name__ == "__main__":
    main(sys.argv[1:])
