"""The project and lifetable commands through `etl.cli.main` with CSV files in tmp_path."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from etl.cli import main

from . import preston


def _write(path: Path, frame: pd.DataFrame) -> Path:
    frame.to_csv(path, index=False)
    return path


def _preston_files(tmp_path: Path, area: str = "0123") -> dict[str, Path]:
    ages = list(preston.AGES)
    rows = [(area, sex, age) for sex in ("female", "male") for age in ages]
    keys = pd.DataFrame(rows, columns=["area", "sex", "age"])
    female = keys["sex"] == "female"
    population = keys.assign(population=np.where(female, np.tile(preston.POPULATION_1993, 2), 0))
    net = keys.assign(net=np.where(female, np.tile(preston.NET_MIGRATION, 2), 0))
    survival = keys.drop(columns="area").assign(survival=np.tile(preston.survival(), 2))
    fertility = pd.DataFrame({"age": ages[3:10], "rate": preston.ASFR[3:10]})
    return {
        "population": _write(tmp_path / "P.csv", population),
        "survival": _write(tmp_path / "S.csv", survival),
        "fertility": _write(tmp_path / "F.csv", fertility),
        "migration": _write(tmp_path / "M.csv", net),
    }


def _project_args(files: dict[str, Path], tmp_path: Path, *extra: str) -> list[str]:
    args = ["project", "--step", "5", "--steps", "1", "--out", str(tmp_path / "OUT.csv")]
    for name, path in files.items():
        args += [f"--{name}", str(path)]
    return [*args, *extra]


def test_project_reproduces_preston_box_6_2(tmp_path: Path) -> None:
    files = _preston_files(tmp_path)
    components_path = tmp_path / "C.csv"
    code = main(_project_args(files, tmp_path, "--components-out", str(components_path)))
    assert code == 0
    out = pd.read_csv(tmp_path / "OUT.csv", dtype={"area": str})
    assert list(out.columns) == ["area", "step", "sex", "age", "population"]
    female = out[out["sex"] == "female"].sort_values("age")
    assert female["area"].unique().tolist() == ["0123"]
    np.testing.assert_array_equal(female["population"].round(), preston.EXPECTED_1998)
    components = pd.read_csv(components_path, dtype={"area": str})
    assert list(components.columns) == [
        "area",
        "step",
        "sex",
        "births",
        "deaths",
        "net_migration",
    ]
    assert components["births"].sum() == pytest.approx(preston.EXPECTED_BIRTHS, abs=0.005)


def test_project_several_steps_and_end_timing(tmp_path: Path) -> None:
    files = _preston_files(tmp_path)
    args = _project_args(files, tmp_path, "--migration-timing", "end")
    args[args.index("--steps") + 1] = "3"
    assert main(args) == 0
    out = pd.read_csv(tmp_path / "OUT.csv")
    assert sorted(out["step"].unique()) == [1, 2, 3]


@pytest.mark.parametrize(
    ("name", "edit", "message"),
    [
        (
            "population",
            lambda f: f.drop(columns="population"),
            r"Spalte 'population': Spalte fehlt",
        ),
        (
            "population",
            lambda f: f.assign(sex=f["sex"].replace("male", "m")),
            r"Zeile 20, Spalte 'sex': Unbekanntes Geschlecht 'm'",
        ),
        (
            "population",
            lambda f: f.assign(population=-f["population"]),
            r"Zeile 2, Spalte 'population': Wert -293395",
        ),
        (
            "survival",
            lambda f: f.assign(survival=f["survival"] * 2),
            r"S.csv, Zeile 2, Spalte 'survival': Wert .* außerhalb von \[0, 1\]",
        ),
        ("survival", lambda f: f[f["age"] != 85], r"S.csv: Es fehlt eine Zeile .* female, 85"),
        (
            "fertility",
            lambda f: f.assign(age=f["age"] + 1),
            r"F.csv, Zeile 2, Spalte 'age': Alter 16",
        ),
        (
            "migration",
            lambda f: f.assign(area="999"),
            r"M.csv, Zeile 2, Spalte 'area': Gebiet '999'",
        ),
        ("migration", lambda f: f.iloc[:-1], r"M.csv: Es fehlt eine Zeile .* 0123, male, 85"),
        (
            "population",
            lambda f: f.assign(age=f["age"] // 5),
            r"P.csv, Spalte 'age': Altersgruppen",
        ),
    ],
)
def test_project_errors_name_file_row_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, edit, message: str
) -> None:
    files = _preston_files(tmp_path)
    frame = pd.read_csv(files[name], dtype={"area": str})
    _write(files[name], edit(frame))
    assert main(_project_args(files, tmp_path)) == 2
    err = capsys.readouterr().err
    assert err.startswith("Fehler: Datei ")
    assert re.search(message, err), err


def test_lifetable_command_matches_hand_computation(tmp_path: Path) -> None:
    table = pd.DataFrame(
        {
            "age": [0, 1, 5, 10],
            "width": ["1", "4", "5", ""],
            "population": [1000, 4000, 5000, 10000],
            "deaths": [10, 4, 5, 1000],
            "ax": ["0.1", "", "", ""],
        }
    )
    source = _write(tmp_path / "LT.csv", table)
    out_path = tmp_path / "OUT.csv"
    assert main(["lifetable", "--input", str(source), "--out", str(out_path)]) == 0
    out = pd.read_csv(out_path)
    assert list(out.columns) == ["age", "mx", "qx", "ax", "lx", "dx", "Lx", "Tx", "ex"]
    q0 = 0.01 / (1 + 0.9 * 0.01)
    assert out["qx"].iloc[0] == pytest.approx(q0)
    assert out["lx"].iloc[1] == pytest.approx(100_000 * (1 - q0))
    assert out["Lx"].iloc[-1] == pytest.approx(out["lx"].iloc[-1] / 0.1)
    assert out["ex"].iloc[0] == pytest.approx(out["Tx"].iloc[0] / 100_000)


def test_lifetable_command_refuses_closed_last_group(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = pd.DataFrame({"age": [0, 5], "width": [5, 5], "population": [1, 1], "deaths": [0, 1]})
    source = _write(tmp_path / "LT.csv", table)
    assert main(["lifetable", "--input", str(source), "--out", str(tmp_path / "o.csv")]) == 2
    assert "Zeile 3, Spalte 'width'" in capsys.readouterr().err


def test_project_warns_where_cells_were_floored(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    files = _preston_files(tmp_path)
    net = pd.read_csv(files["migration"], dtype={"area": str})
    net.loc[17, "net"] = -1e6
    _write(files["migration"], net)
    assert main(_project_args(files, tmp_path)) == 0
    assert "0123 (Schritt 1)" in caplog.text
