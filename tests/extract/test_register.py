"""Register -> anonymised extract: tiny literal registers with the expected counts beside them."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pandas as pd
import pytest

from etl.errors import InputError
from etl.model import SEX_RULE
from etl.store.register.aggregate import build_extract

AGS = "04021000"
HEADER = "person_id;birth_date;sex;nationality;residence;ortsteil;household_id;reference_date"


def write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def extract(tmp_path: Path, lines: list[str], **options) -> tuple:
    persons = write(tmp_path / "persons.csv", lines)
    return build_extract(persons, AGS, **options)


def cells(frame: pd.DataFrame, level: str) -> list[tuple]:
    rows = frame[frame["area_level"] == level].drop(columns="area_level")
    return [tuple(row) for row in rows.itertuples(index=False)]


def test_population_counts_by_area_sex_age_nationality_residence(tmp_path: Path) -> None:
    bundle, rows = extract(
        tmp_path,
        [
            HEADER,
            "p1;1980-05-01;w;deutsch;Hauptwohnung;1;h1;2023-12-31",
            "p2;01.01.1985;m;TR;Hauptwohnung;1;h1;31.12.2023",
            "p3;1980-12-31;weiblich;DE;haupt;2;h2;2023-12-31",
            "p4;1980-06-06;female;de;main;2;h3;2023-12-31",
            "p5;1930-01-01;männlich;nichtdeutsch;Nebenwohnung;;;2023-12-31",
        ],
    )
    assert rows == {"persons": 5}
    assert bundle.reference_date == dt.date(2023, 12, 31)
    assert cells(bundle.population, "gemeinde") == [
        (AGS, "female", 43, "de", "main", 3),
        (AGS, "male", 38, "foreign", "main", 1),
        (AGS, "male", 93, "foreign", "secondary", 1),
    ]
    assert cells(bundle.population, "ortsteil") == [
        (f"{AGS}-001", "female", 43, "de", "main", 1),
        (f"{AGS}-001", "male", 38, "foreign", "main", 1),
        (f"{AGS}-002", "female", 43, "de", "main", 2),
    ]
    assert (bundle.population["count"] > 0).all()
    assert bundle.events.empty


def parity_sex(person_id: str) -> str:
    """SEX_RULE by hand: last byte of SHA-256 of the id, even -> female, odd -> male."""
    return "male" if hashlib.sha256(person_id.encode()).digest()[-1] % 2 else "female"


def test_sex_rule_assigns_divers_and_unknown_by_hash_parity(tmp_path: Path) -> None:
    ids = [f"id{i}" for i in range(40)]
    codes = ["d", "x", "divers", "ohne Angabe", "diverse", "unknown"]
    lines = [HEADER] + [
        f"{pid};2000-01-01;{codes[i % len(codes)]};DE;H;;;2023-12-31" for i, pid in enumerate(ids)
    ]
    bundle, _ = extract(tmp_path, lines)
    expected = pd.Series([parity_sex(pid) for pid in ids]).value_counts().sort_index()
    observed = cells(bundle.population, "gemeinde")
    assert {sex: n for _, sex, _, _, _, n in observed} == expected.to_dict()
    assert {parity_sex(p) for p in ids} == {"female", "male"}  # both sides occur
    assert "SHA-256" in SEX_RULE
    again, _ = extract(tmp_path, lines)  # deterministic: same person, same side
    pd.testing.assert_frame_equal(again.population, bundle.population)


def test_age_from_birth_date_counts_completed_years_from_year_reference_minus_birth(
    tmp_path: Path,
) -> None:
    header = "person_id;birth_date;birth_year;sex;nationality;residence"
    bundle, _ = extract(
        tmp_path,
        [
            header,
            "a;2000-07-01;;m;DE;H",  # birthday after 30 June: 22 on 2023-06-30
            "b;2000-06-30;;m;DE;H",  # birthday on the reference date: 23
            "c;;2000;w;DE;H",  # year only: 2023 - 2000 = 23
            "d;1900-01-01;;w;DE;H",  # 123: open group 100+
        ],
        reference_date=dt.date(2023, 6, 30),
    )
    ages = {(sex, age): n for _, sex, age, _, _, n in cells(bundle.population, "gemeinde")}
    assert ages == {("female", 23): 1, ("female", 100): 1, ("male", 22): 1, ("male", 23): 1}


def test_households_by_size_among_main_residences_with_most_frequent_ortsteil(
    tmp_path: Path,
) -> None:
    lines = [HEADER]
    members = {"h1": ["1", "1", "2"], "h2": ["2"], "h3": ["3"] * 6, "h4": ["1", "2"]}
    for household, ortsteile in members.items():
        for i, code in enumerate(ortsteile):
            lines.append(f"{household}p{i};1990-01-01;w;DE;H;{code};{household};2023-12-31")
    lines.append("s1;1990-01-01;w;DE;N;2;h2;2023-12-31")  # secondary residence: not counted
    lines.append("n1;1990-01-01;w;DE;H;2;;2023-12-31")  # no household id: not counted
    bundle, _ = extract(tmp_path, lines)
    assert cells(bundle.households, "gemeinde") == [
        (AGS, 1, 1),
        (AGS, 2, 1),
        (AGS, 3, 1),
        (AGS, 5, 1),
    ]
    # h1: 001 (2 of 3); h4: tie 001/002 -> the smaller code 001
    assert cells(bundle.households, "ortsteil") == [
        (f"{AGS}-001", 2, 1),
        (f"{AGS}-001", 3, 1),
        (f"{AGS}-002", 1, 1),
        (f"{AGS}-003", 5, 1),
    ]


def test_events_of_the_twelve_months_up_to_the_reference_date(tmp_path: Path) -> None:
    persons = write(tmp_path / "p.csv", [HEADER, "p1;1990-01-01;w;DE;H;1;h1;2023-12-31"])
    events = write(
        tmp_path / "e.csv",
        [
            "Personen-ID,Ereignis,Ereignisdatum,Geschlecht,Geburtsjahr,Geburtsdatum_Mutter,Ortsteil",
            "c1,Geburt,2023-03-01,w,2023,1990-06-01,1",  # mother 32 at the birth
            "c2,birth,2023-01-01,m,2023,1990-01-01,",  # mother 33, no Ortsteil
            "d1,Tod,31.12.2023,m,1940,,2",  # last day counts: 83
            "i1,Zuzug,2023-05-05,w,2000,,2",
            "o1,Fortzug,2022-12-31,m,1990,,",  # one year earlier: outside
            "o2,move_out,2024-01-01,m,1990,,",  # after the reference date
        ],
    )
    bundle, rows = build_extract(persons, AGS, events_path=events)
    assert rows == {"persons": 1, "events": 6, "events_in_period": 4}
    assert cells(bundle.events, "gemeinde") == [
        (AGS, "birth", "female", 32, 1),
        (AGS, "birth", "male", 33, 1),
        (AGS, "death", "male", 83, 1),
        (AGS, "move_in", "female", 23, 1),
    ]
    assert cells(bundle.events, "ortsteil") == [
        (f"{AGS}-001", "birth", "female", 32, 1),
        (f"{AGS}-002", "death", "male", 83, 1),
        (f"{AGS}-002", "move_in", "female", 23, 1),
    ]


def test_grid_cells_hold_main_residences_in_broad_age_groups(tmp_path: Path) -> None:
    header = "person_id;birth_date;sex;nationality;residence;x;y"
    bundle, _ = extract(
        tmp_path,
        [
            header,
            "a;2010-01-01;w;DE;H;487000,5;5885000",
            "b;1980-01-01;w;TR;H;487000.5;5885000",
            "c;1950-01-01;m;DE;H;487010;5885010",
            "d;1950-01-01;m;DE;N;487010;5885010",  # secondary: not in grid cells
            "e;1950-01-01;m;DE;H;;",  # no coordinates: not in grid cells
        ],
        reference_date=dt.date(2023, 12, 31),
    )
    grid = bundle.population[bundle.population["area_level"] == "grid100m"]
    assert set(grid["nationality"]) == {"all"} and set(grid["residence"]) == {"main"}
    assert sorted(zip(grid["sex"], grid["age"], grid["count"], strict=True)) == [
        ("female", 0, 1),
        ("female", 18, 1),
        ("male", 65, 1),
    ]
    assert grid["area_key"].str.fullmatch(r"100mN\d{5}E\d{5}").all()
    one_km = bundle.population[bundle.population["area_level"] == "grid1km"]
    assert one_km["count"].sum() == 3


def test_german_csv_variants_give_the_same_extract(tmp_path: Path) -> None:
    lines = [
        "Personen-ID;Geburtsdatum;Geschlecht;Staatsangehörigkeit;Wohnungsstatus;Stichtag",
        "p1;01.02.1990;männlich;deutsch;Hauptwohnung;31.12.2023",
        "p2;02.03.1991;weiblich;nichtdeutsch;Nebenwohnung;31.12.2023",
    ]
    results = []
    for name, encoding in (("cp.csv", "cp1252"), ("bom.csv", "utf-8-sig"), ("u.csv", "utf-8")):
        results.append(build_extract(write(tmp_path / name, lines, encoding), AGS)[0])
    comma = [line.replace(";", ",") for line in lines]
    results.append(build_extract(write(tmp_path / "comma.csv", comma), AGS)[0])
    for other in results[1:]:
        pd.testing.assert_frame_equal(other.population, results[0].population)
    assert cells(results[0].population, "gemeinde") == [
        (AGS, "female", 32, "foreign", "secondary", 1),
        (AGS, "male", 33, "de", "main", 1),
    ]


def test_parquet_register_gives_the_same_extract_as_csv(tmp_path: Path) -> None:
    lines = [HEADER, "p1;1990-01-01;w;DE;H;1;h1;2023-12-31", "p2;1991-01-01;d;DE;H;1;h1;2023-12-31"]
    from_csv, _ = extract(tmp_path, lines)
    frame = pd.DataFrame([line.split(";") for line in lines[1:]], columns=HEADER.split(";"))
    frame["birth_date"] = pd.to_datetime(frame["birth_date"]).dt.date
    frame.to_parquet(tmp_path / "persons.parquet")
    from_parquet, _ = build_extract(tmp_path / "persons.parquet", AGS)
    pd.testing.assert_frame_equal(from_parquet.population, from_csv.population)
    pd.testing.assert_frame_equal(from_parquet.households, from_csv.households)


@pytest.mark.parametrize(
    ("lines", "match"),
    [
        (
            [HEADER, "p1;1990-01-01;w;DE;H;;;2023-12-31", "p2;1990-01-01;q;DE;H;;;2023-12-31"],
            r"persons.csv, Zeile 3, Spalte 'sex': Geschlecht .*'q'",
        ),
        (
            [HEADER, "p1;1990-13-01;w;DE;H;;;2023-12-31"],
            r"Zeile 2, Spalte 'birth_date': Geburtsdatum",
        ),
        ([HEADER, "p1;1990-01-01;w;Mars;H;;;2023-12-31"], r"Zeile 2, Spalte 'nationality'"),
        ([HEADER, "p1;1990-01-01;w;DE;Zweitwohnung;;;2023-12-31"], r"Zeile 2, Spalte 'residence'"),
        ([HEADER, ";1990-01-01;w;DE;H;;;2023-12-31"], r"Zeile 2, Spalte 'person_id'"),
        (
            [HEADER, "p1;1990-01-01;w;DE;H;;;2023-12-31", "p1;1990-01-01;w;DE;N;;;2023-12-31"],
            r"Zeile 3, Spalte 'person_id': Personen-ID kommt mehrfach vor",
        ),
        (
            [HEADER, "p1;1990-01-01;w;DE;H;;;2023-12-31", "p2;1990-01-01;w;DE;H;;;2022-12-31"],
            r"Zeile 3, Spalte 'reference_date': Mehrere Stichtage",
        ),
        ([HEADER, "p1;2024-05-01;w;DE;H;;;2023-12-31"], r"Geburtsdatum nach dem Stichtag"),
        (
            ["person_id;sex;nationality;residence", "p1;w;DE;H"],
            r"Pflichtspalte fehlt: birth_date oder birth_year",
        ),
        (
            ["person_id;birth_year;sex;nationality;residence;x;y", "p1;1990;w;DE;H;487000;"],
            r"Zeile 2, Spalte 'x': Koordinate",
        ),
        (
            ["person_id;birth_year;sex;nationality;residence;x;y", "p1;1990;w;DE;H;8.8;53.1"],
            r"Zeile 2, Spalte 'x': Koordinate .*EPSG:25832",
        ),
    ],
)
def test_invalid_registers_are_refused_naming_file_row_and_column(
    tmp_path: Path, lines: list[str], match: str
) -> None:
    with pytest.raises(InputError, match=match):
        extract(tmp_path, lines, reference_date=dt.date(2023, 12, 31))


def test_reference_date_must_be_known_and_agree(tmp_path: Path) -> None:
    lines = ["person_id;birth_year;sex;nationality;residence", "p1;1990;w;DE;H"]
    with pytest.raises(InputError, match="--reference-date"):
        extract(tmp_path, lines)
    with pytest.raises(InputError, match=r"widerspricht --reference-date 2022-12-31"):
        extract(
            tmp_path,
            [HEADER, "p1;1990-01-01;w;DE;H;;;2023-12-31"],
            reference_date=dt.date(2022, 12, 31),
        )
    with pytest.raises(InputError, match="8-stelliger AGS"):
        build_extract(write(tmp_path / "p.csv", lines), "4021000")


def test_births_need_the_mothers_birth(tmp_path: Path) -> None:
    persons = write(tmp_path / "p.csv", [HEADER, "p1;1990-01-01;w;DE;H;;;2023-12-31"])
    events = write(
        tmp_path / "e.csv",
        ["person_id,event,event_date,sex,birth_year", "c1,Geburt,2023-03-01,w,2023"],
    )
    with pytest.raises(InputError, match=r"e.csv, Zeile 2, Spalte 'mother_birth_date'"):
        build_extract(persons, AGS, events_path=events)


def test_docs_list_every_accepted_column_and_alias() -> None:
    from etl.extract.register import COLUMNS

    docs = (Path(__file__).resolve().parents[2] / "docs" / "extract.md").read_text()
    for spec in COLUMNS:
        row = next(
            (line for line in docs.splitlines() if line.startswith(f"| `{spec.name}` |")), None
        )
        assert row is not None, spec.name
        for alias in spec.aliases:
            assert f"`{alias}`" in row, (spec.name, alias)


def test_events_before_the_birth_are_refused(tmp_path: Path) -> None:
    persons = write(tmp_path / "p.csv", [HEADER, "p1;1990-01-01;w;DE;H;;;2023-12-31"])
    events = write(
        tmp_path / "e.csv",
        ["person_id,event,event_date,sex,birth_date", "i1,Zuzug,2023-03-01,w,2023-05-01"],
    )
    with pytest.raises(InputError, match=r"e.csv, Spalte 'event_date': 1 Ereignisse liegen vor"):
        build_extract(persons, AGS, events_path=events)


def test_values_padded_with_spaces_are_trimmed_before_mapping_hashing_and_parsing(
    tmp_path: Path,
) -> None:
    padded, _ = extract(
        tmp_path,
        [
            HEADER,
            " p1 ; 1990-01-01 ; w ; DE ;Hauptwohnung ; 1;h1 ;2023-12-31 ",
            "p2;1990-01-01;m;DE;H;1; h1;2023-12-31",
            "p3;1990-01-01; x ;DE;H;1;h2;2023-12-31",
        ],
    )
    plain, _ = extract(
        tmp_path,
        [
            HEADER,
            "p1;1990-01-01;w;DE;Hauptwohnung;1;h1;2023-12-31",
            "p2;1990-01-01;m;DE;H;1;h1;2023-12-31",
            "p3;1990-01-01;x;DE;H;1;h2;2023-12-31",
        ],
    )
    for name in ("population", "households"):
        pd.testing.assert_frame_equal(padded.table(name), plain.table(name))
    assert cells(plain.households, "gemeinde") == [(AGS, 1, 1), (AGS, 2, 1)]
    with pytest.raises(InputError, match=r"Zeile 3, Spalte 'person_id': Personen-ID kommt"):
        extract(
            tmp_path,
            [HEADER, "p1;1990-01-01;w;DE;H;;;2023-12-31", "  p1 ;1990-01-01;w;DE;H;;;2023-12-31"],
        )


def test_an_empty_reference_date_among_filled_ones_is_refused(tmp_path: Path) -> None:
    lines = [
        HEADER,
        "p1;1990-01-01;w;DE;H;;;2023-12-31",
        "p2;1990-01-01;w;DE;H;;;",
        "p3;1990-01-01;w;DE;H;;;2023-12-31",
    ]
    with pytest.raises(InputError, match=r"Zeile 3, Spalte 'reference_date': Mehrere Stichtage"):
        extract(tmp_path, lines)


def test_grid_cells_do_not_depend_on_the_address_batch_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from etl.store.register import aggregate

    header = "person_id;birth_year;sex;nationality;residence;x;y"
    lines = [header] + [
        f"p{i};{1930 + i % 80};{'wmd'[i % 3]};DE;H;{487000 + i % 17 * 37.5};{5885000 + i % 13 * 61}"
        for i in range(200)
    ]
    whole, _ = extract(tmp_path, lines, reference_date=dt.date(2023, 12, 31))
    monkeypatch.setattr(aggregate, "COORDINATE_BATCH", 7)
    batched, _ = extract(tmp_path, lines, reference_date=dt.date(2023, 12, 31))
    pd.testing.assert_frame_equal(batched.population, whole.population)
    assert whole.population["area_level"].eq("grid100m").sum() > 10
