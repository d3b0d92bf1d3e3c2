"""Benchmark of disclosure control: protect and audit a municipality x sex x age table.

Run with `python -m benchmarks.bench_privacy [N ...] [--workers W ...] [--baseline REF]`
(default: 400 and 1000 municipalities, 1 worker; `--baseline` also runs the `etl` of an
earlier commit on the same table in the same run, see `benchmarks/baseline.py`). Each
measurement runs in a fresh child process; the CPU time of its LP worker processes is
counted too (`resource.RUSAGE_CHILDREN` of the fork server that started them), and the
patterns of all worker counts are compared.
The table is generated with a seeded RNG: many small villages, Kreis and Land totals and
one region that cuts across Kreis and Land borders.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.baseline import run_module_at
from benchmarks.statuses import PRIMARY, SECONDARY, ZERO
from etl.privacy import audit, cube_relations, protect

AGE_GROUPS = [f"{low:02d}-{low + 4:02d}" for low in range(0, 80, 5)] + ["80+"]
# Rough German age structure, one weight per five-year group.
AGE_WEIGHTS = np.array(
    [4.7, 4.6, 4.6, 4.9, 5.4, 6.2, 6.5, 6.3, 6.0, 6.3, 7.9, 8.2, 7.0, 5.8, 4.9, 4.4, 6.9]
)
MUNICIPALITIES_PER_KREIS = 25
LAENDER = 4
MEAN_LOG = 6.3  # log population: median municipality about 550 inhabitants


def _areas(n_municipalities: int, region: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Municipality keys with their Kreis and Land, and the area hierarchy's edges."""
    n_kreise = max(1, n_municipalities // MUNICIPALITIES_PER_KREIS)
    kreis_number = np.arange(n_municipalities) * n_kreise // n_municipalities
    land_number = kreis_number * LAENDER // n_kreise
    kreis = np.array(
        [f"{land + 1:02d}{k + 1:03d}" for land, k in zip(land_number, kreis_number, strict=True)]
    )
    municipalities = pd.DataFrame(
        {
            "gemeinde": [f"{k}{i + 1:03d}" for i, k in enumerate(kreis)],
            "kreis": kreis,
            "land": [key[:2] for key in kreis],
        }
    )
    # The region takes the last municipalities of one Land and the first of the next.
    middle = n_municipalities // 2
    members = municipalities["gemeinde"].iloc[middle - 20 : middle + 20] if region else []
    edges = pd.concat(
        [
            municipalities[["kreis", "gemeinde"]].set_axis(["total", "part"], axis=1),
            municipalities[["land", "kreis"]].drop_duplicates().set_axis(["total", "part"], axis=1),
            pd.DataFrame({"total": "R01", "part": members}, dtype=str),
        ],
        ignore_index=True,
    )
    return municipalities, edges


def build_table(
    n_municipalities: int, seed: int = 20261121, *, region: bool = True
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cells (`cell, value`) and relations of the benchmark table.

    Without `region`, the table has no grouping across the Land > Kreis > Gemeinde
    hierarchy (the shape τ-Argus can express); the counts stay the same.
    """
    rng = np.random.default_rng(seed)
    municipalities, area_edges = _areas(n_municipalities, region)
    population = np.maximum(8, rng.lognormal(mean=MEAN_LOG, sigma=1.3, size=n_municipalities))
    shares = rng.dirichlet(AGE_WEIGHTS * 40, size=n_municipalities)
    counts = rng.poisson(
        population[:, None, None] * shares[:, None, :] / 2,
        size=(n_municipalities, 2, len(AGE_GROUPS)),
    )
    leaves = pd.DataFrame(
        {
            "area": np.repeat(municipalities["gemeinde"].to_numpy(), 2 * len(AGE_GROUPS)),
            "sex": np.tile(np.repeat(["f", "m"], len(AGE_GROUPS)), n_municipalities),
            "age": np.tile(AGE_GROUPS, 2 * n_municipalities),
            "value": counts.ravel(),
        }
    )
    values = _aggregate(leaves, area_edges)
    hierarchies = {
        "area": area_edges,
        "sex": pd.DataFrame({"total": "T", "part": ["f", "m"]}),
        "age": pd.DataFrame({"total": "T", "part": AGE_GROUPS}),
    }
    relations = cube_relations(values[["area", "sex", "age"]], hierarchies)
    cells = pd.DataFrame(
        {
            "cell": values["area"] + "|" + values["sex"] + "|" + values["age"],
            "value": values["value"].to_numpy(),
        }
    )
    return cells, relations


def _aggregate(leaves: pd.DataFrame, area_edges: pd.DataFrame) -> pd.DataFrame:
    """Add sex totals, age totals and every area total (Kreis, Land, region)."""
    with_sex = pd.concat([leaves, leaves.assign(sex="T")])
    with_age = pd.concat([with_sex, with_sex.assign(age="T")])
    frame = with_age.groupby(["area", "sex", "age"], as_index=False)["value"].sum()
    levels = [frame]
    current = frame
    for _ in range(2):  # Gemeinde -> Kreis/region, Kreis -> Land
        upper = current.merge(
            area_edges.rename(columns={"part": "area"}), on="area", validate="m:m"
        )
        current = upper.groupby(["total", "sex", "age"], as_index=False)["value"].sum()
        current = current.rename(columns={"total": "area"})
        levels.append(current)
    return pd.concat(levels, ignore_index=True).drop_duplicates(["area", "sex", "age"])


def run(n_municipalities: int, workers: int = 1) -> dict:
    """Build, protect and audit one table; returns counts, wall and CPU seconds.

    CPU seconds here are this process's only; see `_worker_cpu` for the workers'.
    """
    options = {"workers": workers} if workers > 1 else {}  # baselines know no workers
    started = time.perf_counter()
    cells, relations = build_table(n_municipalities)
    built, cpu_built = time.perf_counter(), time.process_time()
    result = protect(cells, relations, **options)
    protected, cpu_protected = time.perf_counter(), time.process_time()
    report = audit(cells, relations, result, **options)
    audited, cpu_audited = time.perf_counter(), time.process_time()
    status = result["status"].value_counts()
    return {
        "municipalities": n_municipalities,
        "workers": workers,
        "cells": len(cells),
        "relation_rows": len(relations),
        "primary": int(status.get(PRIMARY, 0)),
        "secondary": int(status.get(SECONDARY, 0)),
        "zero": int(status.get(ZERO, 0)),
        "pattern": hashlib.sha256("\n".join(result["status"]).encode()).hexdigest()[:16],
        "table_s": built - started,
        "protect_s": protected - built,
        "audit_s": audited - protected,
        "wall_s": audited - built,
        "protect_cpu_s": cpu_protected - cpu_built,
        "cpu_s": cpu_audited - cpu_built,
        "safe": bool(report.safe),
        "unsafe": len(report.unsafe),
        "checked": int(report.checked),
        "load": os.getloadavg()[0],
    }


def _worker_cpu() -> float:
    """CPU seconds of the LP workers this process started, once they have ended.

    Workers are children of multiprocessing's fork server; stopping it (a private but
    long-standing method) makes it reap them and lets their time reach this process.
    """
    from multiprocessing import forkserver

    time.sleep(0.2)  # the fork server reaps ended workers on SIGCHLD; give it the chance
    forkserver._forkserver._stop()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(size: int, workers: int) -> dict:
    """`run` in a fresh child process, with the CPU seconds of its LP workers added."""
    finished = subprocess.run(
        [sys.executable, "-m", __spec__.name, "--json", str(size), "--workers", str(workers)],
        cwd=Path(__file__).resolve().parent.parent,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(finished.stdout.splitlines()[-1])


def describe(record: dict, label: str = "") -> str:
    """Three lines of text for one run."""
    workers = record.get("workers", 1)
    cpu = record.get("total_cpu_s", record["cpu_s"])
    return (
        f"{label}{record['municipalities']} Gemeinden: {record['cells']} Zellen, "
        f"{record['relation_rows']} Relationszeilen, primär {record['primary']}, "
        f"sekundär {record['secondary']}, null {record['zero']}\n"
        f"  WALL protect+audit {record['wall_s']:.2f} s (protect {record['protect_s']:.2f} s, "
        f"audit {record['audit_s']:.2f} s), CPU {cpu:.2f} s in allen Prozessen "
        f"(Hauptprozess {record['cpu_s']:.2f} s, davon protect {record['protect_cpu_s']:.2f} s; "
        f"Worker {record.get('worker_cpu_s', 0.0):.2f} s), Worker {workers}\n"
        f"  audit sicher={record['safe']} (geprüft {record['checked']}), "
        f"Muster {record.get('pattern', '-')}, Last {record['load']:.1f}"
    )


def main(argv: list[str]) -> None:
    """Benchmark each size given (default 400 and 1000), optionally against a commit."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[400, 1000])
    parser.add_argument("--json", action="store_true", help="one JSON line per size, in-process")
    parser.add_argument(
        "--workers", nargs="+", type=int, default=[1], help="LP processes; several: compare"
    )
    parser.add_argument(
        "--baseline", metavar="REF", help="also run the etl package of this git commit"
    )
    args = parser.parse_args(argv)
    for size in args.sizes:
        if args.json:
            record = run(size, args.workers[0])
            record["worker_cpu_s"] = _worker_cpu() if args.workers[0] > 1 else 0.0
            record["total_cpu_s"] = record["cpu_s"] + record["worker_cpu_s"]
            print(json.dumps(record))
            continue
        if args.baseline:
            old = run_module_at(args.baseline, "benchmarks.bench_privacy", ["--json", str(size)])
            print(describe(old[0], f"[{args.baseline}] "))
        records = []
        for workers in args.workers:
            records.append(measure(size, workers))
            print(describe(records[-1], f"[aktuell, {workers} Worker] "), flush=True)
            if args.baseline:
                cpu = records[-1]["total_cpu_s"] / old[0].get("total_cpu_s", old[0]["cpu_s"])
                wall = records[-1]["wall_s"] / old[0]["wall_s"]
                print(f"  Verhältnis aktuell/{args.baseline}: CPU {cpu:.2f}, Wall {wall:.2f}")
        if len(records) > 1:
            same = len({(r["pattern"], r["safe"], r["unsafe"]) for r in records}) == 1
            print(f"  Muster und Audit aller Worker-Zahlen gleich: {same}")


if __name__ == "__main__":
    main(sys.argv[1:])
