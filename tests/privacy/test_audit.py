"""audit: the attacker's LP intervals, the lower-bound-1 trap, and consistency checks."""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd
import pytest

from etl.errors import InputError
from etl.privacy import audit, protect

Builder = Callable[..., pd.DataFrame]


def result_of(values: dict[str, int], status: dict[str, str]) -> pd.DataFrame:
    """A result frame: value empty where the status suppresses the cell."""
    hidden = {cell for cell, state in status.items() if state in ("primary", "secondary")}
    return pd.DataFrame(
        {
            "cell": list(values),
            "value": pd.array(
                [None if cell in hidden else value for cell, value in values.items()], dtype="Int64"
            ),
            "status": [status[cell] for cell in values],
        }
    )


TRAP_VALUES = {"T": 7, "a": 1, "b": 1, "c": 5}
TRAP_STATUS = {"T": "published", "a": "primary", "b": "primary", "c": "published"}


def test_lower_bound_one_catches_what_a_lower_bound_zero_audit_misses(
    cells_of: Builder, relations_of: Builder
) -> None:
    # T = a + b + c with T and c published: a + b = 2. With bound 0 each part lies in [0, 2]
    # (looks protected); since zeros are published, both are >= 1, hence exactly 1.
    cells, relations = cells_of(TRAP_VALUES), relations_of(("T", ["a", "b", "c"]))
    result = result_of(TRAP_VALUES, TRAP_STATUS)
    naive = audit(cells, relations, result, lower_bound=0)
    assert naive.safe
    report = audit(cells, relations, result)
    assert not report.safe
    unsafe = report.unsafe.set_index("cell")
    assert unsafe.index.tolist() == ["a", "b"]
    assert unsafe.loc["a", ["lower", "upper", "required_lower", "required_upper"]].tolist() == [
        1.0,
        1.0,
        1.0,
        2.0,
    ]
    assert unsafe.loc["a", "reason"] == "obere Schranke zu niedrig, exakt ableitbar"
    # protect knows the trap: it also hides c, so that a and b can reach 2
    protected = protect(cells, relations)
    assert protected["status"].tolist() == ["published", "primary", "primary", "secondary"]
    assert audit(cells, relations, protected).safe


def test_unsafe_report_lists_interval_and_requirement(
    cells_of: Builder, relations_of: Builder
) -> None:
    values = {"T": 12, "a": 2, "b": 10}
    cells, relations = cells_of(values), relations_of(("T", ["a", "b"]))
    report = audit(
        cells, relations, result_of(values, {"T": "published", "a": "primary", "b": "published"})
    )
    assert not report.safe
    assert report.checked == 1
    row = report.unsafe.iloc[0]
    assert (row["cell"], row["value"], row["status"]) == ("a", 2, "primary")
    assert (row["lower"], row["upper"], row["required_lower"], row["required_upper"]) == (
        2.0,
        2.0,
        1.0,
        3.0,
    )


def test_unbounded_cell_is_safe_upwards(cells_of: Builder, relations_of: Builder) -> None:
    # Nothing published bounds a and T from above.
    values = {"T": 12, "a": 2, "b": 10}
    cells, relations = cells_of(values), relations_of(("T", ["a", "b"]))
    report = audit(
        cells, relations, result_of(values, {"T": "secondary", "a": "primary", "b": "published"})
    )
    assert report.safe


def test_secondary_that_is_exactly_derivable_is_unsafe(
    cells_of: Builder, relations_of: Builder
) -> None:
    values = {"T": 20, "a": 5, "b": 15, "U": 20, "c": 5, "d": 15}
    cells = cells_of(values)
    relations = relations_of(("T", ["a", "b"]), ("U", ["c", "d"]))
    status = dict.fromkeys(values, "published") | {"a": "secondary"}
    report = audit(cells, relations, result_of(values, status))
    assert report.unsafe["reason"].tolist() == ["exakt ableitbar"]


