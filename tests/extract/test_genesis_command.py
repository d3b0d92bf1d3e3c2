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
from etl.store.engine import restricted_engine
from etl.store.restricted import read_table, save_official
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

    twice = tmp_path / "twice.csv"
    text = (DATA / "genesis_reform.csv").read_text()
    twice.write_text(text.replace("16063005;", "16063001;Neustadt;13;7;6;4;2;2\n16063005;"))
    failed = etl(home, "import-genesis", str(twice))
    assert failed.returncode == 2
    assert "twice.csv, Zeile 13, Spalte 'Schlüssel'" in failed.stderr
    assert "Gemeinde 16063001 steht zweimal (mit denselben Werten)" in failed.stderr
    pd.testing.assert_frame_equal(official(home)[1], values)


def test_report_csv(tmp_path: Path) -> None:
    report = tmp_path / "bericht.csv"
    done = etl(
        tmp_path / "var",
        "import-genesis",
        str(DATA / "genesis_samtgemeinde.csv"),
        str(DATA / "genesis_reform.csv"),
        "--report",
        str(report),
    )
    assert done.returncode == 0, done.stderr
    rows = pd.read_csv(report, sep=";", dtype=str, keep_default_na=False)
    assert list(rows.columns[:4]) == ["file", "table_code", "line", "code"]
    samtgemeinde = rows[rows["file"].eq("genesis_samtgemeinde.csv")].set_index("code")
    assert samtgemeinde.loc["03351401", ["status", "level"]].tolist() == [
        "aggregate",
        "gemeindeverband",
    ]
    assert samtgemeinde.loc["03351401002", ["status", "key"]].tolist() == ["mapped", "03351002"]
    assert set(rows["status"]) == {"mapped", "aggregate", "vanished", "unknown"}


def test_not_a_genesis_file(tmp_path: Path) -> None:
    other = tmp_path / "other.csv"
    other.write_text("a;b\n1;2\n")
    failed = etl(tmp_path / "var", "import-genesis", str(other))
    assert failed.returncode == 2 and "keine GENESIS-Datei" in failed.stderr


def test_store_round_trip(any_settings: Settings, tmp_path: Path) -> None:
    kreis_path = tmp_path / "kreise.csv"
    kreis_path.write_text(
        "GENESIS-Tabelle: 12613-02-02-4\nGestorbene;;;;\n"
        ";;;;Insgesamt;Insgesamt;Deutsche;Deutsche\n;;;;männlich;weiblich;männlich;weiblich\n"
        "2015;06636;Werra-Meißner-Kreis;unter 1 Jahr;2;1;2;1\n"
        "2015;06636;Werra-Meißner-Kreis;Insgesamt;711;790;705;778\n__________\n",
        encoding="utf-8",
    )
    restricted = migrated_stores(any_settings).restricted
    kreise = read_genesis(kreis_path)
    save_official(
        restricted,
        source_record(kreise, kreis_path, kreis_path.read_bytes()),
        kreise.data[list(STORED_COLUMNS)],
    )
    stored = read_table(restricted, "official_values").sort_values(["nationality", "sex", "age_to"])
    columns = ["ags", "level", "nationality", "sex", "age_to", "value"]
    rows = [
        [a, lv, n, sx, None if pd.isna(t) else int(t), int(v)]
        for a, lv, n, sx, t, v in stored[columns].itertuples(index=False)
    ]
    assert rows == [
        ["06636", "kreis", "german", "female", 1, 1],
        ["06636", "kreis", "german", "female", None, 778],
        ["06636", "kreis", "german", "male", 1, 2],
        ["06636", "kreis", "german", "male", None, 705],
        ["06636", "kreis", "total", "female", 1, 1],
        ["06636", "kreis", "total", "female", None, 790],
        ["06636", "kreis", "total", "male", 1, 2],
        ["06636", "kreis", "total", "male", None, 711],
    ]
    assert set(stored["household_type"]) == {"total"}

    path = DATA / "genesis_reform.csv"
    table = read_genesis(path)
    source = source_record(table, path, path.read_bytes())
    save_official(restricted, source, table.data[list(STORED_COLUMNS)])
    save_official(restricted, source, table.data[list(STORED_COLUMNS)])  # re-import replaces
    stored = read_table(restricted, "official_values")
    stored = stored[stored["table_code"].eq(table.table_code)]
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


@pytest.mark.real_samples
def test_real_niedersachsen_bremen_import(tmp_path: Path, real_samples: Path) -> None:
    folder = real_samples / "niedersachsen-bremen"
    if not folder.is_dir():
        pytest.skip(f"real samples of Niedersachsen/Bremen not present at {folder}")
    report = tmp_path / "bericht.csv"
    files = sorted(str(p) for p in folder.glob("genesis_*.csv"))
    done = etl(tmp_path / "var", "import-genesis", *files, "--report", str(report))
    assert done.returncode == 0, done.stderr
    assert "Zeilen: 1136 zugeordnet, 145 Aggregate, 102 entfallen, 0 unbekannt" in done.stdout
    assert "Aggregat abweichend: Zeile 531 03256404 Landesbergen, Samtgemeinde" in done.stdout
    sources, values = official(tmp_path / "var")
    assert len(sources) == 6
    samtgemeinden = pd.read_csv(report, sep=";", dtype=str, keep_default_na=False)
    samtgemeinden = samtgemeinden[samtgemeinden["level"].eq("gemeindeverband")]
    assert not set(samtgemeinden["code"]) & set(values["ags"])
    population = values[
        values["table_code"].eq("12411-01-01-5-B")
        & values["year"].eq(2013)
        & values["sex"].eq("total")
    ]
    assert population.groupby(population["ags"].str[:2])["value"].sum().to_dict() == {
        "03": 7_790_559,
        "04": 657_391,
        "06": 100_356,
    }


def test_import_reports_keys_that_merge_within_the_tables(tmp_path: Path) -> None:
    done = etl(tmp_path / "var", "import-genesis", str(DATA / "genesis_merger.csv"))
    assert done.returncode == 0, done.stderr
    assert (
        "Gebietsänderung ab 2012-01-01: 03158001, 03158003 → 03158038 (Vertrauen mittel; "
        "Bevölkerung 2011: 1000 gegenüber 2012: 995, Rest -0.5%)" in done.stdout
    )
    assert "derive-crosswalk" in done.stdout
    assert "03158099" not in done.stdout.split("Gebietsänderung", 1)[1]
