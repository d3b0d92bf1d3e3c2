"""`python -m etl import-boundaries` into a SQLite store; replaces one level only."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import shapely

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


def tables(home: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    engine = restricted_engine(Settings(home=home))
    return read_table(engine, "boundaries"), read_table(engine, "areas")


def test_levels_replace_only_themselves(tmp_path: Path) -> None:
    home, path = tmp_path / "var", tmp_path / "g.gpkg"
    synthetic().assign(KRS="06636", KN="Werra-Meißner-Kreis").to_file(path)
    assert etl(home, "import-boundaries", str(path)).returncode == 0
    done = etl(
        home,
        "import-boundaries",
        str(path),
        "--key",
        "KRS",
        "--name",
        "KN",
        "--level",
        "kreis",
        "--tolerance",
        "0",
    )
    assert done.returncode == 0, done.stderr
    assert "1 Flächen der Ebene kreis" in done.stdout
    boundaries, areas = tables(home)
    assert sorted(zip(areas["area_key"], areas["level"], areas["parent_key"], strict=True)) == [
        ("06636", "kreis", "06"),
        ("06636001", "gemeinde", "06636"),
        ("06636002", "gemeinde", "06636"),
    ]
    assert shapely.from_wkb(
        boundaries.set_index("area_key").loc["06636", "geometry_wkb"]
    ).area == pytest.approx(2e6, rel=1e-3)
    assert set(boundaries["source"]) == {"g.gpkg"}

    # a bad file (key does not fit the level) changes nothing
    failed = etl(home, "import-boundaries", str(path), "--level", "land")
    assert failed.returncode == 2 and "passt nicht zur Ebene 'land'" in failed.stderr
    after_boundaries, after_areas = tables(home)
    pd.testing.assert_frame_equal(after_boundaries, boundaries)
    pd.testing.assert_frame_equal(after_areas, areas)


@pytest.mark.real_samples
def test_real_vg5000(tmp_path: Path, real_samples: Path) -> None:
    path = real_samples / "vg5000_2021-01-01_gemeinden_werra-meissner.gpkg"
    done = etl(tmp_path / "var", "import-boundaries", str(path), "--layer", "vg5000_gem")
    assert done.returncode == 0, done.stderr
    boundaries, areas = tables(tmp_path / "var")
    assert len(boundaries) == len(areas) == 17
    assert set(areas["parent_key"]) == {"06636"}
