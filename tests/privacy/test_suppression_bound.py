"""The lower bound on secondaries (benchmarks.bound_suppression) on tiny literal tables.

The bound is only worth something if no safe pattern beats it: each test compares it with
the fewest secondaries that pass the lower-bound-1 audit, found by trying every pattern.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd

from benchmarks.bound_suppression import lower_bound
from etl.privacy import audit, protect
from etl.privacy.table import parse_table
from tests.privacy.conftest import make_cells, make_relations


def two_way(prefix: str, inner: list[list[int]]) -> tuple[dict[str, int], list]:
    """A two-way table with margins: cells `<prefix>|<row>|<column>`, row/column T totals."""
    n_rows, n_cols = len(inner), len(inner[0])
    grid = np.array(inner)
    values, relations = {}, []
    full = np.zeros((n_rows + 1, n_cols + 1), dtype=int)
    full[:n_rows, :n_cols] = grid
    full[n_rows, :n_cols], full[:n_rows, n_cols] = grid.sum(axis=0), grid.sum(axis=1)
    full[n_rows, n_cols] = grid.sum()
    names = [*map(str, range(n_rows)), "T"], [*map(str, range(n_cols)), "T"]
    for i, row in enumerate(names[0]):
        for j, column in enumerate(names[1]):
            values[f"{prefix}|{row}|{column}"] = int(full[i, j])
    for row in names[0]:
        relations.append((f"{prefix}|{row}|T", [f"{prefix}|{row}|{c}" for c in names[1][:-1]]))
    for column in names[1]:
        relations.append(
            (f"{prefix}|T|{column}", [f"{prefix}|{r}|{column}" for r in names[0][:-1]])
        )
    return values, relations


def bound_of(cells: pd.DataFrame, relations: pd.DataFrame) -> int:
    table = parse_table(cells, relations)
    blocks = np.array([cell.split("|", 1)[0] for cell in table.ids])
    return lower_bound(table, blocks, time_limit=10.0)["bound"]


def fewest_safe_secondaries(cells: pd.DataFrame, relations: pd.DataFrame) -> int:
    """Smallest number of secondaries of a pattern that passes the lower-bound-1 audit."""
    values = dict(zip(cells["cell"], cells["value"], strict=True))
    primary = {cell for cell, value in values.items() if 1 <= value < 3}
    candidates = sorted(cell for cell, value in values.items() if value >= 3)
    for size in range(len(candidates) + 1):
        for chosen in combinations(candidates, size):
            hidden = primary | set(chosen)
            result = pd.DataFrame(
                {
                    "cell": list(values),
                    "value": [pd.NA if cell in hidden else v for cell, v in values.items()],
                    "status": [
                        "zero"
                        if v == 0
                        else "primary"
                        if cell in primary
                        else "secondary"
                        if cell in hidden
                        else "published"
                        for cell, v in values.items()
                    ],
                }
            )
            if audit(cells, relations, result).safe:
                return size
    raise AssertionError("no safe pattern at all")


def test_two_by_two_table_with_one_primary_needs_three_secondaries() -> None:
    values, relations = two_way("A", [[2, 10], [8, 12]])
    cells, frame = make_cells(values), make_relations(*relations)
    assert bound_of(cells, frame) == 3
    assert fewest_safe_secondaries(cells, frame) == 3


def test_ones_in_one_row_cannot_protect_each_other() -> None:
    # Row 0 holds 1, 1 and 0: neither 1 can move down (a suppressed cell is >= 1), so each
    # goes up through its column total; with lower bound 0 they could swap instead.
    values, relations = two_way("A", [[1, 1, 0], [6, 7, 9]])
    cells, frame = make_cells(values), make_relations(*relations)
    assert bound_of(cells, frame) == fewest_safe_secondaries(cells, frame) == 3


def test_bound_never_exceeds_what_protect_needs_on_linked_blocks() -> None:
    # Two Gemeinden and their Kreis (K = G1 + G2 cell by cell): three blocks.
    first, first_relations = two_way("G1", [[1, 4, 6], [5, 2, 8]])
    second, second_relations = two_way("G2", [[7, 3, 1], [4, 9, 5]])
    kreis = {
        key.replace("G1", "K"): value + second[key.replace("G1", "G2")]
        for key, value in first.items()
    }
    linked = [(key, [key.replace("K", "G1"), key.replace("K", "G2")]) for key in kreis]
    _, kreis_relations = two_way("K", [[0, 0, 0], [0, 0, 0]])  # same shape, same relations
    cells = make_cells({**first, **second, **kreis})
    frame = make_relations(*first_relations, *second_relations, *kreis_relations, *linked)
    result = protect(cells, frame)
    assert audit(cells, frame, result).safe
    secondaries = int((result["status"] == "secondary").sum())
    bound = bound_of(cells, frame)
    assert 0 < bound <= secondaries
