"""Validation of the projection input tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from etl.errors import InputError
from etl.projection.frames import population_array
from etl.projection.tables import (
    read_fertility,
    read_net_migration,
    read_population,
    read_survival,
)


def _text(rows: list[tuple], columns: str) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns.split(",")).astype(str)


POPULATION = _text(
    [
        (area, sex, age, 10)
        for area in ("001", "002")
        for sex in ("female", "male")
        for age in (0, 5, 10)
    ],
    "area,sex,age,population",
)


def test_population_keeps_area_keys_as_text_and_orders_cells() -> None:
    table = read_population(POPULATION, "P.csv", 5)
    assert table.areas == ("001", "002")
    assert table.ages == (0, 5, 10)
    assert table.values.shape == (2, 2, 3)


def test_duplicate_rows_are_reported_with_their_line() -> None:
    doubled = pd.concat([POPULATION, POPULATION.iloc[[3]]], ignore_index=True)
    with pytest.raises(InputError, match=r"P.csv, Zeile 14: Doppelte Zeile"):
        read_population(doubled, "P.csv", 5)


def test_non_numeric_value_names_row_and_column() -> None:
    broken = POPULATION.copy()
    broken.loc[4, "population"] = "zehn"
    with pytest.raises(InputError, match=r"Zeile 6, Spalte 'population': 'zehn' ist nicht"):
        read_population(broken, "P.csv", 5)
    broken = POPULATION.copy()
    broken.loc[0, "age"] = "2.5"
    with pytest.raises(InputError, match=r"Zeile 2, Spalte 'age': '2.5' ist nicht eine ganze"):
        read_population(broken, "P.csv", 5)


def test_area_specific_survival_and_fertility() -> None:
    table = read_population(POPULATION, "P.csv", 5)
    survival = _text(
        [
            (area, sex, age, 0.9)
            for area in ("002", "001")
            for sex in ("male", "female")
            for age in (0, 5, 10)
        ],
        "area,sex,age,survival",
    )
    assert read_survival(survival, "S.csv", table, "P.csv").shape == (2, 2, 3)
    fertility = _text([("001", 5, 0.1), ("002", 5, 0.2)], "area,age,rate")
    rates = read_fertility(fertility, "F.csv", table, "P.csv")
    np.testing.assert_allclose(rates, [[0, 0.1, 0], [0, 0.2, 0]])
    with pytest.raises(InputError, match=r"F.csv, Spalte 'area': Gebiet '002' aus P.csv fehlt"):
        read_fertility(fertility.iloc[:1], "F.csv", table, "P.csv")
    with pytest.raises(InputError, match=r"F.csv, Zeile 3: Doppelte Zeile"):
        read_fertility(_text([(5, 0.1), (5, 0.2)], "age,rate"), "F.csv", table, "P.csv")


def test_migration_may_be_negative_but_must_be_complete() -> None:
    table = read_population(POPULATION, "P.csv", 5)
    net = POPULATION.rename(columns={"population": "net"}).assign(net="-3")
    assert read_net_migration(net, "M.csv", table, "P.csv").sum() == -36
    with pytest.raises(InputError, match=r"M.csv, Spalte 'area': Gebiet '002'"):
        read_net_migration(net[net["area"] == "001"], "M.csv", table, "P.csv")


def test_population_array_fills_absent_cells_with_zero() -> None:
    frame = pd.DataFrame({"area": ["a"], "sex": ["male"], "age": [1], "population": [4.0]})
    array = population_array(frame, ["a"], [0, 1])
    np.testing.assert_array_equal(array, [[[0, 0], [0, 4]]])
