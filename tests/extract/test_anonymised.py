"""Reading anonymised extracts: formats, German CSV variants, validation, person-level refusal."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from etl.errors import InputError, PersonLevelDataError
from etl.extract.anonymised import read_extract, write_extract
from etl.model import ExtractBundle
from etl.store.restricted import read_counts, save_extract
from etl.testing import migrated_stores

AGS = "03901001"
POPULATION = """area_level,area_key,sex,age,nationality,residence,count
gemeinde,03901001,female,40,de,main,3
gemeinde,03901001,male,41,foreign,secondary,2
ortsteil,03901001-001,female,40,de,main,3
grid1km,1kmN3334E4241,female,18,all,main,3
grid100m,100mN33346E42410,female,18,all,main,3
"""
HOUSEHOLDS = "area_level,area_key,size,count\ngemeinde,03901001,1,2\ngemeinde,03901001,5,1\n"
EVENTS = "area_level,area_key,event,sex,age,count\ngemeinde,03901001,birth,male,31,1\n"


def write_extract_files(
    directory: Path,
    population: str = POPULATION,
    households: str = HOUSEHOLDS,
    events: str = EVENTS,
    *,
    encoding: str = "utf-8",
    suffix: str = ".csv",
    **manifest: object,
) -> Path:
    """An extract directory from literal CSV texts, with a matching manifest."""
    directory.mkdir(parents=True, exist_ok=True)
    tables = {}
    for name, text in (("population", population), ("households", households), ("events", events)):
        data = text.encode(encoding)
        (directory / f"{name}{suffix}").write_bytes(data)
        rows = max(0, len([line for line in text.splitlines() if line.strip()]) - 1)
        tables[name] = {
            "file": f"{name}{suffix}",
            "rows": rows,
            "sha256": hashlib.sha256(data).hexdigest(),
        }
    content = {
        "schema_version": 1,
        "municipality": AGS,
        "reference_date": "2023-12-31",
        "tables": tables,
        **manifest,
    }
    (directory / "manifest.json").write_text(json.dumps(content), encoding="utf-8")
    return directory


def test_reads_a_directory_its_manifest_and_a_zip(tmp_path: Path) -> None:
    directory = write_extract_files(tmp_path / "x")
    bundle = read_extract(directory)
    assert bundle.municipality == AGS and bundle.reference_date == dt.date(2023, 12, 31)
    assert bundle.population["count"].tolist() == [3, 2, 3, 3, 3]
    assert bundle.population["area_key"].tolist()[0] == "03901001"  # leading zero kept
    assert bundle.households["size"].tolist() == [1, 5]
    archive = tmp_path / "x.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for file in directory.iterdir():
            zipped.write(file, f"auszug/{file.name}")
    for path in (directory / "manifest.json", archive):
        other = read_extract(path)
        pd.testing.assert_frame_equal(other.population, bundle.population)
        pd.testing.assert_frame_equal(other.events, bundle.events)


@pytest.mark.parametrize("file_format", ["csv", "parquet", "xlsx"])
def test_write_then_read_round_trips(tmp_path: Path, file_format: str) -> None:
    bundle = read_extract(write_extract_files(tmp_path / "x"))
    manifest = write_extract(
        bundle, tmp_path / file_format, file_format=file_format, input_rows={"persons": 5}
    )
    assert manifest["tables"]["population"]["rows"] == 5
    again = read_extract(tmp_path / file_format)
    for name in ("population", "households", "events"):
        pd.testing.assert_frame_equal(again.table(name), bundle.table(name))


def test_german_csv_variants_semicolon_bom_cp1252_and_german_headers(tmp_path: Path) -> None:
    german = """Ebene;Gebiet;Geschlecht;Alter;Staatsangehörigkeit;Wohnungsstatus;Anzahl
