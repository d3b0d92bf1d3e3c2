"""Shared helpers of the privacy tests: literal tables and a reference attacker LP (SciPy)."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

ReferenceAudit = Callable[..., dict[str, tuple[float, float]]]


def make_cells(values: dict[str, int], primary: set[str] | None = None) -> pd.DataFrame:
    """Cells frame from {id: value}; `primary` lists cells forced primary."""
    frame = pd.DataFrame({"cell": list(values), "value": list(values.values())})
    if primary is not None:
        frame["primary"] = [int(cell in primary) for cell in values]
    return frame


def make_relations(*relations: tuple[str, list[str]]) -> pd.DataFrame:
    """Relations frame from (total, [parts]) pairs, each pair its own relation."""
    rows = [
        (total, part, f"r{number}")
        for number, (total, parts) in enumerate(relations)
        for part in parts
    ]
    return pd.DataFrame(rows, columns=["total", "part", "relation"])


def _reference_intervals(
    cells: pd.DataFrame, relations: pd.DataFrame, result: pd.DataFrame, lower_bound: float
) -> dict[str, tuple[float, float]]:
    """[min, max] of every suppressed cell by SciPy's linprog: the independent reference."""
    ids = cells["cell"].astype(str).tolist()
    values = dict(zip(ids, cells["value"].astype(int), strict=True))
    status = dict(zip(result["cell"].astype(str), result["status"], strict=True))
    hidden = [cell for cell in ids if status[cell] in ("primary", "secondary")]
    column = {cell: position for position, cell in enumerate(hidden)}
    groups = relations.assign(key=relations["relation"].astype(str) + "/" + relations["total"])
    rows, rhs = [], []
    for _, group in groups.groupby("key", sort=True):
        total = group["total"].iloc[0]
        members = [(total, 1.0)] + [(part, -1.0) for part in group["part"]]
        row = np.zeros(len(hidden))
        constant = 0.0
        for cell, sign in members:
            if cell in column:
                row[column[cell]] += sign
            else:
                constant += sign * values[cell]
        if row.any():
            rows.append(row)
            rhs.append(-constant)
    bounds = [(lower_bound if values[cell] > 0 else 0, None) for cell in hidden]
    intervals = {}
    for cell, position in column.items():
        cost = np.zeros(len(hidden))
        cost[position] = 1.0
        a_eq = np.array(rows) if rows else None
        b_eq = np.array(rhs) if rows else None
        low = linprog(cost, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        high = linprog(-cost, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
        upper = math.inf if high.status == 3 else -high.fun
        intervals[cell] = (low.fun, upper)
    return intervals


@pytest.fixture
def cells_of() -> Callable[..., pd.DataFrame]:
    """Builder of literal cell tables (see `make_cells`)."""
    return make_cells


@pytest.fixture
def relations_of() -> Callable[..., pd.DataFrame]:
    """Builder of literal relation tables (see `make_relations`)."""
    return make_relations


@pytest.fixture
def reference_intervals() -> ReferenceAudit:
    """SciPy reference of the attacker's intervals (cell -> (lower, upper))."""
    return _reference_intervals
