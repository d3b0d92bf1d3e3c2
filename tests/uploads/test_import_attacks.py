"""`python -m etl import-extract` refuses the upload attacks of issue 8; both zones unchanged."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from etl.cli import main
from etl.config import Settings
from etl.testing import tiny_bundle
from etl.uploads.testing import grid_cell_of, upload_attacks, with_rows, write_extract_dir

from .stores import AGS, DATE, REGISTERED, SOUTH, WEST, both_zones

REPO = Path(__file__).resolve().parents[2]
OUTSIDE = grid_cell_of(WEST + 40_000, SOUTH + 40_000)
ATTACKS = upload_attacks(AGS, DATE, REGISTERED, OUTSIDE)


def environment(settings: Settings) -> dict[str, str]:
    return {
        "DEMOGRAFIE_HOME": str(settings.home),
        "DEMOGRAFIE_RESTRICTED_URL": settings.restricted_url,
        "DEMOGRAFIE_PUBLISHED_URL": settings.published_url,
    }


def import_extract(settings, monkeypatch, path: Path) -> int:
    for name, value in environment(settings).items():
        monkeypatch.setenv(name, value)
    return main(["import-extract", str(path)])


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.name for a in ATTACKS])
def test_attack_is_refused_and_both_zones_stay_unchanged(
    prepared, tmp_path, monkeypatch, capsys, attack
):
    before = both_zones(prepared)
    directory = write_extract_dir(attack.bundle, tmp_path / "auszug")
    assert import_extract(prepared, monkeypatch, directory) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1, error  # one message
    assert error.startswith("Fehler: Datei population.csv, Zeile ")
    assert "Spalte 'area_key'" in error or "Spalte 'count'" in error
    assert attack.message in error
    assert both_zones(prepared) == before


def test_a_real_upload_with_registered_ortsteile_and_inner_grid_is_stored(
    prepared, tmp_path, monkeypatch, capsys
):
    bundle = tiny_bundle(AGS, DATE, scale=3, ortsteile=REGISTERED, seed=3)
    inside = grid_cell_of(WEST + 2_500, SOUTH + 2_500)
    bundle = with_rows(bundle, "population", [("grid1km", inside, "male", 18, "all", "main", 3)])
    before = both_zones(prepared)
    assert import_extract(prepared, monkeypatch, write_extract_dir(bundle, tmp_path / "a")) == 0
    assert capsys.readouterr().out.startswith(f"{AGS}-2023")
    after = both_zones(prepared)
    assert len(after["restricted"]["uploads"]) == len(before["restricted"]["uploads"]) + 1


def test_without_a_boundary_the_grid_is_a_finding_not_silently_accepted(
    settings, tmp_path, monkeypatch, capsys
):
    bundle = tiny_bundle("03901002", DATE, scale=3, seed=4)
    bundle = with_rows(bundle, "population", [("grid1km", OUTSIDE, "male", 18, "all", "main", 2)])
    assert import_extract(settings, monkeypatch, write_extract_dir(bundle, tmp_path / "a")) == 0
    assert "Hinweis: Rasterzellen nicht geprüft: Für 03901002 ist keine Gemeindegrenze" in (
        capsys.readouterr().err
    )


def test_the_command_line_itself_refuses_name_keys(prepared, tmp_path):
    before = both_zones(prepared)
    directory = write_extract_dir(ATTACKS[0].bundle, tmp_path / "auszug")
    done = subprocess.run(
        [sys.executable, "-m", "etl", "import-extract", str(directory)],
        cwd=REPO,
        env={**os.environ, **environment(prepared)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "Spalte 'area_key'" in done.stderr and "MaxMustermann_Hst12" in done.stderr
    assert both_zones(prepared) == before
