"""read_genesis on tiny literal tables: code layouts, refusals of malformed tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.errors import InputError
from etl.extract.genesis import read_genesis

HEAD = (
    "GENESIS-Tabelle: 12411-01-01-5-B\n"
    "Bevölkerungsstand: Bevölkerung nach Geschlecht;;;;\n"
    ";;31.12.2013;31.12.2013;31.12.2013\n"
    ";;Insgesamt;männlich;weiblich\n"
)
TAIL = '__________\n"© Statistische Ämter des Bundes und der Länder"\n'


def read(tmp_path: Path, body: str, head: str = HEAD):
    path = tmp_path / "tabelle.csv"
    path.write_text(head + body + TAIL, encoding="utf-8")
    return read_genesis(path)


def totals(table) -> dict[str, int]:
    data = table.data[table.data["sex"].eq("total")]
    return dict(zip(data["ags"], data["value"].astype(int), strict=True))


def test_ars_layout_12_digits(tmp_path: Path) -> None:
    table = read(
        tmp_path,
        "03;Niedersachsen;1150;560;590\n"
        "03351;Celle, Landkreis;1150;560;590\n"
        "033510006006;Celle, Stadt;800;390;410\n"  # Einheitsgemeinde: Verband 0 + Gemeinde
        "033515401;Flotwedel, Samtgemeinde;350;170;180\n"  # Verband in ARS form (9 digits)
        "033515401001;Bröckel;100;48;52\n"
        "033515401002;Eicklingen;150;73;77\n"
        "033515401003;Langlingen;100;49;51\n"
        "033519501501;Lohheide, gemeindefreies Gebiet;0;0;0\n"
        "04;Bremen;650;320;330\n"
        "040110000000;Bremen, Stadt;550;270;280\n"  # kreisfreie Städte: Verband 0000, 000
        "040120000000;Bremerhaven, Stadt;100;50;50\n",
    )
    assert totals(table) == {
        "03351001": 100,
        "03351002": 150,
        "03351003": 100,
        "03351006": 800,
        "03351501": 0,
        "04011000": 550,
        "04012000": 100,
    }
    report = table.report.set_index("code")
    assert report.loc["033515401", ["status", "level"]].tolist() == [
        "aggregate",
        "gemeindeverband",
    ]
    assert report.loc["033515401", "check"] == "geprüft: 3 Werte = Summe der Mitglieder"
    assert report.loc["04", "check"] == "geprüft: 3 Werte = Summe der Mitglieder"
    assert set(report["status"]) == {"mapped", "aggregate"}


def test_gemeindefreies_gebiet_and_samtgemeinde_named_in_front(tmp_path: Path) -> None:
    table = read(
        tmp_path,
        "03158401;Samtgemeinde Asse;30;15;15\n"
        "03158401008;Denkte;30;15;15\n"
        "03158501;Am Großen Rhode, gem.fr. Geb.;0;0;0\n"
        "03158407;Samtgemeinde Elm-Asse;-;-;-\n"
        "03158407008;Denkte;-;-;-\n",  # the same Gemeinde in its later Samtgemeinde: '-'
    )
    assert totals(table) == {"03158008": 30, "03158501": 0}
    status = table.report.set_index("line")["status"].to_dict()
    assert status == {5: "aggregate", 6: "mapped", 7: "mapped", 8: "vanished", 9: "vanished"}


def test_verband_digits_without_samtgemeinde_signs_are_unknown(tmp_path: Path) -> None:
    table = read(tmp_path, "03151009;Gifhorn;10;5;5\n03151405;Rätselhaft;10;5;5\n")
    assert totals(table) == {"03151009": 10}
    unknown = table.report[table.report["status"].eq("unknown")]
    assert unknown["code"].tolist() == ["03151405"]
    assert "weder Name" in unknown["reason"].iloc[0]


def test_aggregate_that_does_not_add_up_is_reported(tmp_path: Path) -> None:
    table = read(
        tmp_path,
        "03151401;Boldecker Land, Samtgemeinde;31;15;16\n"
        "03151401002;Barwedel;10;5;5\n"
        "03151401004;Bokensdorf;20;10;10\n"
        "03151401014;Jembke;.;.;.\n",
    )
    check = table.report.set_index("code").loc["03151401", "check"]
    assert check == "nicht geprüft: Werte geheim oder unbekannt"
    table = read(
        tmp_path,
        "03151401;Boldecker Land, Samtgemeinde;31;15;16\n"
        "03151401002;Barwedel;10;5;5\n"
        "03151401004;Bokensdorf;20;10;-\n",
    )
    check = table.report.set_index("code").loc["03151401", "check"]
    assert check.startswith("abweichend: 2 von 3 Werten, z. B. 31.12.2013 / Insgesamt: Zeile 31")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "03151009;Gifhorn;10;5;5\n03151009;Gifhorn;10;5;5\n",
            r"Zeile 6, Spalte 'Schlüssel': Gemeinde 03151009 steht zweimal \(mit denselben "
            r"Werten\): Zeile 5",
        ),
        (
            "03151009;Gifhorn;10;5;5\n03151009;Gifhorn;12;6;6\n",
            r"Zeile 6, .*Gemeinde 03151009 steht zweimal \(mit abweichenden Werten\)",
        ),
        (  # the same AGS under its 8-digit and its 11-digit code
            "03151002;Barwedel;10;5;5\n03151401002;Barwedel;10;5;5\n",
            r"Zeile 6, .*Gemeinde 03151002 steht zweimal .*03151401002 Barwedel",
        ),
        ("03151009;Gifhorn;10;5\n", r"Zeile 5: 2 Werte statt 3"),
    ],
)
def test_duplicates_and_short_rows_refused(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        read(tmp_path, body)
    assert "tabelle.csv" in str(caught.value)


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (  # the female column of 2012 is missing
            ";;31.12.2013;31.12.2013;31.12.2013;31.12.2012;31.12.2012\n"
            ";;Insgesamt;männlich;weiblich;Insgesamt;männlich\n",
            r"Zeile 4, Spalte '31.12.2012 / weiblich': Tabelle unvollständig",
        ),
        (  # a year block missing its total column
            ";;31.12.2013;31.12.2013;31.12.2013;31.12.2012;31.12.2012\n"
            ";;Insgesamt;männlich;weiblich;männlich;weiblich\n",
            r"Spalte '31.12.2012 / insgesamt': Tabelle unvollständig",
        ),
        (
            ";;31.12.2013;31.12.2013;31.12.2013;31.12.2013;31.12.2013\n"
            ";;Insgesamt;männlich;weiblich;männlich;weiblich\n",
            r"Spalte '31.12.2013 / männlich': Spalte doppelt",
        ),
    ],
)
def test_incomplete_header_refused(tmp_path: Path, header: str, message: str) -> None:
    head = "GENESIS-Tabelle: 12411-01-01-5-B\nBevölkerung;;;;;;\n" + header
    with pytest.raises(InputError, match=message):
        read(tmp_path, "03151009;Gifhorn;10;5;5;9;4\n", head)


def test_missing_year_row_in_year_per_row_layout_refused(tmp_path: Path) -> None:
    head = "GENESIS-Tabelle: 12613-01-01-5-B\nGestorbene;;;;\n;;;Insgesamt;männlich;weiblich\n"
    body = (
        "2013;03151009;Gifhorn;3;1;2\n2012;03151009;Gifhorn;4;2;2\n2013;03151025;Sassenburg;1;1;-\n"
    )
    with pytest.raises(InputError, match=r"Zeile 6.*03151025.*2012 fehlt"):
        read(tmp_path, body, head)


def test_kreis_table_keeps_kreis_keys_and_checks_the_land(tmp_path: Path) -> None:
    head = (
        "GENESIS-Tabelle: 12111-32-01-4\nZensus 2011, Haushalte nach Haushaltstypen;;;\n"
        "09.05.2011;;;\n;;Private Haushalte;Private Haushalte;Private Haushalte\n"
        ";;Insgesamt;Einpersonenhaushalte;Paare ohne Kind(er)\n;;Anzahl;Anzahl;Anzahl\n"
    )
    body = (
        "04;  Bremen;30;20;10\n"
        "04011;      Bremen, Kreisfreie Stadt;25;17;8\n"
        "04012;      Bremerhaven, Kreisfreie Stadt;5;3;2\n"
    )
    table = read(tmp_path, body, head)
    data = table.data
    assert set(data["ags"]) == {"04011", "04012"} and set(data["level"]) == {"kreis"}
    assert set(data["measure"]) == {"households"} and set(data["year"]) == {2011}
    bremen = data[data["ags"].eq("04011")].set_index("household_type")["value"].to_dict()
    assert bremen == {"total": 25, "single": 17, "couple_without_children": 8}
    assert table.report.set_index("code").loc["04", "check"] == (
        "geprüft: 3 Werte = Summe der Mitglieder"
    )


def test_one_row_describing_a_cell_twice_is_refused(tmp_path: Path) -> None:
    head = (
        "GENESIS-Tabelle: 12411-04-02-4\nBevölkerung;;;;;\n;;;;unter 1 Jahr;1 bis unter 2 Jahre\n"
    )
    with pytest.raises(InputError, match=r"Zeile 4, Spalte '1 bis unter 2 Jahre': zwei Spalten"):
        read(tmp_path, "31.12.2015;06636;Werra-Meißner-Kreis;Insgesamt;1;2\n", head)


def test_totals_of_nationality_come_first(tmp_path: Path) -> None:
    head = "GENESIS-Tabelle: 12613-02-02-4\nGestorbene;;;;;\n;;;;Deutsche;Insgesamt\n"
    table = read(tmp_path, "2015;06636;Werra-Meißner-Kreis;Insgesamt;1483;1501\n", head)
    assert table.data[["nationality", "value"]].values.tolist() == [
        ["total", 1501],
        ["german", 1483],
    ]


def test_verband_row_in_12_digits_and_contradicting_signs(tmp_path: Path) -> None:
    table = read(
        tmp_path,
        "031515401000;Flotwedel, Samtgemeinde;30;15;15\n"  # Verband row, Gemeinde digits 000
        "031515401001;Bröckel;10;5;5\n"
        "031515401002;Eicklingen;20;10;10\n"
        "03151009;Gifhorn, Samtgemeinde;10;5;5\n",  # named so, but digits 009: contradiction
    )
    assert totals(table) == {"03151001": 10, "03151002": 20}
    report = table.report.set_index("code")
    assert report.loc["031515401000", "check"] == "geprüft: 3 Werte = Summe der Mitglieder"
    assert report.loc["03151009", "status"] == "unknown"
    assert "liegen nicht in 400-499" in report.loc["03151009", "reason"]
