"""`python -m etl import-regions` expands members with the areas of the store."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

from etl.config import Settings
from etl.store.engine import restricted_engine
from etl.store.restricted import read_table

from .test_boundaries import synthetic

REPO = Path(__file__).resolve().parents[2]


def etl(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DEMOGRAFIE_HOME": str(home)}
    for variable in ("DEMOGRAFIE_RESTRICTED_URL", "DEMOGRAFIE_PUBLISHED_URL"):
        env.pop(variable, None)
    return subprocess.run(
        [sys.executable, "-m", "etl", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_regions_need_areas_then_expand(tmp_path: Path) -> None:
    home = tmp_path / "var"
    regions = tmp_path / "regions.csv"
    regions.write_text(
        "region_set;region_key;region_name;member_key\nVerbünde;R-wmk;Ganzer Kreis;06636\n"
    )
    early = etl(home, "import-regions", str(regions))
    assert early.returncode == 2 and "import-boundaries" in early.stderr

    gpkg = tmp_path / "g.gpkg"
    synthetic().to_file(gpkg)
    assert etl(home, "import-boundaries", str(gpkg)).returncode == 0
    done = etl(home, "import-regions", str(regions))
    assert done.returncode == 0, done.stderr
    assert "Verbünde: 1 Regionen" in done.stdout
    stored = read_table(restricted_engine(Settings(home=home)), "region_sets")
    assert stored["member_key"].tolist() == ["06636001", "06636002"]

    bad = tmp_path / "bad.csv"
    bad.write_text("region_set,region_key,region_name,member_key\nV,R,Name,06636999\n")
    failed = etl(home, "import-regions", str(bad))
    assert failed.returncode == 2 and "Zeile 2" in failed.stderr and "06636999" in failed.stderr
    after = read_table(restricted_engine(Settings(home=home)), "region_sets")
    pd.testing.assert_frame_equal(after, stored)
