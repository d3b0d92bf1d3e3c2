"""`python -m etl extract` and `import-extract` as users run them: subprocesses in tmp_path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from etl.config import Settings
from etl.testing import migrated_stores

REPO = Path(__file__).resolve().parents[2]
REGISTER = """\
Personen-ID;Geburtsdatum;Geschlecht;Staatsangehörigkeit;Wohnungsstatus;Ortsteil;Haushalts-ID
p1;1980-05-01;w;deutsch;Hauptwohnung;1;h1
p2;1985-01-01;m;TR;Hauptwohnung;1;h1
p3;2020-12-31;d;DE;Hauptwohnung;2;h2
"""
EVENTS = (
    "person_id,event,event_date,sex,birth_year,mother_birth_year\n"
    "c1,Geburt,2023-03-01,w,2023,1990\n"
)


def etl(*args: str, home: Path) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DEMOGRAFIE_HOME": str(home)}
    environment.pop("DEMOGRAFIE_RESTRICTED_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "etl", *args],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def snapshot(home: Path) -> tuple[int, ...]:
    restricted = migrated_stores(Settings(home=home)).restricted
    with restricted.connect() as connection:
        return tuple(
            connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in (
                "uploads",
                "population_counts",
                "household_counts",
                "event_counts",
                "audit_log",
            )
        )


@pytest.fixture
def extract_dir(tmp_path: Path) -> Path:
    (tmp_path / "persons.csv").write_text(REGISTER, encoding="cp1252")
    (tmp_path / "events.csv").write_text(EVENTS, encoding="utf-8")
    result = etl(
        "extract",
        "--persons",
        str(tmp_path / "persons.csv"),
        "--events",
        str(tmp_path / "events.csv"),
        "--municipality",
        "04021000",
        "--reference-date",
        "2023-12-31",
        "--out",
        str(tmp_path / "out"),
        home=tmp_path / "var",
    )
    assert result.returncode == 0, result.stderr
    assert "Anonymisierter Auszug 04021000" in result.stdout
    return tmp_path / "out"


def test_extract_writes_counts_and_a_manifest_only(extract_dir: Path) -> None:
    assert sorted(p.name for p in extract_dir.iterdir()) == [
        "events.csv",
        "households.csv",
        "manifest.json",
        "population.csv",
    ]
    manifest = json.loads((extract_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["input_rows"] == {"persons": 3, "events": 1, "events_in_period": 1}
    assert manifest["schema_version"] == 1 and "SHA-256" in manifest["sex_rule"]
    assert set(manifest["tables"]) == {"population", "households", "events"}
    population = (extract_dir / "population.csv").read_text()
    assert "p1" not in population and "h1" not in population


def register_ortsteile(home: Path, tmp_path: Path) -> None:
    """Uploads may only use registered Ortsteil keys (sub-area key registry)."""
    listing = tmp_path / "ortsteile.csv"
    listing.write_text("key;name\n04021000-001;Mitte\n04021000-002;Nord\n", encoding="utf-8")
    assert etl("import-subareas", str(listing), home=home).returncode == 0


def test_import_extract_stores_it_and_prints_the_upload_id(extract_dir: Path, tmp_path: Path):
    home = tmp_path / "var"
    register_ortsteile(home, tmp_path)
    result = etl("import-extract", str(extract_dir), home=home)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("04021000-20231231-")
    uploads, population, households, events, _ = snapshot(home)
    assert (uploads, households, events) == (1, 4, 1)
    assert population > 0


def test_a_bad_file_exits_2_and_leaves_the_store_unchanged(extract_dir: Path, tmp_path: Path):
    home = tmp_path / "var"
    register_ortsteile(home, tmp_path)
    assert etl("import-extract", str(extract_dir), home=home).returncode == 0
    before = snapshot(home)
    population = extract_dir / "population.csv"
    population.write_text(population.read_text().replace(",main,", ",mian,", 1))
    result = etl("import-extract", str(extract_dir), home=home)
    assert result.returncode == 2
    assert result.stderr.startswith("Fehler: Datei population.csv: SHA-256")
    register = tmp_path / "persons.csv"
    result = etl("import-extract", str(register), home=home)
    assert result.returncode == 2 and "personenbezogen" in result.stderr
    assert snapshot(home) == before


def test_extract_reports_a_bad_register_with_exit_code_2(tmp_path: Path) -> None:
    (tmp_path / "persons.csv").write_text(REGISTER.replace(";w;", ";q;"), encoding="utf-8")
    result = etl(
        "extract",
        "--persons",
        str(tmp_path / "persons.csv"),
        "--municipality",
        "04021000",
        "--reference-date",
        "2023-12-31",
        "--out",
        str(tmp_path / "out"),
        home=tmp_path / "var",
    )
    assert result.returncode == 2
    assert "Datei persons.csv, Zeile 2, Spalte 'Geschlecht'" in result.stderr
    assert not (tmp_path / "out").exists()


def test_codes_repeated_for_fast_start_up_agree_with_their_sources() -> None:
    from etl.commands import extract as command
    from etl.extract import anonymised
    from etl.model import NATIONALITIES, RESIDENCES, SEXES
    from etl.store.register import queries as register_sql

    assert command.FORMATS == tuple(anonymised.FORMATS)
    assert (register_sql.SEXES, register_sql.NATIONALITIES, register_sql.RESIDENCES) == (
        SEXES,
        NATIONALITIES,
        RESIDENCES,
    )
