"""interval_failures: cells settled by an earlier check are not checked again."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from etl.privacy.intervals import interval_failures
from etl.privacy.rules import interval_targets
from etl.privacy.table import parse_table

Builder = Callable[..., pd.DataFrame]


def test_settled_cells_and_their_components_are_skipped(
    cells_of: Builder, relations_of: Builder
) -> None:
    # T1 = a + b and T2 = c + d, all parts 1 and suppressed, totals published: all four
    # parts are exact. Settling a skips only a; settling c and d skips their component.
    cells = cells_of({"a": 1, "b": 1, "T1": 2, "c": 1, "d": 1, "T2": 2})
    table = parse_table(cells, relations_of(("T1", ["a", "b"]), ("T2", ["c", "d"])))
    suppressed = np.array([True, True, False, True, True, False])
    targets = interval_targets(table.values, suppressed, 0.3, 1.0)
    bounds = np.ones(6)

    def failing(settled: np.ndarray | None) -> list[str]:
        found = interval_failures(
            table.matrix, table.values, suppressed, targets, bounds, settled=settled
        )
        return [str(table.ids[failure.cell]) for failure in found]

    assert failing(None) == ["a", "b", "c", "d"]
    assert failing(np.array([True, False, False, True, True, False])) == ["b"]
