"""Independent audit of a protected table: consistency checks and the attacker's LP intervals.

The audit re-derives everything from the input cells, the relations and the result: which
cells must be primary, what the attacker knows, and, by LP, how far each suppressed cell
can move. It shares no state with `protect`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from etl.errors import InputError
from etl.privacy.intervals import Failure, interval_failures
from etl.privacy.rules import interval_targets, primary_mask
from etl.privacy.table import HEADER_LINES, Table, parse_table
from etl.privacy.workers import lp_pool
from etl.symbols import HIDDEN, PROTECTION_STATUSES, PUBLISHED, ZERO

UNSAFE_COLUMNS = [
    "cell",
    "value",
    "status",
    "lower",
    "upper",
    "required_lower",
    "required_upper",
    "reason",
]
_REASONS = {
    "upper": "obere Schranke zu niedrig",
    "lower": "untere Schranke zu hoch",
    "exact": "exakt ableitbar",
}
EXACT_REASON = _REASONS["exact"]


@dataclass(frozen=True)
class AuditReport:
    """Outcome of an audit: safe, the unsafe cells with their intervals, cells LP-checked.

    `unsafe` has one row per problem cell in table order: cell, value (input), status
    (result), the attacker's lower/upper bound, required_lower/required_upper (for a
    secondary cell both equal its value: it only must not be exact), and the reason.
    Consistency problems (status or value contradicting the input) have no bounds (NaN).
    """

    safe: bool
    unsafe: pd.DataFrame
    checked: int


def _result_arrays(result: pd.DataFrame, table: Table, file: str) -> tuple[np.ndarray, ...]:
    """Status and published value (NaN when empty) per table cell, in table order."""
    for column in ("cell", "value", "status"):
        if column not in result.columns:
            raise InputError(
                f"Spalte {column!r} fehlt; erwartet wird cell,value,status.",
                file=file,
                row=1,
                column=column,
            )
    frame = result.reset_index(drop=True)
    ids = frame["cell"].astype("string").str.strip().fillna("")
    status = frame["status"].astype("string").str.strip().fillna("")
    position = pd.Series(np.arange(len(table.ids)), index=table.ids)
    located = ids.map(position)
    problems = [
        (located.isna(), "cell", lambda row: f"Zelle {ids[row]!r} fehlt in der Zellendatei."),
        (ids.duplicated(), "cell", lambda row: f"Zelle {ids[row]!r} kommt doppelt vor."),
        (
            ~status.isin(PROTECTION_STATUSES),
            "status",
            lambda row: (
                f"unbekannter Status {status[row]!r}; erlaubt: {', '.join(PROTECTION_STATUSES)}."
            ),
        ),
    ]
    for mask, column, message in problems:
        if mask.any():
            row = int(np.flatnonzero(mask.to_numpy())[0])
            raise InputError(message(row), file=file, row=row + HEADER_LINES, column=column)
    if len(frame) != len(table.ids):
        missing = sorted(set(table.ids) - set(ids))[:3]
        raise InputError(
            f"{len(table.ids) - len(frame)} Zellen fehlen im Ergebnis, z. B. {missing}.", file=file
        )
    text = frame["value"].astype("string").str.strip().replace("", pd.NA)
    numbers = pd.to_numeric(text, errors="coerce")
    bad = (text.notna() & numbers.isna()).to_numpy()
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"{text[row]!r} ist keine Zahl.", file=file, row=row + HEADER_LINES, column="value"
        )
    order = located.to_numpy(dtype=np.int64)
    statuses = np.empty(len(order), dtype=object)
    published = np.full(len(order), np.nan)
    statuses[order] = status.to_numpy(dtype=object)
    published[order] = numbers.to_numpy(dtype=np.float64, na_value=np.nan)
    return statuses, published


def _consistency(
    table: Table, statuses: np.ndarray, published: np.ndarray, primary: np.ndarray
) -> list[tuple[int, str]]:
    """Cells whose status or value contradicts the input (position, reason)."""
    values = table.values
    shown = np.isin(statuses, (PUBLISHED, ZERO))
    checks = [
        ((values == 0) & (statuses != ZERO), "Nullzelle nicht als zero veröffentlicht"),
        ((values != 0) & (statuses == ZERO), "Status zero für einen Wert ungleich 0"),
        (primary & shown, "primäre Zelle (1 <= n < k oder primary=1) veröffentlicht"),
        (shown & (published != values), "veröffentlichter Wert weicht von der Eingabe ab"),
        (table.fixed & ~shown, "bekannte Zelle (known=1) als geheim gehalten behandelt"),
        (~shown & ~np.isnan(published), "unterdrückte Zelle mit Wert"),
    ]
    return [(int(cell), reason) for mask, reason in checks for cell in np.flatnonzero(mask)]


def _describe(failure: Failure) -> str:
    return ", ".join(_REASONS[reason] for reason in failure.reasons)


def _unsafe_frame(
    table: Table, statuses: np.ndarray, failures: list[Failure], inconsistent: list[tuple[int, str]]
) -> pd.DataFrame:
    rows = [(cell, np.nan, np.nan, np.nan, np.nan, reason) for cell, reason in inconsistent]
    rows += [
        (f.cell, f.lower, f.upper, f.required_lower, f.required_upper, _describe(f))
        for f in failures
    ]
    rows.sort(key=lambda row: row[0])
    cells = np.array([row[0] for row in rows], dtype=np.int64)
    numbers = np.array([row[1:5] for row in rows], dtype=np.float64).reshape(-1, 4)
    return pd.DataFrame(
        {
            "cell": table.ids[cells].astype(str),
            "value": table.values[cells],
            "status": statuses[cells].astype(str),
            **{name: numbers[:, i] for i, name in enumerate(UNSAFE_COLUMNS[3:7])},
            "reason": [row[5] for row in rows],
        },
        columns=UNSAFE_COLUMNS,
    )


def audit(
    cells: pd.DataFrame,
    relations: pd.DataFrame,
    result: pd.DataFrame,
    *,
    min_count: int = 3,
    protection: float = 0.3,
    lower_bound: float = 1,
    file_cells: str = "cells",
    file_relations: str = "relations",
    file_result: str = "result",
    workers: int = 1,
) -> AuditReport:
    """Check a protected result against its input with the attacker's LP.

    Safe means: the result has exactly the input's cells; published values equal the
    input; zeros and only zeros have status zero; no cell with 1 <= n < min_count (or
    forced primary) is published; every primary cell's interval reaches x + d(x) and
    max(lower_bound, x - d(x)) (clipped at what the zeros and relations alone reveal); and
    every suppressed cell has an interval at least 1 wide. Cells marked `known` (the
    attacker knows them from elsewhere) must be shown and are never primary.
    `lower_bound` is the attacker's a-priori lower bound of a suppressed non-zero cell (1
    in the attacker model; 0 only to show what a naive audit misses). `workers` processes
    solve the LPs of independent components (`Settings.privacy_workers`); same report.
    """
    table = parse_table(cells, relations, file_cells=file_cells, file_relations=file_relations)
    statuses, published = _result_arrays(result, table, file_result)
    primary = primary_mask(table.values, table.forced, min_count) & ~table.fixed
    inconsistent = _consistency(table, statuses, published, primary)
    suppressed = np.isin(statuses, HIDDEN)
    # Zeros wrongly suppressed keep bound 0 so that the true table stays feasible.
    lower_bounds = np.where(table.values > 0, float(lower_bound), 0.0)
    targets = interval_targets(table.values, primary, protection, lower_bound)
    with lp_pool(workers) as pool:
        failures = interval_failures(
            table.matrix, table.values, suppressed, targets, lower_bounds, pool=pool
        )
    unsafe = _unsafe_frame(table, statuses, failures, inconsistent)
    return AuditReport(safe=unsafe.empty, unsafe=unsafe, checked=int(suppressed.sum()))
