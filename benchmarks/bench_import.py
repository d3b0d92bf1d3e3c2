"""Time the bulk import of anonymised extracts: `python -m etl import-extract DIR`.

Run: `.venv/bin/python -m benchmarks.bench_import [--extracts 1000] [--keep DIR]`.
Writes N synthetic extracts (etl.testing.tiny_bundle: one municipality each, about 140 rows of
counts, CSV), then imports the directory in a fresh subprocess into a fresh SQLite store and
reports wall and CPU seconds of that subprocess.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from etl.extract.anonymised import write_extract
from etl.testing import tiny_bundle

REFERENCE_DATE = dt.date(2023, 12, 31)


def municipality(index: int) -> str:
    """Distinct AGS in Niedersachsen: Kreis 03101..03499, Gemeinde 001..999."""
    return f"03{101 + index // 999:03d}{1 + index % 999:03d}"


def write_extracts(folder: Path, count: int) -> None:
    for index in range(count):
        bundle = tiny_bundle(municipality(index), REFERENCE_DATE, scale=1.0, seed=index)
        write_extract(bundle, folder / f"extract-{index:05d}")


def time_import(folder: Path, home: Path) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "etl", "import-extract", str(folder)],
        check=True,
        env={**os.environ, "DEMOGRAFIE_HOME": str(home)},
        stdout=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extracts", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="keep the extracts in this directory")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch) / "extracts"
        write_extracts(folder, args.extracts)
        wall, cpu = time_import(folder, Path(scratch) / "home")
    print(f"{args.extracts} extracts: {wall:.1f} s wall, {cpu:.1f} s CPU")


if __name__ == "__main__":
    main()
