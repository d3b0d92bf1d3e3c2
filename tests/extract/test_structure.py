"""Extracts whose structure only person-level data has are refused when read (attack inputs)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from etl.errors import InputError, PersonLevelDataError
from etl.extract.anonymised import read_extract
from etl.extract.structure import check_structure
from etl.testing import tiny_bundle
from etl.uploads.testing import person_level_bundle, with_rows, write_extract_dir

AGS = "03901001"
DATE = dt.date(2023, 12, 31)


def read_back(bundle, directory: Path):
    return read_extract(write_extract_dir(bundle, directory))


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("MaxMustermann_Hst12", "sieht aus wie ein Name"),
        ("P000017", "sieht aus wie eine Personen- oder Laufnummer"),
        ("000017", "sieht aus wie eine Personen- oder Laufnummer"),
        ("Erika", "sieht aus wie ein Name"),
        ("000", "reserviert"),
    ],
)
def test_name_and_id_keys_are_refused_naming_file_row_and_column(tmp_path, code, reason):
    bundle = person_level_bundle(AGS, [code, "002", "003"], DATE)
    people = bundle.population["area_level"] == "ortsteil"
    line = int(people.to_numpy().nonzero()[0][0]) + 2  # header is line 1
    with pytest.raises(
        PersonLevelDataError,
        match=rf"Datei population.csv, Zeile {line}, Spalte 'area_key': .*{reason}",
    ):
        read_back(bundle, tmp_path / "x")


@pytest.mark.parametrize(
    ("code", "message"),
    [
        # plausible codes: only the structure betrays the register
        ("{:04d}", r"1684 von 1684 Gebieten der Ebene ortsteil enthalten genau eine Person"),
        ("P{:06d}", r"'03901001-P000001': Code 'P000001' sieht aus wie eine Personen- oder"),
    ],
)
def test_the_whole_1684_person_register_is_refused(tmp_path, code, message):
    codes = [code.format(i) for i in range(1, 1685)]
    with pytest.raises(PersonLevelDataError, match=message):
        read_back(person_level_bundle(AGS, codes, DATE), tmp_path / "x")


def bumped(bundle, table: str, position: int, by: int):
    """The bundle with one row's count raised by `by`."""
    frame = bundle.table(table).copy()
    frame.loc[frame.index[position], "count"] += by
    return dataclasses.replace(bundle, **{table: frame})


def test_one_or_two_single_person_ortsteile_are_accepted(tmp_path):
    bundle = tiny_bundle(AGS, DATE, scale=3, ortsteile=("001", "002"), seed=1)
    gemeinde = bundle.population["area_level"] == "gemeinde"
    first = int(gemeinde.to_numpy().nonzero()[0][0])
    sex, age, nationality, residence = bundle.population.iloc[first][2:6]
    lonely = [
        ("ortsteil", f"{AGS}-{code}", sex, age, nationality, residence, 1)
        for code in ("003", "004")
    ]
    bundle = with_rows(bumped(bundle, "population", first, 2), "population", lonely)
    assert read_back(bundle, tmp_path / "x").population["count"].sum() > 0
    third = with_rows(
        bumped(bundle, "population", first, 1),
        "population",
        [("ortsteil", f"{AGS}-005", sex, age, nationality, residence, 1)],
    )
    with pytest.raises(PersonLevelDataError, match="3 von 5 Gebieten der Ebene ortsteil"):
        read_back(third, tmp_path / "y")


def test_ortsteile_adding_up_to_more_than_their_gemeinde_are_refused(tmp_path):
    bundle = tiny_bundle(AGS, DATE, scale=3, ortsteile=("001", "002"), seed=2)
    extra = ("ortsteil", f"{AGS}-002", "male", 101 - 1, "foreign", "secondary", 5)
    bad = with_rows(bundle, "population", [extra])
    line = len(bad.population) + 1
    with pytest.raises(
        InputError,
        match=rf"population.csv, Zeile {line}, Spalte 'count': Die Gebiete der Ebene ortsteil "
        rf"ergeben zusammen 5 .*Gemeinde {AGS} selbst nur 0",
    ):
        read_back(bad, tmp_path / "x")


@pytest.mark.parametrize("table", ["households", "events"])
def test_households_and_events_of_ortsteile_beyond_the_gemeinde_are_refused(tmp_path, table):
    bundle = tiny_bundle(AGS, DATE, scale=3, ortsteile=("001",), seed=3)
    ortsteil = bundle.table(table)["area_level"] == "ortsteil"
    position = int(ortsteil.to_numpy().nonzero()[0][0])
    with pytest.raises(
        InputError,
        match=rf"{table}.csv, Zeile {position + 2}, Spalte 'count': Die Gebiete der Ebene "
        "ortsteil ergeben zusammen",
    ):
        read_back(bumped(bundle, table, position, 10), tmp_path / "x")


def test_grid_cells_adding_up_to_more_than_the_gemeinde_are_refused(tmp_path):
    bundle = tiny_bundle(AGS, DATE, scale=1, seed=4)
    persons = int(
        bundle.population.query("sex == 'female' and age >= 65 and residence == 'main'")[
            "count"
        ].sum()
    )
    cells = [
        ("grid1km", "1kmN3300E4200", "female", 65, "all", "main", persons),
        ("grid1km", "1kmN3300E4201", "female", 65, "all", "main", 1),
    ]
    with pytest.raises(
        InputError, match=rf"Ebene grid1km ergeben zusammen {persons + 1} \(sex female, age 65\)"
    ):
        read_back(with_rows(bundle, "population", cells), tmp_path / "x")
    read_back(with_rows(bundle, "population", cells[:1]), tmp_path / "ok")


def test_a_grid_made_of_single_person_cells_is_refused_a_village_grid_is_not():
    bundle = tiny_bundle(AGS, DATE, scale=2, seed=5)
    single = [
        ("grid100m", f"100mN33000E{42000 + i}", "female", 18, "all", "main", 1) for i in range(60)
    ]
    with pytest.raises(PersonLevelDataError, match="60 von 60 Gebieten der Ebene grid100m"):
        check_structure(with_rows(bundle, "population", single))
    village = single[:30] + [
        ("grid100m", f"100mN33001E{42000 + i}", "male", 18, "all", "main", 3) for i in range(30)
    ]
    check_structure(with_rows(bundle, "population", village))
