"""Territorial crosswalk: mergers, splits, chains, idempotence, validation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from etl.errors import InputError
from etl.extract.crosswalk import read_crosswalk
from etl.transform.crosswalk import (
    apply_crosswalk,
    areas_valid_on,
    uploads_outside_validity,
    validate_crosswalk,
    validity_from_crosswalk,
)

DATA = Path(__file__).resolve().parents[1] / "data"
TARGET = dt.date(2023, 1, 1)


def crosswalk(*rows: tuple[str, str, float, str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["old_key", "new_key", "weight", "valid_from"], dtype=str)
    return validate_crosswalk(frame)


def values(*rows: tuple[str, int, int | None]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["area_key", "year", "value"])
    return frame.astype({"area_key": "str", "year": "int64", "value": "Int64"})


def as_rows(frame: pd.DataFrame) -> list[tuple]:
    frame = frame.sort_values(["area_key", "year"])
    return [
        (k, y, None if pd.isna(v) else v, e)
        for k, y, v, e in frame[["area_key", "year", "value", "estimated"]].itertuples(index=False)
    ]


def test_merger_adds_and_stays_integer() -> None:
    merger = crosswalk(("A", "C", "1", "2019-01-01"), ("B", "C", "1", "2019-01-01"))
    given = values(("A", 2018, 10), ("B", 2018, 5), ("C", 2019, 16), ("A", 2017, None))
    result = apply_crosswalk(given, merger, TARGET)
    assert as_rows(result) == [
        ("C", 2017, None, False),  # a missing part: the sum is missing
        ("C", 2018, 15, False),
        ("C", 2019, 16, False),
    ]
    assert str(result["value"].dtype) == "Int64"
    assert given["area_key"].tolist() == ["A", "B", "C", "A"]  # the input is not changed


def test_split_is_an_estimate() -> None:
    split = crosswalk(("A", "B", "0.6", "2021-01-01"), ("A", "C", "0.4", "2021-01-01"))
    result = apply_crosswalk(values(("A", 2020, 100), ("B", 2021, 70)), split, TARGET)
    assert as_rows(result) == [
        ("B", 2020, 60.0, True),
        ("B", 2021, 70.0, False),
        ("C", 2020, 40.0, True),
    ]


def test_chain_ends_at_the_last_key() -> None:
    chain = crosswalk(("A", "B", "1", "2019-01-01"), ("B", "C", "1", "2021-01-01"))
    given = values(("A", 2018, 1), ("B", 2019, 2), ("B", 2020, 3), ("C", 2021, 4))
    assert as_rows(apply_crosswalk(given, chain, TARGET)) == [
        ("C", 2018, 1, False),
        ("C", 2019, 2, False),
        ("C", 2020, 3, False),
        ("C", 2021, 4, False),
    ]
    # on the status of 2020 only the first step applies
    assert as_rows(apply_crosswalk(given, chain, dt.date(2020, 6, 30))) == [
        ("B", 2018, 1, False),
        ("B", 2019, 2, False),
        ("B", 2020, 3, False),
        ("C", 2021, 4, False),
    ]


def test_idempotent_and_unchanged_when_nothing_applies() -> None:
    chain = crosswalk(
        ("A", "B", "1", "2019-01-01"),
        ("B", "C", "0.5", "2021-01-01"),
        ("B", "D", "0.5", "2021-01-01"),
    )
    given = values(("A", 2018, 10), ("X", 2018, 3))
    once = apply_crosswalk(given, chain, TARGET)
    assert as_rows(apply_crosswalk(once, chain, TARGET)) == as_rows(once)
    untouched = values(("X", 2018, 3), ("Y", 2019, 4))
    assert as_rows(apply_crosswalk(untouched, chain, TARGET)) == [
        ("X", 2018, 3, False),
        ("Y", 2019, 4, False),
    ]
    assert "estimated" not in untouched.columns  # the input is not changed


def test_other_columns_are_kept_apart() -> None:
    merger = crosswalk(("A", "C", "1", "2019-01-01"), ("B", "C", "1", "2019-01-01"))
    given = pd.DataFrame(
        {
            "area_key": ["A", "B", "A"],
            "year": [2018] * 3,
            "sex": ["male", "male", "female"],
            "age_to": pd.array([None] * 3, dtype="Int64"),
            "value": pd.array([1, 2, 4], dtype="Int64"),
        }
    )
    result = apply_crosswalk(given, merger, TARGET).sort_values("sex")
    assert result[["area_key", "sex", "value"]].values.tolist() == [
        ["C", "female", 4],
        ["C", "male", 3],
    ]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [("A", "B", "0.6", "2021-01-01"), ("A", "C", "0.3", "2021-01-01")],
            r"Gewichte von 'A' ab 2021-01-01 summieren sich zu 0.9 statt 1",
        ),
        ([("A", "B", "1.5", "2021-01-01")], r"Zeile 2, Spalte 'weight'.*\(0, 1\]"),
        ([("A", "B", "eins", "2021-01-01")], r"Zeile 2, Spalte 'weight'.*keine Zahl"),
        ([("A", "B", "1", "1.1.2021")], r"Zeile 2, Spalte 'valid_from'.*JJJJ-MM-TT"),
        ([("", "B", "1", "2021-01-01")], r"Zeile 2, Spalte 'old_key'"),
        ([("A", "B", "1", "2021-01-01"), ("A", "B", "1", "2021-01-01")], r"Zeile 3.*doppelt"),
    ],
)
def test_validation(rows: list[tuple], message: str) -> None:
    with pytest.raises(InputError, match=message):
        crosswalk(*rows)


def test_read_fixture_and_missing_columns(tmp_path: Path) -> None:
    frame = read_crosswalk(DATA / "crosswalk.csv")
    assert frame["old_key"].tolist()[:2] == ["16063001", "16063002"]
    assert frame["valid_from"].iloc[0] == dt.date(2019, 1, 1)
    bad = tmp_path / "bad.csv"
    bad.write_text("alt,neu\n1,2\n")
    with pytest.raises(InputError, match=r"bad.csv, Zeile 1, Spalte 'old_key'.*fehlen"):
        read_crosswalk(bad)


def test_areas_valid_on() -> None:
    areas = pd.DataFrame(
        {
            "area_key": ["A", "B", "C"],
            "valid_from": [None, "2019-01-01", None],
            "valid_to": ["2018-12-31", None, None],
        }
    )
    assert areas_valid_on(areas, dt.date(2018, 6, 1))["area_key"].tolist() == ["A", "C"]
    assert areas_valid_on(areas, dt.date(2020, 1, 1))["area_key"].tolist() == ["B", "C"]


def test_validity_from_crosswalk() -> None:
    areas = pd.DataFrame(
        {"area_key": ["A", "B", "C", "D"], "valid_from": [None] * 4, "valid_to": [None] * 4}
    )
    steps = crosswalk(
        ("A", "C", "1", "2019-01-01"),
        ("B", "C", "1", "2019-01-01"),
        ("C", "C", "0.7", "2021-01-01"),
        ("C", "D", "0.3", "2021-01-01"),
    )
    result = validity_from_crosswalk(areas, steps)
    assert result.values.tolist() == [
        ["A", None, dt.date(2018, 12, 31)],
        ["B", None, dt.date(2018, 12, 31)],
        ["C", dt.date(2019, 1, 1), None],  # C continues after giving a part to D
        ["D", dt.date(2021, 1, 1), None],
    ]
    assert areas["valid_to"].isna().all()  # the input is not changed


def uploads(*rows: tuple[str, str]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["municipality", "reference_date"])
    return frame.assign(upload_id=[f"U{i}" for i in range(len(frame))])


def test_uploads_outside_their_keys_territory_are_named() -> None:
    """A merger's new key delivering a date before it existed (next to its predecessors),
    and an ended key delivering a date after, are refused; everything else passes."""
    merger = crosswalk(("A", "N", "1", "2024-01-01"), ("B", "N", "1", "2024-01-01"))
    found = uploads_outside_validity(
        uploads(("A", "2023-12-31"), ("B", "2023-12-31"), ("N", "2023-12-31"), ("B", "2024-12-31")),
        merger,
    )
    assert len(found) == 2
    assert "U2" in found[0] and "N" in found[0] and "ab 2024-01-01" in found[0]
    assert "U3" in found[1] and "bis 2023-12-31" in found[1]
    fine = uploads(("A", "2023-12-31"), ("B", "2023-12-31"), ("N", "2024-12-31"))
    assert uploads_outside_validity(fine, merger) == []
    assert uploads_outside_validity(fine, merger.iloc[0:0]) == []


def test_an_absorbing_gemeinde_with_earlier_official_values_keeps_its_old_extracts() -> None:
    """B -> A (A absorbs B, no row A -> A): A's 2023 extract is on A's old territory when the
    official tables show A before 2024; without that evidence it is refused."""
    absorbed = crosswalk(("B", "A", "1", "2024-01-01"))
    both = uploads(("A", "2023-12-31"), ("B", "2023-12-31"))
    official = pd.DataFrame({"area_key": ["A", "B"], "year": [2022, 2022]})
    assert uploads_outside_validity(both, absorbed, official) == []
    assert len(uploads_outside_validity(both, absorbed)) == 1
