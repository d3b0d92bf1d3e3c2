"""`python -m etl import-crosswalk` into a SQLite store, and a round trip on both backends."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

from etl.config import Settings
from etl.extract.crosswalk import read_crosswalk
from etl.store.engine import restricted_engine
from etl.store.restricted import read_table, replace_table
from etl.testing import migrated_stores

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"


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


def test_import_and_bad_file(tmp_path: Path) -> None:
    home = tmp_path / "var"
    done = etl(home, "import-crosswalk", str(DATA / "crosswalk.csv"))
    assert done.returncode == 0, done.stderr
    assert "4 Zeilen (3 alte Schlüssel, 2 Anteile < 1)" in done.stdout
    stored = read_table(restricted_engine(Settings(home=home)), "crosswalk")
    assert len(stored) == 4
    bad = tmp_path / "bad.csv"
    bad.write_text("old_key,new_key,weight,valid_from\nA,B,0.5,2021-01-01\n")
    failed = etl(home, "import-crosswalk", str(bad))
    assert failed.returncode == 2 and "'A'" in failed.stderr and "0.5 statt 1" in failed.stderr
    pd.testing.assert_frame_equal(
        read_table(restricted_engine(Settings(home=home)), "crosswalk"), stored
    )


def test_round_trip(any_settings: Settings) -> None:
    restricted = migrated_stores(any_settings).restricted
    crosswalk = read_crosswalk(DATA / "crosswalk.csv")
    replace_table(restricted, "crosswalk", crosswalk, actor="test", detail={})
    back = read_table(restricted, "crosswalk").sort_values(["old_key", "new_key"])
    assert back["old_key"].tolist() == crosswalk["old_key"].tolist()
    assert back["weight"].tolist() == crosswalk["weight"].tolist()
    assert pd.Timestamp(back["valid_from"].iloc[0]).date() == dt.date(2019, 1, 1)
    restricted.dispose()


def test_validity_of_stored_areas(tmp_path: Path) -> None:
    home = tmp_path / "var"
    boundaries = tmp_path / "g.geojson"
    square = "[[[9.9,51.1],[10.0,51.1],[10.0,51.2],[9.9,51.2],[9.9,51.1]]]"
    boundaries.write_text(
        '{"type":"FeatureCollection","features":['
        f'{{"type":"Feature","properties":{{"AGS":"16063001","GEN":"Alt"}},'
        f'"geometry":{{"type":"Polygon","coordinates":{square}}}}}]}}'
    )
    assert etl(home, "import-boundaries", str(boundaries)).returncode == 0
    done = etl(home, "import-crosswalk", str(DATA / "crosswalk.csv"))
    assert done.returncode == 0, done.stderr
    areas = read_table(restricted_engine(Settings(home=home)), "areas")
    assert pd.Timestamp(areas.set_index("area_key").loc["16063001", "valid_to"]).date() == (
        dt.date(2018, 12, 31)
    )
