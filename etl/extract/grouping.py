"""Group-by on plain numpy columns, for checks that run once per extract of a bulk import.

A pandas groupby or merge costs about a millisecond of fixed overhead; the checks of one small
extract need a dozen of them, which made them most of the cost of `import-extract` over a
thousand extracts. These helpers do the same with one hash factorisation per column and
`np.add.at`, so the cost grows with the rows, not with the number of calls.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd


def group_codes(columns: Sequence[np.ndarray]) -> tuple[np.ndarray, int]:
    """One code (0..groups-1) per row: equal codes exactly where all columns are equal."""
    length = len(columns[0]) if columns else 0
    codes = np.zeros(length, dtype=np.int64)
    groups = 1
    for column in columns:
        column_codes, uniques = pd.factorize(column)
        # Re-factorising the combined code keeps it below the row count (no overflow).
        codes, combined = pd.factorize(codes * len(uniques) + column_codes)
        groups = len(combined)
    return codes, groups if length else 0


def group_sums(codes: np.ndarray, groups: int, mask: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Sum of `values` per group over the rows where `mask` holds (0 for groups without)."""
    sums = np.zeros(groups, dtype=np.int64)
    np.add.at(sums, codes[mask], values[mask])
    return sums


def first_position(mask: np.ndarray) -> int | None:
    """Position of the first row where `mask` holds, or None."""
    return int(mask.argmax()) if mask.any() else None


def map_unique(
    column: np.ndarray, function: Callable[[Any], Any], dtype: Any = object
) -> np.ndarray:
    """`function` applied to each row's value, but called once per distinct value."""
    codes, uniques = pd.factorize(column)
    mapped = np.array([function(value) for value in uniques], dtype=dtype)
    if len(mapped) == 0:
        return np.empty(len(column), dtype=dtype)
    return mapped[codes]


def first_duplicate(columns: Sequence[np.ndarray]) -> int | None:
    """Position of the first row whose values in `columns` repeat an earlier row, or None."""
    codes, _ = group_codes(columns)
    seen = np.zeros(len(codes), dtype=bool)
    seen[np.unique(codes, return_index=True)[1]] = True
    return first_position(~seen)
