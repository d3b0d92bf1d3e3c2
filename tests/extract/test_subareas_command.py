"""`python -m etl import-subareas`: registers per Gemeinde; a refused list changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.cli import main
from etl.config import Settings
from etl.store import schema
from etl.store.contents import zone_contents
from etl.store.restricted import read_table
from etl.store.subareas import read_subareas
from etl.testing import migrated_stores

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


def run(settings: Settings, monkeypatch, *args: str) -> int:
    monkeypatch.setenv("DEMOGRAFIE_HOME", str(settings.home))
    monkeypatch.setenv("DEMOGRAFIE_RESTRICTED_URL", settings.restricted_url)
    monkeypatch.setenv("DEMOGRAFIE_PUBLISHED_URL", settings.published_url)
    return main(["import-subareas", *args])


def test_boundaries_then_a_list_replace_per_gemeinde(any_settings, monkeypatch, tmp_path, capsys):
    gpkg = str(SAMPLES / "boundaries.gpkg")
    assert run(any_settings, monkeypatch, gpkg, "--layer", "ortsteile") == 0
    assert "10 Ortsteile für 04021000 registriert" in capsys.readouterr().out
    listing = tmp_path / "dorf.csv"
    listing.write_text("key;name\n03901001-001;Oberdorf\n03901001-002;Unterdorf\n")
    assert run(any_settings, monkeypatch, str(listing), "--actor", "statistik") == 0
    restricted = migrated_stores(any_settings).restricted
    registry = read_subareas(restricted)
    assert registry.groupby("municipality").size().to_dict() == {"03901001": 2, "04021000": 10}
    assert set(registry.loc[registry["municipality"] == "03901001", "registered_by"]) == {
        "statistik"
    }
    listing.write_text("key;name\n03901001-003;Neudorf\n")
    assert run(any_settings, monkeypatch, str(listing)) == 0
    assert read_subareas(restricted, "03901001")["area_key"].tolist() == ["03901001-003"]
    areas = read_table(restricted, "areas")
    assert areas.loc[areas["area_key"] == "03901001-003", "name"].tolist() == ["Neudorf"]
    assert "03901001-001" not in set(areas["area_key"])
    actions = read_table(restricted, "audit_log")["action"].tolist()
    assert actions.count("import-subareas") == 3


def test_a_refused_list_changes_nothing(any_settings, monkeypatch, tmp_path, capsys):
    listing = tmp_path / "liste.csv"
    listing.write_text("key;name\n03901001-001;Oberdorf\n")
    assert run(any_settings, monkeypatch, str(listing)) == 0
    restricted = migrated_stores(any_settings).restricted
    before = zone_contents(restricted, schema.restricted)
    listing.write_text("key;name\n03901001-002;Mitte\n03901001-P000017;Max\n")
    assert run(any_settings, monkeypatch, str(listing)) == 2
    assert capsys.readouterr().err.startswith(
        "Fehler: Datei liste.csv, Zeile 3, Spalte 'key': Schlüssel '03901001-P000017': Code"
    )
    assert zone_contents(restricted, schema.restricted) == before


@pytest.mark.parametrize("option", ["--key", "--name"])
def test_a_missing_column_says_which_option_to_use(settings, monkeypatch, tmp_path, capsys, option):
    listing = tmp_path / "liste.csv"
    listing.write_text("key;name\n03901001-001;Oberdorf\n")
    assert run(settings, monkeypatch, str(listing), option, "OT") == 2
    assert f"Mit {option} die richtige Spalte angeben" in capsys.readouterr().err
