"""validate_table: every input problem names file, CSV line and column."""

from __future__ import annotations

import pandas as pd
import pytest

from etl.errors import InputError
from etl.privacy import protect, validate_table

CELLS = pd.DataFrame({"cell": ["T", "a", "b"], "value": [5, 2, 3]})
RELATIONS = pd.DataFrame({"total": ["T", "T"], "part": ["a", "b"]})


def test_valid_table_passes() -> None:
    validate_table(CELLS, RELATIONS)


def test_text_input_as_read_from_csv_passes() -> None:
    cells = pd.DataFrame(
        {"cell": ["01", "02", "03"], "value": ["5", "2", "3"], "primary": ["", "1", "0"]}
    )
    relations = pd.DataFrame({"total": ["01", "01"], "part": ["02", "03"]})
    validate_table(cells, relations)


@pytest.mark.parametrize(
    ("cells", "relations", "match"),
    [
        (
            CELLS.drop(columns="value"),
            RELATIONS,
            r"Datei cells\.csv, Zeile 1, Spalte 'value': Spalte 'value' fehlt",
        ),
        (
            CELLS,
            RELATIONS.drop(columns="part"),
            r"Datei rel\.csv, Zeile 1, Spalte 'part': Spalte 'part' fehlt",
        ),
        (
            CELLS.assign(value=["5", "-2", "3"]),
            RELATIONS,
            r"Datei cells\.csv, Zeile 3, Spalte 'value': -2 ist negativ",
        ),
        (
            CELLS.assign(value=["5", "2.5", "3"]),
            RELATIONS,
            r"Zeile 3, Spalte 'value': 2\.5 ist keine ganze Zahl",
        ),
        (
            CELLS.assign(value=["5", "2", "drei"]),
            RELATIONS,
            r"Zeile 4, Spalte 'value': 'drei' ist keine Zahl",
        ),
        (CELLS.assign(value=["5", "", "3"]), RELATIONS, r"Zeile 3, Spalte 'value': Wert fehlt"),
        (CELLS.assign(value=[5, None, 3]), RELATIONS, r"Zeile 3, Spalte 'value': Wert fehlt"),
        (
            CELLS.assign(cell=["T", "a", "a"]),
            RELATIONS,
            r"Datei cells\.csv, Zeile 4, Spalte 'cell': Zelle 'a' kommt doppelt vor \(zuerst in "
            r"Zeile 3\)",
        ),
        (
            CELLS.assign(primary=[0, 2, 0]),
            RELATIONS,
            r"Zeile 3, Spalte 'primary': '2' ist kein gültiger Wert",
        ),
        (
            CELLS,
            pd.DataFrame({"total": ["T", "T"], "part": ["a", "x"]}),
            r"Datei rel\.csv, Zeile 3, Spalte 'part': unbekannte Zelle 'x'",
        ),
        (
            CELLS,
            pd.DataFrame({"total": ["T", "U"], "part": ["a", "b"]}),
            r"Datei rel\.csv, Zeile 3, Spalte 'total': unbekannte Zelle 'U'",
        ),
        (
            CELLS,
            pd.DataFrame({"total": ["T", "T", "T"], "part": ["a", "b", "T"]}),
            r"Datei rel\.csv, Zeile 4, Spalte 'part': Zelle 'T' ist Teil von sich selbst",
        ),
        (
            CELLS,
            pd.DataFrame({"total": ["T", "T", "T"], "part": ["a", "b", "b"]}),
            r"Zeile 4, Spalte 'part': Teil 'b' steht zweimal in der Summe 'T'",
        ),
        (
            CELLS.assign(value=[6, 2, 3]),
            RELATIONS,
            r"Datei rel\.csv, Zeile 2, Spalte 'total': Summe stimmt nicht: Summe 'T' hat den "
            r"Wert 6, ihre Teile ergeben 5",
        ),
    ],
)
def test_invalid_input_names_file_line_and_column(
    cells: pd.DataFrame, relations: pd.DataFrame, match: str
) -> None:
    with pytest.raises(InputError, match=match):
        validate_table(cells, relations, file_cells="cells.csv", file_relations="rel.csv")


def test_sum_error_names_the_first_row_of_the_failing_total() -> None:
    cells = pd.DataFrame({"cell": ["T", "a", "b", "U"], "value": [5, 2, 3, 9]})
    relations = pd.DataFrame({"total": ["T", "T", "U", "U"], "part": ["a", "b", "a", "b"]})
    with pytest.raises(
        InputError,
        match=r"Zeile 4, Spalte 'total': Summe stimmt nicht: "
        r"Summe 'U' hat den Wert 9, ihre Teile ergeben 5",
    ):
        validate_table(cells, relations)


def test_forced_primary_on_a_zero_is_refused() -> None:
    cells = pd.DataFrame({"cell": ["T", "a", "b"], "value": [3, 0, 3], "primary": [0, 1, 0]})
    with pytest.raises(
        InputError,
        match=r"Zeile 3, Spalte 'primary': primary=1 bei einer "
        r"Nullzelle",
    ):
        validate_table(cells, RELATIONS)


def test_relation_column_separates_two_decompositions_of_one_total() -> None:
    cells = pd.DataFrame({"cell": ["T", "a", "b", "c", "d"], "value": [5, 2, 3, 1, 4]})
    relations = pd.DataFrame(
        {"total": ["T"] * 4, "part": ["a", "b", "c", "d"], "relation": ["x", "x", "y", "y"]}
    )
    validate_table(cells, relations)
    with pytest.raises(InputError, match="Summe stimmt nicht"):
        validate_table(cells, relations.drop(columns="relation"))


def test_protect_validates_too() -> None:
    with pytest.raises(InputError, match="unbekannte Zelle"):
        protect(CELLS, pd.DataFrame({"total": ["T"], "part": ["zz"]}))
