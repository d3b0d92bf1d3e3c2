"""`python -m etl protect` and `python -m etl audit` end to end in subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

CELLS = "cell,value\n01,2\n02,10\n03,12\n04,8\n05,12\n06,20\n07,10\n08,22\n09,32\n"
# 01 02 | 03        rows:    03 = 01 + 02, 06 = 04 + 05
# 04 05 | 06        columns: 07 = 01 + 04, 08 = 02 + 05
# 07 08 | 09        total:   09 = 03 + 06 = 07 + 08
RELATIONS = (
    "total,part,relation\n03,01,r\n03,02,r\n06,04,r\n06,05,r\n07,01,c\n07,04,c\n"
    "08,02,c\n08,05,c\n09,03,r\n09,06,r\n09,07,c\n09,08,c\n"
)


def etl(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    environment = os.environ | {"DEMOGRAFIE_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "etl", *args],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
        timeout=120,
    )


@pytest.fixture
def inputs(tmp_path: Path) -> tuple[Path, Path]:
    cells, relations = tmp_path / "cells.csv", tmp_path / "relations.csv"
    cells.write_text(CELLS, encoding="utf-8")
    relations.write_text(RELATIONS, encoding="utf-8")
    return cells, relations


def protect_args(cells: Path, relations: Path, out: Path) -> list[str]:
    return ["protect", "--cells", str(cells), "--relations", str(relations), "--out", str(out)]


def audit_args(cells: Path, relations: Path, result: Path) -> list[str]:
    return ["audit", "--cells", str(cells), "--relations", str(relations), "--result", str(result)]


def test_protect_writes_the_result_and_audit_accepts_it(
    inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    out = tmp_path / "result.csv"
    done = etl(*protect_args(*inputs, out), home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("geschützt: 9 Zellen, 1 primär, 3 sekundär, 0 null")
    assert out.read_text(encoding="utf-8").splitlines() == [
        "cell,value,status",
        "01,,primary",
        "02,,secondary",
        "03,12,published",
        "04,,secondary",
        "05,,secondary",
        "06,20,published",
        "07,10,published",
        "08,22,published",
        "09,32,published",
    ]
    checked = etl(*audit_args(*inputs, out), home=tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.strip() == (
        "sicher: 9 Zellen, 4 unterdrückte Zellen geprüft (k=3, p=0.3)"
    )


def test_audit_exits_1_and_lists_each_unsafe_cell(
    inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    result = tmp_path / "result.csv"
    result.write_text(
        "cell,value,status\n01,,primary\n02,10,published\n03,12,published\n"
        "04,,secondary\n05,12,published\n06,20,published\n07,10,published\n"
        "08,22,published\n09,32,published\n",
        encoding="utf-8",
    )
    done = etl(*audit_args(*inputs, result), home=tmp_path)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0] == (
        "unsicher: cell=01 Wert=2 Intervall [2, 2] benötigt [1, 3] "
        "(obere Schranke zu niedrig, untere Schranke zu hoch, exakt ableitbar)"
    )
    assert lines[1] == (
        "unsicher: cell=04 Wert=8 Intervall [8, 8] benötigt eine Spanne >= 1 (exakt ableitbar)"
    )
    assert lines[-1] == "unsicher: 2 von 9 Zellen"


def test_min_count_option_overrides_the_settings(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "result.csv"
    done = etl(*protect_args(*inputs, out), "--min-count", "1", home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "0 primär, 0 sekundär" in done.stdout


def test_invalid_input_exits_2_names_the_row_and_writes_nothing(
    inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    cells, relations = inputs
    cells.write_text(CELLS.replace("05,12", "05,zwölf"), encoding="utf-8")
    out = tmp_path / "result.csv"
    out.write_text("previous release\n", encoding="utf-8")
    done = etl(*protect_args(cells, relations, out), home=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"Fehler: Datei {cells}, Zeile 6, Spalte 'value': 'zwölf' "
        "ist keine Zahl; erwartet wird eine ganze Zahl >= 0."
    )
    assert out.read_text(encoding="utf-8") == "previous release\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "cells.csv",
        "relations.csv",
        "result.csv",
    ]


def test_relation_that_does_not_add_up_exits_2(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    cells, relations = inputs
    relations.write_text(RELATIONS.replace("06,05,r\n", ""), encoding="utf-8")
    done = etl(*protect_args(cells, relations, tmp_path / "out.csv"), home=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().startswith(
        f"Fehler: Datei {relations}, Zeile 4, Spalte 'total': Summe stimmt nicht: Summe '06' "
        "hat den Wert 20, ihre Teile ergeben 8."
    )
    assert not (tmp_path / "out.csv").exists()


def test_missing_file_exits_2(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    cells, _ = inputs
    missing = tmp_path / "nope.csv"
    done = etl(*audit_args(cells, missing, tmp_path / "result.csv"), home=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == f"Fehler: Datei {missing}: Datei nicht gefunden; Pfad prüfen."


def test_protect_refuses_to_write_when_the_audit_finds_a_problem(
    inputs: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from etl import cli
    from etl.commands import protect as command
    from etl.privacy import AuditReport

    unsafe = pd.DataFrame({"cell": ["01"], "reason": ["exakt ableitbar"]})
    monkeypatch.setattr(
        command, "audit", lambda *args, **kwargs: AuditReport(False, unsafe, checked=4)
    )
    monkeypatch.setenv("DEMOGRAFIE_HOME", str(tmp_path))
    out = tmp_path / "result.csv"
    assert cli.main(protect_args(*inputs, out)) == 2
    assert capsys.readouterr().err.strip() == (
        f"Fehler: Audit findet 1 unsichere Zellen; {out} wurde nicht geschrieben."
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == ["cells.csv", "relations.csv"]