gemeinde;03901001;weiblich;40;deutsch;Hauptwohnung;3
gemeinde;03901001;männlich;41;nichtdeutsch;Nebenwohnung;2
ortsteil;03901001-001;weiblich;40;deutsch;Hauptwohnung;3
grid1km;1kmN3334E4241;weiblich;18;insgesamt;Hauptwohnung;3
grid100m;100mN33346E42410;weiblich;18;insgesamt;Hauptwohnung;3
"""
    expected = read_extract(write_extract_files(tmp_path / "ref")).population
    for encoding in ("cp1252", "utf-8-sig", "utf-8"):
        directory = write_extract_files(tmp_path / encoding, german, encoding=encoding)
        pd.testing.assert_frame_equal(read_extract(directory).population, expected)


def replace_line(text: str, line: int, new: str) -> str:
    lines = text.splitlines()
    lines[line - 1] = new
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("population", "match"),
    [
        (
            replace_line(POPULATION, 3, "gemeinde,03901001,divers,41,foreign,secondary,2"),
            r"population.csv, Zeile 3, Spalte 'sex': Unbekannter Code",
        ),
        (
            replace_line(POPULATION, 2, "land,03901001,female,40,de,main,3"),
            r"Zeile 2, Spalte 'area_level': Unbekannte Ebene",
        ),
        (
            replace_line(POPULATION, 2, "gemeinde,3901001,female,40,de,main,3"),
            r"Zeile 2, Spalte 'area_key'",
        ),
        (
            replace_line(POPULATION, 2, "gemeinde,03902001,female,40,de,main,3"),
            r"Zeile 2, Spalte 'area_key': .*gehört nicht zur Gemeinde 03901001",
        ),
        (
            replace_line(POPULATION, 4, "ortsteil,03902001-001,female,40,de,main,3"),
            r"Zeile 4, Spalte 'area_key'",
        ),
        (
            replace_line(POPULATION, 2, "gemeinde,03901001,female,101,de,main,3"),
            r"Zeile 2, Spalte 'age': Wert außerhalb 0..100",
        ),
        (
            replace_line(POPULATION, 2, "gemeinde,03901001,female,40,de,main,-3"),
            r"Zeile 2, Spalte 'count': Keine nicht-negative ganze Zahl",
        ),
        (
            replace_line(POPULATION, 2, "gemeinde,03901001,female,40,de,main,2.5"),
            r"Zeile 2, Spalte 'count'",
        ),
        (
            replace_line(POPULATION, 2, "gemeinde,03901001,female,40,eu,main,3"),
            r"Zeile 2, Spalte 'nationality'",
        ),
        (
            replace_line(POPULATION, 2, "gemeinde,03901001,female,40,de,zweit,3"),
            r"Zeile 2, Spalte 'residence'",
        ),
        (
            replace_line(POPULATION, 5, "grid1km,1kmN3334E4241,female,18,de,main,3"),
            r"Zeile 5, Spalte 'nationality'",
        ),
        (
            replace_line(POPULATION, 5, "grid1km,1kmN3334E4241,female,40,all,main,3"),
            r"Zeile 5, Spalte 'age': Rasterzellen",
        ),
        (
            replace_line(POPULATION, 6, "grid100m,100mN3334E4241,female,18,all,main,3"),
            r"Zeile 6, Spalte 'area_key'",
        ),
        (
            replace_line(POPULATION, 3, "gemeinde,03901001,female,40,de,main,7"),
            r"Zeile 3, Spalte 'area_key': Doppelter Schlüssel",
        ),
        (
            "area_level,area_key,sex,age,nationality,count\ngemeinde,03901001,female,40,de,3\n",
            r"Spalte 'residence': Spalten passen nicht zur Tabelle population.*es fehlt residence",
        ),
        (POPULATION.replace(",count", ",count,comment"), r"Zeile 2: 7 Felder statt 8"),
        (
            "area_level,area_key,sex,age,Alter,nationality,residence,count\n"
            "gemeinde,03901001,female,40,40,de,main,3\n",
            r"Spalte 'age': Zwei Spalten bedeuten 'age'",
        ),
    ],
)
def test_each_invalid_value_is_named_by_file_row_and_column(
    tmp_path: Path, population: str, match: str
) -> None:
    with pytest.raises(InputError, match=match):
        read_extract(write_extract_files(tmp_path / "x", population))


@pytest.mark.parametrize(
    ("households", "events", "match"),
    [
        (
            "area_level,area_key,size,count\ngemeinde,03901001,6,1\n",
            EVENTS,
            r"households.csv, Zeile 2, Spalte 'size': Wert außerhalb 1..5",
        ),
        (
            "area_level,area_key,size,count\ngrid1km,1kmN3334E4241,1,1\n",
            EVENTS,
            r"households.csv, Zeile 2, Spalte 'area_level'",
        ),
        (
            HOUSEHOLDS,
            "area_level,area_key,event,sex,age,count\ngemeinde,03901001,wedding,m,3,1\n",
            r"events.csv, Zeile 2, Spalte 'event'",
        ),
    ],
)
def test_household_and_event_codes_are_checked(
    tmp_path: Path, households: str, events: str, match: str
) -> None:
    with pytest.raises(InputError, match=match):
        read_extract(write_extract_files(tmp_path / "x", POPULATION, households, events))


def test_manifest_is_checked_against_the_files(tmp_path: Path) -> None:
    directory = write_extract_files(tmp_path / "x")
    (directory / "events.csv").write_text(EVENTS + "gemeinde,03901001,death,male,80,1\n")
    with pytest.raises(InputError, match=r"events.csv: SHA-256 stimmt nicht"):
        read_extract(directory)
    manifest = json.loads((directory / "manifest.json").read_text())
    manifest["tables"]["events"]["sha256"] = hashlib.sha256(
        (directory / "events.csv").read_bytes()
    ).hexdigest()
    (directory / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(InputError, match=r"events.csv: 2 Datenzeilen, laut Manifest 1"):
        read_extract(directory)
    (directory / "events.csv").unlink()
    with pytest.raises(InputError, match=r"events.csv: Im Manifest genannte Datei fehlt"):
        read_extract(directory)


@pytest.mark.parametrize(
    ("override", "match"),
    [
        ({"schema_version": 2}, r"manifest.json, Spalte 'schema_version'"),
        ({"municipality": "3901001"}, r"Spalte 'municipality'.*8-stelligen AGS"),
        ({"reference_date": "31.12.2023"}, r"Spalte 'reference_date'"),
        ({"reference_date": "2023-02-30"}, r"kein Datum"),
        ({"tables": {}}, r"Spalte 'tables'"),
    ],
)
def test_manifest_fields_are_validated(tmp_path: Path, override: dict, match: str) -> None:
    with pytest.raises(InputError, match=match):
        read_extract(write_extract_files(tmp_path / "x", **override))


def test_mixed_reference_dates_are_refused(tmp_path: Path) -> None:
    events = (
        "area_level,area_key,event,sex,age,count,reference_date\n"
        "gemeinde,03901001,birth,male,31,1,2023-12-31\n"
        "gemeinde,03901001,death,male,80,1,2022-12-31\n"
    )
    with pytest.raises(InputError, match=r"events.csv, Zeile 3, Spalte 'reference_date'"):
        read_extract(write_extract_files(tmp_path / "x", events=events))


PERSON_LEVEL = [
    "person_id,birth_date,sex,nationality,residence\np1,1990-01-01,w,DE,H\n",
    "area_level,area_key,sex,age,nationality,residence,count,Pseudonym\n"
    "gemeinde,03901001,female,40,de,main,1,a7f3\n",
    "area_level,area_key,sex,age,nationality,residence,count,Straße\n"
    "gemeinde,03901001,female,40,de,main,1,Am Deich 4\n",
    "area_level,area_key,sex,age,nationality,residence,count,x,y\n"
    "gemeinde,03901001,female,40,de,main,1,487000,5885000\n",
    "area_level,area_key,sex,age,nationality,residence,count,lat,lon\n"
    "gemeinde,03901001,female,40,de,main,1,53.1,8.8\n",
    "Ebene;Gebiet;Geschlecht;Alter;Geburtsdatum;Anzahl\ngemeinde;03901001;w;40;1983-01-01;1\n",
    "area_key,sex,age\n03901001,female,40\n",
    "area_level,area_key,sex,age,nationality,residence,count,key\n"
    + "".join(f"gemeinde,03901001,female,{age},de,main,1,k{age}\n" for age in range(12)),
]


@pytest.mark.parametrize("population", PERSON_LEVEL)
def test_person_level_data_is_refused(tmp_path: Path, population: str) -> None:
    with pytest.raises(PersonLevelDataError, match=r"nur anonymisierte Auszüge.*etl extract"):
        read_extract(write_extract_files(tmp_path / "x", population))


def test_a_register_file_given_instead_of_an_extract_is_refused(tmp_path: Path) -> None:
    register = tmp_path / "register.csv"
    register.write_text("Personen-ID;Geburtsdatum;Geschlecht\np1;1990-01-01;w\n")
    with pytest.raises(PersonLevelDataError, match="personenbezogen"):
        read_extract(register)
    other = tmp_path / "notes.csv"
    other.write_text("a;b\n1;2\n")
    with pytest.raises(InputError, match="Auszugsverzeichnis"):
        read_extract(other)
    with pytest.raises(InputError, match="nicht gefunden"):
        read_extract(tmp_path / "missing")


def test_round_trip_into_the_store(tmp_path: Path, any_settings) -> None:
    bundle = read_extract(write_extract_files(tmp_path / "x"))
    restricted = migrated_stores(any_settings).restricted
    upload_id = save_extract(restricted, bundle, file_name="x", actor="test")
    stored = read_counts(restricted, "population_counts", [upload_id])
    columns = list(bundle.population.columns)
    assert isinstance(bundle, ExtractBundle)
    pd.testing.assert_frame_equal(
        stored[columns].sort_values(columns).reset_index(drop=True),
        bundle.population.sort_values(columns).reset_index(drop=True),
        check_dtype=False,
    )
    assert stored["area_key"].tolist().count("03901001") == 2
