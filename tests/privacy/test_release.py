"""release: the clean-up publishes only secondaries the lower-bound-1 audit can do without."""

from __future__ import annotations

import numpy as np
import pandas as pd

from etl.privacy import audit, protect
from etl.privacy.graph import RelationGraph
from etl.privacy.release import release_secondaries, untouched
from etl.privacy.rules import interval_targets, primary_mask
from etl.privacy.table import Table, parse_table
from tests.privacy.conftest import make_cells, make_relations


def grid_table(grid: dict[str, tuple[int, ...]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A two-way table a{row}{column} with row, column and grand totals."""
    values = {
        f"a{row}{column}": value
        for row, numbers in enumerate(grid.values(), start=1)
        for column, value in enumerate(numbers, start=1)
    }
    rows, columns = range(1, len(grid) + 1), range(1, len(next(iter(grid.values()))) + 1)
    totals = {f"r{row}": sum(values[f"a{row}{col}"] for col in columns) for row in rows}
    totals |= {f"c{col}": sum(values[f"a{row}{col}"] for row in rows) for col in columns}
    cells = make_cells({**values, **totals, "T": sum(values.values())})
    relations = make_relations(
        *[(f"r{row}", [f"a{row}{col}" for col in columns]) for row in rows],
        *[(f"c{col}", [f"a{row}{col}" for row in rows]) for col in columns],
        ("T", [f"r{row}" for row in rows]),
        ("T", [f"c{col}" for col in columns]),
    )
    return cells, relations


def released(table: Table, hidden: set[str], max_solves: int = 10_000) -> set[str]:
    """The hidden cells that the clean-up keeps suppressed."""
    ids = table.ids.astype(str)
    suppressed = np.isin(ids, sorted(hidden))
    primary = primary_mask(table.values, table.forced, 3) & ~table.fixed
    result = release_secondaries(
        RelationGraph.of(table.matrix),
        table.values,
        suppressed,
        primary,
        interval_targets(table.values, primary, 0.3, 1),
        np.where(table.values > 0, 1.0, 0.0),
        lower_bound=1,
        max_solves=max_solves,
    )
    return set(ids[result].tolist())


def unsafe_cells(cells: pd.DataFrame, relations: pd.DataFrame, hidden: set[str]) -> set[str]:
    """Cells the lower-bound-1 audit reports when exactly `hidden` is suppressed."""
    primary = {cell for cell, value in zip(cells["cell"], cells["value"], strict=True) if value < 3}
    result = pd.DataFrame(
        {
            "cell": cells["cell"],
            "value": pd.array(
                [
                    pd.NA if cell in hidden else v
                    for cell, v in zip(cells["cell"], cells["value"], strict=True)
                ],
                dtype="Int64",
            ),
            "status": [
                ("primary" if cell in primary else "secondary") if cell in hidden else "published"
                for cell in cells["cell"]
            ],
        }
    )
    return set(audit(cells, relations, result).unsafe["cell"])


def test_every_secondary_of_a_minimal_rectangle_is_kept() -> None:
    # a=2 is primary; publishing any of its three partners reveals it (or the partner).
    cells, relations = grid_table({"r1": (2, 10), "r2": (8, 12)})
    hidden = {"a11", "a12", "a21", "a22"}
    assert unsafe_cells(cells, relations, hidden) == set()
    for secondary in ("a12", "a21", "a22"):
        assert unsafe_cells(cells, relations, hidden - {secondary}), secondary
    assert released(parse_table(cells, relations), hidden) == hidden


def test_a_fully_suppressed_grid_loses_its_redundant_secondaries_and_stays_safe() -> None:
    # Two 1-person primaries: under lower bound 1 they cannot move down, so each needs
    # partners of 2 or more; every secondary left must be one the audit cannot spare.
    cells, relations = grid_table({"r1": (1, 5, 3), "r2": (5, 1, 9), "r3": (3, 9, 20)})
    hidden = {f"a{row}{col}" for row in (1, 2, 3) for col in (1, 2, 3)}
    assert unsafe_cells(cells, relations, hidden) == set()
    kept = released(parse_table(cells, relations), hidden)
    assert {"a11", "a22"} <= kept < hidden
    assert unsafe_cells(cells, relations, kept) == set()
    for secondary in kept - {"a11", "a22"}:
        assert unsafe_cells(cells, relations, kept - {secondary}), secondary


def test_a_one_person_partner_cannot_replace_a_released_secondary() -> None:
    # a11=2 primary with a 1-person neighbour a12: with lower bound 0 the rectangle
    # a11, a12, a21, a22 would do; with lower bound 1 a12 cannot move down, so the
    # clean-up must keep a route through a13 and may not publish it.
    cells, relations = grid_table({"r1": (2, 1, 6), "r2": (7, 8, 9), "r3": (6, 9, 20)})
    hidden = {"a11", "a12", "a13", "a21", "a22", "a23"}
    assert unsafe_cells(cells, relations, hidden) == set()
    assert unsafe_cells(cells, relations, hidden - {"a13", "a23"})
    kept = released(parse_table(cells, relations), hidden)
    assert unsafe_cells(cells, relations, kept) == set()
    assert {"a13", "a23"} <= kept


def test_the_clean_up_does_nothing_beyond_its_budget() -> None:
    cells, relations = grid_table({"r1": (1, 5, 3), "r2": (5, 1, 9), "r3": (3, 9, 20)})
    hidden = {f"a{row}{col}" for row in (1, 2, 3) for col in (1, 2, 3)}
    assert released(parse_table(cells, relations), hidden, max_solves=3) == hidden


def test_protect_with_the_clean_up_is_safe_and_never_larger() -> None:
    rng = np.random.default_rng(7)
    grid = {f"r{row}": tuple(int(v) for v in rng.integers(1, 12, size=5)) for row in range(5)}
    cells, relations = grid_table(grid)
    plain = protect(cells, relations, release_solves=0)
    cleaned = protect(cells, relations)
    hidden_plain = set(plain.loc[plain["status"] != "published", "cell"])
    hidden_cleaned = set(cleaned.loc[cleaned["status"] != "published", "cell"])
    assert hidden_cleaned <= hidden_plain
    assert audit(cells, relations, cleaned).safe


def test_only_components_that_lost_a_cell_are_checked_again() -> None:
    # Two blocks of a 4 x 4 table that share no relation with a suppressed cell: the
    # left one loses a cell, the right one keeps all of its own.
    cells, relations = grid_table(
        {"r1": (2, 9, 8, 7), "r2": (9, 8, 7, 9), "r3": (8, 7, 2, 9), "r4": (7, 9, 9, 8)}
    )
    table = parse_table(cells, relations)
    ids = table.ids.astype(str)
    before = np.isin(ids, ["a11", "a12", "a21", "a22", "a33", "a34", "a43", "a44"])
    after = before & (ids != "a22")
    settled = untouched(RelationGraph.of(table.matrix), table.values, before, after)
    assert set(ids[settled]) == {"a33", "a34", "a43", "a44"}


def test_two_secondaries_that_only_protect_each_other_are_published_together() -> None:
    # A 3 x 2 block around the primary a11=2: no single secondary can go (each row and
    # column would keep one suppressed cell, which is then exact), but a row pair can.
    cells, relations = grid_table({"r1": (2, 9, 8), "r2": (9, 8, 7), "r3": (8, 7, 9)})
    hidden = {"a11", "a12", "a21", "a22", "a31", "a32"}
    assert unsafe_cells(cells, relations, hidden) == set()
    for secondary in hidden - {"a11"}:
        assert unsafe_cells(cells, relations, hidden - {secondary}), secondary
    kept = released(parse_table(cells, relations), hidden)
    assert len(kept) == 4
    assert unsafe_cells(cells, relations, kept) == set()
