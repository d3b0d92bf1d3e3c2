"""Run a benchmark against the `etl` package of an earlier commit, in the same run.

`git archive` unpacks the commit's `etl/` into a temporary directory; a subprocess runs the
current benchmark module with that directory first on `sys.path`, so the benchmark code and
its table stay the same and only the implementation differs. Old and new then see the same
machine load, and their ratio means something on a shared machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_module_at(ref: str, module: str, arguments: list[str]) -> list[dict]:
    """JSON lines printed by `python -m module *arguments` with `etl` taken from `ref`."""
    archive = subprocess.run(
        ["git", "archive", ref, "etl"], cwd=ROOT, check=True, capture_output=True
    ).stdout
    with tempfile.TemporaryDirectory(prefix="bench-baseline-") as directory:
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(directory, filter="data")
        environment = {**os.environ, "PYTHONPATH": os.pathsep.join([directory, str(ROOT)])}
        finished = subprocess.run(
            [sys.executable, "-m", module, *arguments],
            cwd=directory,
            env=environment,
            check=True,
            capture_output=True,
            text=True,
        )
    return [json.loads(line) for line in finished.stdout.splitlines() if line.startswith("{")]
