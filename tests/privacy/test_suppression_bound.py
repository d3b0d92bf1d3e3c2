"""The lower bound on secondaries (benchmarks.bound_suppression) on tiny literal tables.

The bound is only worth something if no safe pattern beats it: each test compares it with
the fewest secondaries that pass the lower-bound-1 audit, found by trying every pattern. The
joint bound (one model over linked Gemeinden and their Kreis) is checked the same way.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
import pytest

from benchmarks.bound_suppression import joint_bound, lower_bound
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


def linked_gemeinden(inner: list[list[int]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Gemeinden `G0`, `G1`, ... (parts 0..n-1 and total T) and their Kreis K, cell by cell."""
    values, relations = {}, []
    n = len(inner[0])
    for g, parts in enumerate(inner):
        values |= {f"G{g}|{j}": v for j, v in enumerate(parts)} | {f"G{g}|T": sum(parts)}
        relations.append((f"G{g}|T", [f"G{g}|{j}" for j in range(n)]))
    for j in range(n):
        values[f"K|{j}"] = sum(parts[j] for parts in inner)
        relations.append((f"K|{j}", [f"G{g}|{j}" for g in range(len(inner))]))
    values["K|T"] = sum(map(sum, inner))
    relations.append(("K|T", [f"K|{j}" for j in range(n)]))
    relations.append(("K|T", [f"G{g}|T" for g in range(len(inner))]))
    return make_cells(values), make_relations(*relations)


def both_bounds(cells: pd.DataFrame, relations: pd.DataFrame) -> tuple[int, int]:
    table = parse_table(cells, relations)
    blocks = np.array([cell.split("|", 1)[0] for cell in table.ids])
    by_block = lower_bound(table, blocks, time_limit=10.0)["bound"]
    return by_block, joint_bound(table, blocks, time_limit=10.0)["bound"]


@pytest.mark.parametrize(
    ("inner", "by_block", "joint", "fewest"),
    [
        ([[4, 5, 5], [1, 1, 5]], 1, 4, 4),
        ([[5, 4, 3], [2, 2, 1]], 0, 3, 3),
        ([[1, 1, 5], [2, 8, 3]], 2, 4, 5),
        ([[2, 0, 5], [1, 1, 5]], 3, 3, 4),
    ],
)
def test_joint_bound_sees_what_crossing_between_gemeinden_costs(
    inner: list[list[int]], by_block: int, joint: int, fewest: int
) -> None:
    # A primary in one Gemeinde needs a partner in the other one or in the Kreis: the block
    # bound prices that at nothing, the joint bound through the balance and lone-unknown rows.
    cells, relations = linked_gemeinden(inner)
    assert both_bounds(cells, relations) == (by_block, joint)
    assert fewest_safe_secondaries(cells, relations) == fewest


@pytest.mark.parametrize("seed", range(8))
def test_joint_bound_never_exceeds_the_fewest_safe_secondaries(seed: int) -> None:
    rng = np.random.default_rng(seed)
    inner = rng.choice([0, 1, 2, 3, 4, 5, 8], size=(2, 3)).tolist()
    cells, relations = linked_gemeinden(inner)
    by_block, joint = both_bounds(cells, relations)
    assert by_block <= joint <= fewest_safe_secondaries(cells, relations), inner
