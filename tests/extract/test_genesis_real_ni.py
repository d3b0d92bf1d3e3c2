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


def ars_code(code: str, name: str, samtgemeinden: set[str]) -> str:
    """The code of a row in the 12-digit ARS layout (written here, not by the reader)."""
    if len(code) == 11:
        return code[:5] + "5" + code[5:]  # Verband 5xxx of a Samtgemeinde + Gemeinde
    if code in samtgemeinden:
        return code[:5] + "5" + code[5:]  # 9-digit Verband row
    if code[5] == "5":
        return code[:5] + "9" + code[5:] + code[5:]  # gemeindefreies Gebiet
    if code[5:] == "000":
        return code + "0000"  # kreisfreie Stadt
    return code[:5] + "0" + code[5:] + code[5:]  # Einheitsgemeinde


def test_ars_layout_gives_the_same_data(ni_folder: Path, tables, tmp_path: Path) -> None:
    (path,) = ni_folder.glob(f"genesis_{POPULATION}_*.csv")
    report = tables[POPULATION].report
    samtgemeinden = set(report.loc[report["level"].eq("gemeindeverband"), "code"])
    lines = path.read_text(encoding="utf-8").split("\n")
    rewritten = []
    for line in lines:
        code, _, rest = line.partition(";")
        if code.isdigit() and len(code) in (8, 11):
            line = f"{ars_code(code, rest, samtgemeinden)};{rest}"
        rewritten.append(line)
    ars_file = tmp_path / "ars.csv"
    ars_file.write_text("\n".join(rewritten), encoding="utf-8")
    ars = read_genesis(ars_file)
    pd.testing.assert_frame_equal(ars.data, tables[POPULATION].data)
    assert (
        ars.report["status"].value_counts().to_dict() == report["status"].value_counts().to_dict()
    )
    assert ars.report["check"].str.startswith("abweichend").sum() == 0


def test_census_persons(tables) -> None:
    table = tables["12111-02-01-5-B"]
    data = table.data
    assert set(data["measure"]) == {"census_persons"} and set(data["year"]) == {2011}
    assert set(zip(data["sex"], data["nationality"], strict=True)) == {
        ("total", "total"),
        ("male", "total"),
        ("female", "total"),
        ("total", "german"),
        ("total", "foreign"),
    }
    assert data["age_from"].nunique() == 11
    everyone = data[
        data["age_to"].isna()
        & data["age_from"].eq(0)
        & data["sex"].eq("total")
        & data["nationality"].eq("total")
    ]
    by_land = everyone.groupby(everyone["ags"].str[:2])["value"].sum().to_dict()
    assert by_land == {"03": 7_777_992, "04": 650_863, "06": 102_124}  # Zensus 9 May 2011
    # Seven Samtgemeinden of Nienburg (03256) and Uelzen (03360) are on an older territorial
    # status than their members; every other Samtgemeinde equals the sum of its members.
    report = table.report
    differing = report[report["check"].str.startswith("abweichend")]
    assert differing["code"].tolist() == [
        "03256404",
        "03256410",
        "03360401",
        "03360402",
        "03360403",
        "03360407",
        "03360408",
    ]
    checked = report[report["check"].ne("")]
    assert (checked["check"].str.startswith("geprüft").sum(), len(checked)) == (146, 153)


def test_census_persons_sums_within_the_table(tables) -> None:
    data = tables["12111-02-01-5-B"].data
    frame = data.assign(
        value=data["value"].fillna(0).astype(int),  # '-' is nothing
        age_to=data["age_to"].fillna(-1).astype(int),
        group=data["sex"] + "/" + data["nationality"],
    )
    wide = frame.pivot_table(index=["ags", "age_from", "age_to"], columns="group", values="value")
    by_sex = wide["male/total"] + wide["female/total"] - wide["total/total"]
    by_nationality = wide["total/german"] + wide["total/foreign"] - wide["total/total"]
    # The Zensus publishes its total cells separately; they differ from the sums by <= 2.
    assert by_sex.abs().max() <= 2 and by_nationality.abs().max() <= 2
    assert (by_sex != 0).mean() < 0.05


