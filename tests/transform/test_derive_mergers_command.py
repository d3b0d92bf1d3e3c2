"""`python -m etl derive-crosswalk` writes the mergers with evidence; old boundaries confirm."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from etl.cli import main
from etl.config import Settings
from etl.testing_official import store_square_boundaries

HEAD = """GENESIS-Tabelle: {code}
{title};;;;
regionale Ebenen;;;;
;;31.12.2012;31.12.2011
;;{label};{label}
"""
FOOT = """__________
"© Statistische Ämter des Bundes und der Länder, Deutschland, 2023.
Dieses Werk ist lizenziert unter der Datenlizenz Deutschland
- Namensnennung - Version 2.0."
"""


def genesis(path: Path, code: str, title: str, label: str, rows: list[str]) -> Path:
    path.write_text(
        HEAD.format(code=code, title=title, label=label) + "\n".join(rows) + "\n" + FOOT
    )
    return path


@pytest.fixture
def files(tmp_path: Path) -> list[Path]:
    # Achim and Börßum have values up to 2012; the boundaries (a later status) show 03158038
    # instead, of exactly their area, beside the unchanged Altdorf.
    population = genesis(
        tmp_path / "population.csv",
        "12411-01-01-5-B",
        "Bevölkerungsstand: Bevölkerung nach Geschlecht",
        "Insgesamt",
        ["03158001;Achim;300;305", "03158003;Börßum;700;702", "03158099;Altdorf;995;1000"],
    )
    area = genesis(
        tmp_path / "area.csv",
        "11111-01-01-5-B",
        "Gebietsstand: Gebietsfläche in qkm",
        "Gebietsfläche",
        ["03158001;Achim;0,45;0,45", "03158003;Börßum;0,55;0,55", "03158099;Altdorf;1,00;1,00"],
    )
    return [population, area]


def test_derive_crosswalk_writes_a_merger_that_the_old_boundaries_confirm(
    files: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    settings = Settings(home=tmp_path / "var")
    monkeypatch.setenv("DEMOGRAFIE_HOME", str(settings.home))
    store_square_boundaries(settings, ["03158038", "03158099"], {})
    x, y = 600_000.0, 5_820_000.0  # the squares of store_square_boundaries
    old = gpd.GeoDataFrame(
        {"AGS": ["03158001", "03158003", "03158099"], "GEN": ["Achim", "Börßum", "Altdorf"]},
        geometry=[
            box(x, y, x + 450, y + 1000),
            box(x + 450, y, x + 1000, y + 1000),
            box(x + 1000, y, x + 2000, y + 1000),
        ],
        crs="EPSG:25832",
    )
    old.to_file(tmp_path / "old.gpkg", layer="gem", driver="GPKG")
    out = tmp_path / "crosswalk.csv"
    args = ["derive-crosswalk", *map(str, files), "--out", str(out)]
    assert main([*args, "--old-boundaries", str(tmp_path / "old.gpkg"), "--old-layer", "gem"]) == 0
    printed = capsys.readouterr().out
    assert "2 Zeilen für 1 Zusammenschlüsse (0 hoch, 2 mittel)" in printed
    rows = pd.read_csv(out, dtype={"old_key": str, "new_key": str})
    assert list(zip(rows["old_key"], rows["new_key"], strict=True)) == [
        ("03158001", "03158038"),
        ("03158003", "03158038"),
    ]
    # By the area fit alone 'mittel'; the old polygons inside the new one make it 'hoch'.
    assert rows["confidence"].tolist() == ["hoch", "hoch"]
    assert rows["overlap"].tolist() == [1.0, 1.0]
    assert rows["valid_from"].tolist() == ["2013-01-01", "2013-01-01"]
    assert rows["evidence"].str.contains("Geometrie: 100% der alten Fläche").all()
    assert main(["import-crosswalk", str(out)]) == 0
    assert main([*args[:-2], "--out", str(tmp_path / "plain.csv")]) == 0
    plain = pd.read_csv(tmp_path / "plain.csv")
    assert plain["confidence"].tolist() == ["mittel", "mittel"] and plain["overlap"].isna().all()
