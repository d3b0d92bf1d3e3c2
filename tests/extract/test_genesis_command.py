"""`python -m etl import-genesis` as a user runs it, and a store round trip on both backends."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from etl.commands.import_genesis import STORED_COLUMNS, source_record
from etl.config import Settings
from etl.extract.genesis import read_genesis
from etl.store.engine import init_stores, restricted_engine
from etl.store.restricted import read_table, save_official

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


def official(home: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    engine = restricted_engine(Settings(home=home))
    return read_table(engine, "official_sources"), read_table(engine, "official_values")


def test_import_and_bad_file_leaves_store_unchanged(tmp_path: Path) -> None:
    home = tmp_path / "var"
    done = etl(
        home, "import-genesis", str(DATA / "genesis_reform.csv"), str(DATA / "genesis_deaths.csv")
    )
    assert done.returncode == 0, done.stderr
    assert "12612-01-01-5-B" in done.stdout and "3 nicht zugeordnet" in done.stdout
    assert "Zeile 12 16063004 Leerdorf" in done.stdout
    assert (
        "Zeilen: 5 zugeordnet, 1 Aggregate, 1 entfallen, 1 unbekannt; Summenprüfung: 0"
        in done.stdout
    )
    sources, values = official(home)
    assert sorted(sources["table_code"]) == ["12612-01-01-5-B", "12613-01-01-5-B"]
    unmapped = json.loads(sources.set_index("table_code").loc["12612-01-01-5-B", "unmapped"])
    assert [row["code"] for row in unmapped] == ["16063002", "16063004", "0663600"]
    assert set(values["level"]) == {"gemeinde"} and set(values["nationality"]) == {"total"}
    assert sources["source_id"].str.fullmatch(r"\d{5}-\d\d-\d\d-\d-B-[0-9a-f]{8}").all()
    assert values["ags"].str.len().eq(8).all()

    bad = tmp_path / "bad.csv"
    bad.write_text((DATA / "genesis_deaths.csv").read_text().replace(";140;", ";1,4;"))
    failed = etl(home, "import-genesis", str(DATA / "genesis_reform.csv"), str(bad))
    assert failed.returncode == 2
    assert "bad.csv" in failed.stderr and "Zeile 8" in failed.stderr and "'1,4'" in failed.stderr
    after_sources, after_values = official(home)
    pd.testing.assert_frame_equal(after_sources, sources)
    pd.testing.assert_frame_equal(after_values, values)


def test_not_a_genesis_file(tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("a;b\n1;2\n")
    failed = etl(tmp_path / "var", "import-genesis", str(other))
    assert failed.returncode == 2 and "keine GENESIS-Datei" in failed.stderr


def test_store_round_trip(any_settings: Settings) -> None:
    path = DATA / "genesis_reform.csv"
    table = read_genesis(path)
    restricted, _ = init_stores(any_settings)
    source = source_record(table, path, path.read_bytes())
    save_official(restricted, source, table.data[list(STORED_COLUMNS)])
    save_official(restricted, source, table.data[list(STORED_COLUMNS)])  # re-import replaces
    stored = read_table(restricted, "official_values")
    assert len(stored) == len(table.data)
    back = stored.sort_values(["ags", "year", "sex"]).reset_index(drop=True)
    expected = table.data.sort_values(["ags", "year", "sex"]).reset_index(drop=True)
    assert back["ags"].tolist() == expected["ags"].tolist()
    assert [None if pd.isna(v) else int(v) for v in back["value"]] == [
        None if pd.isna(v) else int(v) for v in expected["value"]
    ]
    assert back["symbol"].tolist() == expected["symbol"].tolist()
    assert back["age_to"].isna().all()
    restricted.dispose()


@pytest.mark.real_samples
def test_real_samples_import(tmp_path: Path, real_samples: Path) -> None:
    files = sorted(str(p) for p in real_samples.glob("genesis_*.csv"))
    done = etl(tmp_path / "var", "import-genesis", *files)
    assert done.returncode == 0, done.stderr
    sources, values = official(tmp_path / "var")
    assert len(sources) == 7  # every table of the folder is supported
    assert set(values["level"]) == {"gemeinde", "kreis"}
    assert set(values["nationality"]) == {"total", "german"}
    eschwege = values[
        (values["ags"] == "06636003")
        & (values["year"] == 2015)
        & (values["measure"] == "population")
        & (values["sex"] == "total")
        & values["age_to"].isna()
        & (values["age_from"] == 0)
    ]
    assert set(eschwege["value"]) == {19542}
    assert "Kaufunger Wald" in done.stdout