def test_area(tables) -> None:
    table = tables["11111-01-01-5-B"]
    data = table.data
    assert set(data["measure"]) == {"area_ha"} and str(data["value"].dtype) == "Int64"
    area_2013 = data[data["year"].eq(2013)].set_index("ags")["value"]
    assert area_2013["03101000"] == 19217  # Braunschweig 192,17 km²
    assert area_2013.groupby(area_2013.index.str[:2]).sum().to_dict() == {
        "03": 4_761_447,  # 47 614,47 km²
        "04": 41_938,
        "06": 102_469,
    }
    checks = table.report.loc[table.report["check"].ne(""), "check"]
    assert len(checks) == 153 and checks.str.startswith("geprüft").all()  # rounding allowed


def test_households_by_type_per_kreis(tables) -> None:
    table = tables["12111-32-01-4"]
    data = table.data
    kreise = data[data["level"].eq("kreis")]
    assert kreise["ags"].str.len().eq(5).all() and kreise["ags"].nunique() == 49
    assert set(data.loc[data["level"].eq("gemeinde"), "ags"]) == {"03241001"}  # Hannover
    wide = kreise.pivot_table(index="ags", columns="household_type", values="value")
    parts = wide.drop(columns="total").sum(axis=1)
    assert (parts == wide["total"]).all()
    assert wide.loc["03101", "single"] == 59167
    report = table.report.set_index("code")
    for code in ("03", "031", "032", "033", "034", "04"):  # Land and statistische Regionen
        assert report.loc[code, "check"] == "geprüft: 6 Werte = Summe der Mitglieder"
    assert report.loc["03159", "status"] == "vanished"  # Landkreis Göttingen (2016)


def werra_meissner(real_samples: Path, table_code: str) -> GenesisTable:
    (path,) = real_samples.glob(f"genesis_{table_code}_*.csv")
    return read_genesis(path)


def test_single_years_of_age_per_kreis(real_samples: Path) -> None:
    data = werra_meissner(real_samples, "12411-04-02-4").data
    assert set(data["level"]) == {"kreis"} and set(data["ags"]) == {"06636"}
    everyone = data["age_from"].eq(0) & data["age_to"].isna()
    singles = data[~everyone]
    # single years 0-74, then 75-80, 80-85, 85-90 and 90+ (the table's 79 age classes)
    assert sorted(singles["age_from"].unique()) == [*range(76), 80, 85, 90]
    assert singles["age_to"].eq(singles["age_from"] + 1).sum() == 75 * 3
    sums = singles.groupby("sex")["value"].sum()
    totals = data[everyone].set_index("sex")["value"]
    assert sums.to_dict() == totals.to_dict() == {"total": 100715, "male": 49582, "female": 51133}


def test_deaths_by_age_and_nationality_per_kreis(real_samples: Path) -> None:
    data = werra_meissner(real_samples, "12613-02-02-4").data
    assert set(data["nationality"]) == {"total", "german"} and set(data["year"]) == {2015}
    everyone = data["age_from"].eq(0) & data["age_to"].isna()
    sums = data[~everyone].groupby(["nationality", "sex"])["value"].sum()
    totals = data[everyone].set_index(["nationality", "sex"])["value"]
    assert sums.to_dict() == totals.to_dict()
    assert totals[("total", "total")] == 1501 and totals[("german", "total")] == 1483


def test_moves_in_and_out(real_samples: Path) -> None:
    table = werra_meissner(real_samples, "12711-01-03-5-B")
    data = table.data
    assert set(data["measure"]) == {"moves_in", "moves_out"} and set(data["year"]) == {2015}
    everyone = data["age_from"].eq(0) & data["age_to"].isna()
    keys = ["ags", "measure", "sex"]
    sums = data[~everyone].groupby(keys)["value"].sum()
    totals = data[everyone].set_index(keys)["value"]
    assert (sums == totals.reindex(sums.index)).all()
    eschwege = totals.xs("06636003").xs("total", level="sex")
    assert eschwege.to_dict() == {"moves_in": 1389, "moves_out": 1106}
    assert table.report.set_index("code").loc["06636200", "status"] == "vanished"
