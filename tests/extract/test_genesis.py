"""read_genesis: hand-written fixtures in the layout of real exports, errors, real samples."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from etl.errors import InputError
from etl.extract.genesis import DATA_COLUMNS, EXTRA_COLUMNS, TABLES, read_genesis
from etl.store import schema

DATA = Path(__file__).resolve().parents[1] / "data"
HEAD = "GENESIS-Tabelle: 12612-01-01-5-B\nGeburten;;;\n;;2021;2021\n;;männlich;weiblich\n"
TAIL = '__________\n"© Statistische Ämter des Bundes und der Länder"\n'


def cell(table, ags: str, year: int, sex: str = "total", age=(0, None)) -> tuple:
    data = table.data
    age_to = data["age_to"].isna() if age[1] is None else data["age_to"].eq(age[1])
    row = data[
        data["ags"].eq(ags)
        & data["year"].eq(year)
        & data["sex"].eq(sex)
        & data["age_from"].eq(age[0])
        & age_to
    ]
    assert len(row) == 1, row
    value = row["value"].iloc[0]
    return (None if pd.isna(value) else int(value)), row["symbol"].iloc[0]


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "table.csv"
    path.write_text(text, encoding=encoding)
    return path


def test_columns_and_types() -> None:
    table = read_genesis(DATA / "genesis_deaths.csv")
    assert tuple(table.data.columns) == (*DATA_COLUMNS, *EXTRA_COLUMNS)
    assert set(table.data["level"]) == {"gemeinde"}
    assert set(table.data["nationality"]) == set(table.data["household_type"]) == {"total"}
    assert table.table_code == "12613-01-01-5-B"
    assert table.data["ags"].map(type).eq(str).all()
    assert str(table.data["value"].dtype) == "Int64"
    assert str(table.data["age_to"].dtype) == "Int64"
    assert set(table.data["measure"]) == {"deaths"}
    assert "Datenlizenz Deutschland" in table.attribution


def test_year_in_first_column_and_absent_year_reported() -> None:
    table = read_genesis(DATA / "genesis_deaths.csv")
    assert cell(table, "06636003", 2021, "male") == (140, "")
    assert cell(table, "06636200", 2020) == (0, "")  # a true zero stays
    assert not table.data["year"].eq(2021).where(table.data["ags"].eq("06636200")).any()
    assert table.unmapped.to_dict("records") == [
        {
            "code": "06636200",
            "name": "Gutsbezirk Kaufunger Wald",
            "line": 9,
            "reason": "nur '-' für 2021: Gebiet bestand nicht (mehr) oder war unbewohnt; "
            "nicht übernommen",
        }
    ]


def test_samtgemeinde_layout_8_and_11_digits() -> None:
    table = read_genesis(DATA / "genesis_samtgemeinde.csv")
    #                     ags         year  sex       expected (value, symbol)
    assert cell(table, "03351001", 2021) == (100, "")  # 11-digit member -> Kreis + Gemeinde
    assert cell(table, "03351002", 2021, "female") == (77, "")
    assert cell(table, "03351006", 2020) == (795, "")  # Einheitsgemeinde, 8 digits
    assert cell(table, "03351501", 2021) == (0, "")  # gemeindefreies Gebiet
    assert sorted(table.data["ags"].unique()) == [
        "03351001",
        "03351002",
        "03351003",
        "03351006",
        "03351501",
    ]  # the Samtgemeinde 03351401 is no Gemeinde
    assert sorted(set(zip(table.aggregates["code"], table.aggregates["level"], strict=True))) == [
        ("03", "land"),
        ("03351", "kreis"),
        ("03351401", "gemeindeverband"),
    ]
    report = table.report.set_index("code")
    assert report["status"].to_dict() == {
        "03": "aggregate",
        "03351": "aggregate",
        "03351006": "mapped",
        "03351401": "aggregate",
        "03351401001": "mapped",
        "03351401002": "mapped",
        "03351401003": "mapped",
        "03351501": "mapped",
    }
    assert report.loc["03351401", "check"] == "geprüft: 6 Werte = Summe der Mitglieder"
    assert report.loc["03", "check"].startswith("geprüft: 6 Werte")
    assert table.unmapped.empty


def test_reform_rows_symbols_kept() -> None:
    table = read_genesis(DATA / "genesis_reform.csv")
    expected = {
        ("16063001", 2021, "total"): (13, ""),
        ("16063001", 2020, "total"): (4, ""),
        ("16063002", 2020, "total"): (7, ""),
        ("16063003", 2021, "total"): (None, "."),  # secret
        ("16063003", 2020, "male"): (None, "x"),
        ("16063003", 2020, "female"): (None, "/"),
        ("16063005", 2021, "female"): (None, "-"),  # a single '-' cell stays with its symbol
        ("06611000", 2021, "total"): (2000, ""),  # kreisfreie Stadt given as Kreis row only
    }
    for (ags, year, sex), value in expected.items():
        assert cell(table, ags, year, sex) == value, (ags, year, sex)
    assert not ((table.data["ags"] == "16063002") & (table.data["year"] == 2021)).any()
    assert "16063004" not in set(table.data["ags"])
    assert table.unmapped["code"].tolist() == ["16063002", "16063004", "0663600"]
    report = table.report.set_index("code")
    assert report.loc["16063002", ["status", "reason"]].tolist() == [
        "mapped",
        "nur '-' für 2021: diese Jahre nicht übernommen",
    ]
    assert report.loc["16063004", "status"] == "vanished"
    assert report.loc["0663600", "status"] == "unknown"
    assert report.loc["12345", "check"] == "nicht geprüft: keine Mitglieder in der Datei"
    assert table.aggregates["code"].unique().tolist() == ["12345"]


def test_age_groups_and_total_convention() -> None:
    table = read_genesis(DATA / "genesis_agegroups.csv")
    assert table.table_code == "12411-02-03-5"
    assert cell(table, "06636003", 2022, "total", (0, 3)) == (450, "")
    assert cell(table, "06636003", 2022, "total", (3, 75)) == (16382, "")
    assert cell(table, "06636003", 2022, "total", (75, None)) == (2710, "")
    assert cell(table, "06636003", 2022, "male", (0, None)) == (9388, "")  # all ages


def test_windows_1252_export() -> None:
    table = read_genesis(DATA / "genesis_cp1252.csv")
    assert "Weißenborn" in table.title
    assert cell(table, "06636003", 2020) == (310, "")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Hallo;Welt\n", "keine GENESIS-Datei"),
        ("", "keine GENESIS-Datei"),
        ("GENESIS-Tabelle: 99999-01\n" + TAIL, "99999-01.*nicht unterstützt"),
        (HEAD + "06636003;Eschwege;1;2\n", "Trennlinie"),
        (HEAD + TAIL, "keine Datenzeilen"),
        (HEAD + "06636003;Eschwege;1;zwei\n" + TAIL, r"Zeile 5, Spalte '2021 / weiblich'.*'zwei'"),
        (HEAD + "06636003;Eschwege;1,5;2\n" + TAIL, r"Zeile 5.*'1,5'"),
        (HEAD + "06636003;Eschwege;1\n" + TAIL, r"Zeile 5: 1 Werte statt 2"),
        (
            HEAD + "06636003;Eschwege;1;2\n0663x003;Eschwege;1;2\n" + TAIL,
            r"Zeile 6, Spalte 'Schlüssel'.*keine Ziffernfolge",
        ),
        (
            "GENESIS-Tabelle: 12612-01-01-5-B\n;;2021;2021\n;;ledig;verheiratet\n"
            "06636003;Eschwege;1;2\n" + TAIL,
            r"Zeile 3, Spalte 'ledig': Kopfzeile nicht erkannt",
        ),
        (
            "GENESIS-Tabelle: 12612-01-01-5-B\n;;männlich;weiblich\n06636003;Eschwege;1;2\n" + TAIL,
            "Jahr bzw. Stichtag fehlt",
        ),
    ],
)
def test_errors_name_file_line_and_column(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        read_genesis(write(tmp_path, text))
    assert "table.csv" in str(caught.value)


def test_missing_and_binary_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nicht gefunden"):
        read_genesis(tmp_path / "fehlt.csv")
    binary = tmp_path / "bild.csv"
    binary.write_bytes(b"\x89PNG\x00\x00")
    with pytest.raises(InputError, match="Binärdatei"):
        read_genesis(binary)


def test_measure_names_fit_the_store() -> None:
    measures = {spec.measure for spec in TABLES.values()} - {"moves"} | {"moves_in", "moves_out"}
    assert max(map(len, measures)) <= schema.official_values.c.measure.type.length
    assert max(map(len, measures)) <= schema.pub_official.c.measure.type.length
    assert {spec.depth for spec in TABLES.values()} == {"gemeinde", "kreis"}
