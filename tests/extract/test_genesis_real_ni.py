"""read_genesis on the real tables of Niedersachsen, Bremen and the Werra-Meißner-Kreis.

Skipped when ../shared/real-samples/niedersachsen-bremen is absent. The expected values are
taken from the raw files by a parser written here independently of the reader.
"""

from __future__ import annotations

import csv
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from etl.extract.genesis import GenesisTable, read_genesis

pytestmark = pytest.mark.real_samples
POPULATION = "12411-01-01-5-B"
SERIES = ("12411-01-01-5-B", "12612-01-01-5-B", "12613-01-01-5-B")


@pytest.fixture(scope="module")
def ni_folder() -> Path:
    folder = Path(__file__).resolve().parents[3] / "shared" / "real-samples"
    folder = folder / "niedersachsen-bremen"
    if not folder.is_dir():
        pytest.skip(f"real samples of Niedersachsen/Bremen not present at {folder}")
    return folder


@pytest.fixture(scope="module")
def tables(ni_folder: Path) -> dict[str, GenesisTable]:
    return {
        path.name.split("_")[1]: read_genesis(path)
        for path in sorted(ni_folder.glob("genesis_*.csv"))
    }


def raw_rows(ni_folder: Path, table_code: str) -> dict[str, list[str]]:
    """code -> cells of the data rows, read with the csv module only."""
    (path,) = ni_folder.glob(f"genesis_{table_code}_*.csv")
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    end = next(i for i, row in enumerate(rows) if row and row[0].startswith("_____"))
    return {
        row[0]: row for row in rows[:end] if row and len(row[0]) in (8, 11) and row[0].isdigit()
    }


def totals_2013(table: GenesisTable) -> pd.Series:
    data = table.data
    return data[(data["year"] == 2013) & (data["sex"] == "total")].set_index("ags")["value"]


def test_every_vg5000_gemeinde_has_its_source_value(ni_folder: Path, tables) -> None:
    layer = gpd.read_file(
        ni_folder / "vg5000_2021-01-01_ni-hb-wmk.gpkg", layer="vg5000_gem", ignore_geometry=True
    )
    stored = totals_2013(tables[POPULATION])
    raw = raw_rows(ni_folder, POPULATION)
    source = {
        (code if len(code) == 8 else code[:5] + code[8:]): row[2]  # 31.12.2013, Insgesamt
        for code, row in raw.items()
        if row[2] != "-" and not (len(code) == 8 and "Samtgemeinde" in row[1])
    }
    gemeinden = set(layer["AGS"])
    matched = sorted(gemeinden & set(stored.index))
    assert len(gemeinden) == 986
    assert len(matched) == 927
    # 59 Gemeinden of 2021 have no row of 31.12.2013: mergers of 2014-2021 (Goslar,
    # Clausthal-Zellerfeld, the new Landkreis Göttingen 03159, ...).
    assert len(gemeinden - set(stored.index)) == 59
    assert all(int(stored[ags]) == int(source[ags]) for ags in matched)


def test_no_samtgemeinde_stored_and_members_mapped(ni_folder: Path, tables) -> None:
    table = tables[POPULATION]
    report = table.report
    samtgemeinden = report[report["level"].eq("gemeindeverband")]
    assert len(samtgemeinden) == 153
    assert samtgemeinden["code"].str.len().eq(8).all()
    assert not set(samtgemeinden["code"]) & set(table.data["ags"])
    members = report[report["code"].str.len().eq(11)]
    assert len(members) == 867
    assert members["status"].isin(["mapped", "vanished"]).all()
    assert (members["key"] == members["code"].str[:5] + members["code"].str[8:]).all()
    assert (report["status"] != "unknown").all()
    assert report["status"].value_counts().to_dict() == {
        "mapped": 1136,
        "aggregate": 145,
        "vanished": 102,
    }


def test_areas_with_values_in_2013(tables) -> None:
    stored = totals_2013(tables[POPULATION])
    land = stored.index.str[:2]
    gemeindefrei = stored.index.str[5] == "5"
    assert len(stored) == 1044
    assert ((land != "06") & ~gemeindefrei).sum() == 1002  # Gemeinden of Niedersachsen/Bremen
    assert ((land != "06") & gemeindefrei).sum() == 25  # gemeindefreie Gebiete (Verband 5xx)
    assert (land == "06").sum() == 17


def test_land_totals_are_the_published_ones(tables) -> None:
    stored = totals_2013(tables[POPULATION])
    by_land = stored.groupby(stored.index.str[:2]).sum().to_dict()
    assert by_land == {"03": 7_790_559, "04": 657_391, "06": 100_356}


@pytest.mark.parametrize("table_code", SERIES)
def test_samtgemeinden_equal_their_members(ni_folder: Path, tables, table_code: str) -> None:
    report = tables[table_code].report
    checked = report[report["level"].eq("gemeindeverband")]
    assert checked["check"].str.startswith("geprüft").all()
    raw = raw_rows(ni_folder, table_code) if table_code != "12613-01-01-5-B" else None
    if raw is None:
        return
    for code, row in raw.items():
        if len(code) == 8 and code in set(checked["code"]):
            members = [r for c, r in raw.items() if len(c) == 11 and c[:8] == code]
            for j in range(2, len(row)):
                values = [0 if r[j] == "-" else int(r[j]) for r in members]
                assert (0 if row[j] == "-" else int(row[j])) == sum(values), (code, j)
