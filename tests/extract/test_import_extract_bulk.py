"""`import-extract` with many extracts: directories, globs, all validated before any write."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from etl.cli import main
from etl.config import Settings
from etl.errors import InputError
from etl.extract.anonymised import write_extract
from etl.extract.extract_paths import extract_paths
from etl.store import restricted as store
from etl.testing import migrated_stores, tiny_bundle

DATE = dt.date(2023, 12, 31)
KEYS = ("03901001", "03901002", "03901003")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "auszuege"
    for index, key in enumerate(KEYS):
        write_extract(tiny_bundle(key, DATE, scale=1.0, seed=index), root / f"auszug-{key}")
    return root


def run(settings: Settings, monkeypatch: pytest.MonkeyPatch, *paths: str) -> int:
    monkeypatch.setenv("DEMOGRAFIE_HOME", str(settings.home))
    return main(["import-extract", *paths])


def active(settings: Settings) -> list[str]:
    restricted = migrated_stores(settings).restricted
    return sorted(store.active_uploads(restricted)["municipality"])


def test_a_directory_of_extracts_is_imported(settings, folder, monkeypatch, capsys) -> None:
    assert run(settings, monkeypatch, str(folder)) == 0
    assert active(settings) == list(KEYS)
    assert "3 Auszüge gespeichert" in capsys.readouterr().out


def test_a_glob_and_a_single_extract(settings, folder, monkeypatch) -> None:
    paths = (str(folder / "auszug-*01"), str(folder / "auszug-03901003"))
    assert run(settings, monkeypatch, *paths) == 0
    assert active(settings) == ["03901001", "03901003"]


def test_one_bad_extract_stores_nothing(settings, folder, monkeypatch) -> None:
    (folder / "auszug-03901002" / "population.csv").write_text("kaputt\n")
    assert run(settings, monkeypatch, str(folder)) == 2
    assert active(settings) == []


def test_paths_that_name_no_extract_are_refused(tmp_path: Path) -> None:
    (tmp_path / "leer").mkdir()
    with pytest.raises(InputError, match="enthält keinen Auszug"):
        extract_paths([str(tmp_path / "leer")])
    with pytest.raises(InputError, match="trifft keine Datei"):
        extract_paths([str(tmp_path / "nichts-*")])


def test_an_unregistered_ortsteil_in_one_extract_stores_nothing_and_names_it(
    settings, folder, monkeypatch, capsys
) -> None:
    bundle = tiny_bundle("03901004", DATE, scale=3.0, ortsteile=("001",), seed=9)
    write_extract(bundle, folder / "auszug-03901004")
    assert run(settings, monkeypatch, str(folder)) == 2
    assert active(settings) == []
    message = capsys.readouterr().err
    assert "population.csv, Zeile 2, Spalte 'area_key'" in message
    assert "'03901004-001' ist für die Gemeinde 03901004 nicht registriert" in message
