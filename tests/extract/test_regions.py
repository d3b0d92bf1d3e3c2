"""Region sets: expansion of Kreis and Land members, validation naming the row."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from etl.errors import InputError
from etl.extract.regions import expand_regions, read_regions

DATA = Path(__file__).resolve().parents[1] / "data"
KNOWN = ["04011000", "03356001", "03356002", "03361001", "03361002", "06636003", "06611000"]
HEADER = ("region_set", "region_key", "region_name", "member_key")


def rows(*records: tuple[str, str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(records, columns=list(HEADER), dtype=str)


def test_fixture_expands_kreis_and_land() -> None:
    result = read_regions(DATA / "regions.csv", KNOWN)
    assert tuple(result.columns) == HEADER
    assert result[["region_key", "member_key"]].values.tolist() == [
        ["R-hessen", "06611000"],
        ["R-hessen", "06636003"],  # Land 06
        ["R-bremen", "03356001"],
        ["R-bremen", "03356002"],  # Kreis 03356
        ["R-bremen", "03361001"],  # 3361001: leading zero restored
        ["R-bremen", "04011000"],
    ]
    assert set(result["region_set"]) == {"Länder", "Verbünde"}


def test_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "regions.xlsx"
    rows(("S", "R1", "Eins", "06636"), ("S", "R1", "Eins", "04011000")).to_excel(path, index=False)
    assert read_regions(path, KNOWN)["member_key"].tolist() == ["04011000", "06636003"]


@pytest.mark.parametrize(
    ("records", "message"),
    [
        ([("S", "R1", "Eins", "06636999")], r"Zeile 2, Spalte 'member_key'.*06636999.*unbekannt"),
        (
            [("S", "R1", "Eins", "06636003"), ("S", "R1", "Eins", "06636003")],
            r"Zeile 3, Spalte 'member_key'.*06636003.*doppelt \(auch Zeile 2\)",
        ),
        ([("S", "R1", "Eins", "06636"), ("S", "R1", "Eins", "06636003")], r"Zeile 3.*doppelt"),
        ([("S", "R1", "Eins", "")], r"Zeile 2.*Region 'R1' hat keine Mitglieder"),
        ([("S", "R1", "Eins", "06636003"), ("S", "R1", "Eins", "")], r"Zeile 3.*member_key leer"),
        (
            [("S", "R1", "Eins", "06636003"), ("S", "R1", "Zwei", "06611000")],
            r"Region 'R1' hat mehrere Werte in region_name",
        ),
        (
            [("S", "R1", "Eins", "06636003"), ("T", "R1", "Eins", "06611000")],
            r"Region 'R1' hat mehrere Werte in region_set",
        ),
        ([("S", "", "Eins", "06636003")], r"Zeile 2, Spalte 'region_key'.*leer"),
        ([("S", "R1", "Eins", "066360031")], r"Zeile 2.*kein Gebietsschlüssel"),
        ([("S", "R1", "Eins", "06636003-01")], r"Ortsteile sind als Mitglieder nicht erlaubt"),
        ([], "keine Zeilen"),
    ],
)
def test_validation(records: list[tuple], message: str) -> None:
    with pytest.raises(InputError, match=message):
        expand_regions(rows(*records), KNOWN, file="r.csv")


def test_members_may_cross_borders() -> None:
    result = expand_regions(
        rows(
            ("S", "R", "Weser", "04011000"),
            ("S", "R", "Weser", "03356"),
            ("S", "R", "Weser", "06636003"),
        ),
        KNOWN,
    )
    assert result["member_key"].tolist() == ["03356001", "03356002", "04011000", "06636003"]


def test_file_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nicht gefunden"):
        read_regions(tmp_path / "fehlt.csv", KNOWN)
    bad = tmp_path / "bad.csv"
    bad.write_text("region,key\nA,B\n")
    with pytest.raises(InputError, match=r"Zeile 1, Spalte 'region_set'.*Spalten fehlen"):
        read_regions(bad, KNOWN)
