"""Time `etl extract` on synthetic registers of 1M and 10M persons (Parquet and CSV).

Run: `.venv/bin/python -m benchmarks.bench_etl [--persons 1000000 10000000] [--keep DIR]`.
Each run is a fresh subprocess (`python -m etl extract`), so the peak memory reported
(ru_maxrss of the child) is the extract's own. CPU seconds (user + system of the child, all its
threads) are the steadier figure on a shared machine; `--repeat N` keeps the fastest of N runs.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

MUNICIPALITY = "04021000"


def generate_register(path: Path, persons: int, file_format: str) -> None:
    """A synthetic register with realistic column types, written by duckdb (fast, seeded)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = duckdb.connect()
    connection.execute("SET enable_progress_bar = false")
    connection.execute("SELECT setseed(0.20261121)")
    select = f"""
        SELECT 'P' || lpad(CAST(i AS VARCHAR), 10, '0') AS person_id,
               strftime(DATE '1920-01-01' + CAST(floor(random() * 37000) AS INTEGER),
                        '%Y-%m-%d') AS birth_date,
               CASE WHEN random() < 0.001 THEN 'd' WHEN random() < 0.5 THEN 'w' ELSE 'm' END
                   AS sex,
               CASE WHEN random() < 0.15 THEN 'TR' ELSE 'DE' END AS nationality,
               CASE WHEN random() < 0.03 THEN 'Nebenwohnung' ELSE 'Hauptwohnung' END
                   AS residence,
               lpad(CAST(1 + (i // 2 % 10) AS VARCHAR), 3, '0') AS ortsteil,
               round(470000 + (i // 2 % 40000) * 0.75, 1) AS x,
               round(5880000 + (i // 2 % 30011) * 1.0, 1) AS y,
               'H' || CAST(i // 2 AS VARCHAR) AS household_id,
               '2023-12-31' AS reference_date
        FROM range({persons}) AS t(i)
    """
    target = str(path).replace("'", "''")
    if file_format == "parquet":
        connection.execute(f"COPY ({select}) TO '{target}' (FORMAT parquet)")
    else:
        connection.execute(f"COPY ({select}) TO '{target}' (FORMAT csv, DELIMITER ';')")
    connection.close()


def time_extract(register: Path, out: Path, memory_limit: str) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and peak resident memory (MiB) of one `python -m etl extract`
    subprocess (peak: ru_maxrss of the largest child so far, so run small sizes first)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "etl",
            "extract",
            "--persons",
            str(register),
            "--municipality",
            MUNICIPALITY,
            "--out",
            str(out),
            "--format",
            "parquet",
            "--memory-limit",
            memory_limit,
        ],
        check=True,
        capture_output=True,
    )
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return seconds, cpu, after.ru_maxrss // 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--formats", nargs="+", default=["parquet", "csv"])
    parser.add_argument("--keep", type=Path, help="directory for the registers (default: temp)")
    parser.add_argument("--memory-limit", default="2GB", help="passed to etl extract (duckdb)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per case; the fastest counts")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temporary:
        base = args.keep or Path(temporary)
        print(f"cores: {os.cpu_count()}  (python -m etl extract, output parquet)")
        print(
            f"{'persons':>12} {'format':>8} {'seconds':>8} {'persons/s':>12} {'CPU s':>8} "
            f"{'CPU s/M':>8} {'peak MiB':>9}"
        )
        for persons in args.persons:
            for file_format in args.formats:
                register = base / f"register_{persons}.{file_format}"
                if not register.exists():
                    generate_register(register, persons, file_format)
                out = base / f"out_{persons}_{file_format}"
                runs = [
                    time_extract(register, out, args.memory_limit)
                    for _ in range(max(1, args.repeat))
                ]
                seconds, cpu, peak = min(runs)
                print(
                    f"{persons:>12} {file_format:>8} {seconds:>8.2f} "
                    f"{persons / seconds:>12,.0f} {cpu:>8.2f} {cpu / persons * 1e6:>8.2f} "
                    f"{peak:>9}"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