def test_total_of_two_non_zero_parts_is_clipped_at_its_a_priori_floor(
    cells_of: Builder, relations_of: Builder
) -> None:
    # K = g1 + g2 = 2 is known to be >= 2 before anything is published: its lower
    # requirement max(1, 2 - 1) = 1 is clipped at 2.
    values = {"L": 37, "K1": 2, "K2": 35, "g1": 1, "g2": 1, "g3": 5, "g4": 30}
    cells = cells_of(values)
    relations = relations_of(("L", ["K1", "K2"]), ("K1", ["g1", "g2"]), ("K2", ["g3", "g4"]))
    result = protect(cells, relations)
    assert audit(cells, relations, result).safe
    # Publishing the secondaries (K2 or L) leaves K1 = L - K2 exact: unsafe, with the
    # clipped requirement shown.
    secondary = result["status"] == "secondary"
    exposed = result.assign(
        status=result["status"].mask(secondary, "published"),
        value=result["value"].mask(secondary, result["cell"].map(values)).astype("Int64"),
    )
    unsafe = audit(cells, relations, exposed).unsafe.set_index("cell")
    assert unsafe.loc["K1", ["lower", "upper", "required_lower", "required_upper"]].tolist() == [
        2.0,
        2.0,
        2.0,
        3.0,
    ]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"a": ("published", 2)}, "primäre Zelle (1 <= n < k oder primary=1) veröffentlicht"),
        ({"z": ("published", 0)}, "Nullzelle nicht als zero veröffentlicht"),
        ({"T": ("zero", 0)}, "Status zero für einen Wert ungleich 0"),
        ({"T": ("published", 13)}, "veröffentlichter Wert weicht von der Eingabe ab"),
        ({"b": ("secondary", 10)}, "unterdrückte Zelle mit Wert"),
    ],
)
def test_result_must_match_the_input(
    cells_of: Builder, relations_of: Builder, change: dict, reason: str
) -> None:
    values = {"T": 12, "a": 2, "b": 10, "z": 0}
    cells, relations = cells_of(values), relations_of(("T", ["a", "b", "z"]))
    result = protect(cells, relations)
    for cell, (status, value) in change.items():
        result.loc[result["cell"] == cell, ["status", "value"]] = [status, value]
    report = audit(cells, relations, result)
    assert not report.safe
    assert reason in report.unsafe["reason"].tolist()


def test_min_count_decides_what_must_not_be_published(
    cells_of: Builder, relations_of: Builder
) -> None:
    values = {"T": 30, "a": 4, "b": 26}
    cells, relations = cells_of(values), relations_of(("T", ["a", "b"]))
    published = result_of(values, dict.fromkeys(values, "published"))
    assert audit(cells, relations, published).safe
    assert not audit(cells, relations, published, min_count=5).safe


@pytest.mark.parametrize(
    ("result", "match"),
    [
        (pd.DataFrame({"cell": ["T"], "value": [1]}), r"Zeile 1, Spalte 'status'"),
        (
            pd.DataFrame(
                {
                    "cell": ["T", "a", "x"],
                    "value": [12, None, 10],
                    "status": ["published", "primary", "published"],
                }
            ),
            r"Datei result, Zeile 4, Spalte 'cell': Zelle 'x' fehlt in der Zellendatei",
        ),
        (
            pd.DataFrame(
                {
                    "cell": ["T", "a", "b"],
                    "value": [12, None, 10],
                    "status": ["published", "hidden", "published"],
                }
            ),
            r"Zeile 3, Spalte 'status': unbekannter Status 'hidden'",
        ),
        (
            pd.DataFrame(
                {"cell": ["T", "a"], "value": [12, None], "status": ["published", "primary"]}
            ),
            r"1 Zellen fehlen im Ergebnis",
        ),
        (
            pd.DataFrame(
                {
                    "cell": ["T", "a", "b"],
                    "value": ["12", "", "zehn"],
                    "status": ["published", "primary", "published"],
                }
            ),
            r"Zeile 4, Spalte 'value': 'zehn' ist keine Zahl",
        ),
    ],
)
def test_malformed_result_is_an_input_error(
    cells_of: Builder, relations_of: Builder, result: pd.DataFrame, match: str
) -> None:
    cells = cells_of({"T": 12, "a": 2, "b": 10})
    with pytest.raises(InputError, match=match):
        audit(cells, relations_of(("T", ["a", "b"])), result)


def test_audit_agrees_with_a_scipy_reference_on_a_hierarchical_cube(
    cells_of: Builder, relations_of: Builder, reference_intervals: Callable
) -> None:
    values = {"L": 60, "K1": 26, "K2": 34, "g1": 2, "g2": 9, "g3": 15, "g4": 12, "g5": 22}
    cells = cells_of(values)
    relations = relations_of(("L", ["K1", "K2"]), ("K1", ["g1", "g2", "g3"]), ("K2", ["g4", "g5"]))
    status = dict.fromkeys(values, "published") | {"g1": "primary", "g2": "secondary"}
    reference = reference_intervals(cells, relations, result_of(values, status), 1)
    assert reference == {"g1": (1.0, 10.0), "g2": (1.0, 10.0)}
    assert audit(cells, relations, result_of(values, status)).safe
    assert not math.isinf(reference["g1"][1])


def test_floor_implied_through_a_second_decomposition_is_found_by_lp(
    cells_of: Builder, relations_of: Builder
) -> None:
    # T = a + b and T = c: c is no total, yet c = T >= 2 whatever is suppressed. Summing
    # parts alone gives c a floor of 1; only the LP sees 2.
    values = {"T": 2, "a": 1, "b": 1, "c": 2}
    cells, relations = cells_of(values), relations_of(("T", ["a", "b"]), ("T", ["c"]))
    result = protect(cells, relations)
    assert result["status"].tolist() == ["primary"] * 4
    assert audit(cells, relations, result).safe
