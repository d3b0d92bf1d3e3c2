"""A valid lower bound on the secondaries of any pattern that passes the lower-bound-1 audit.

Run with `python -m benchmarks.bound_suppression [N ...] [--time-limit S] [--joint-time-limit S]`
(default 400);
the table is `bench_privacy.build_table(N, region=False)`, the one of the τ-Argus
comparison (`bench_suppression_quality` prints the bound in the same run).

Relaxation. Split the cells into blocks, one per area key (a Gemeinde's sex x age table, a
Kreis's, a Land's), and keep of the relations only those inside one block. Take any
pattern S that passes the audit. For every requirement of a primary there is a table the
attacker cannot exclude that reaches the target; its difference y to the true table moves
only cells of S, keeps every suppressed cell >= 1 and satisfies every relation, so y
restricted to the primary's block satisfies the block's own relations and moves only
cells of S in that block. Hence S ∩ B is feasible for block B's problem, the block's
minimum is <= |S ∩ B| minus B's primaries, and the sum over the blocks is <= the
secondaries of S. Dropped as well (each only relaxes): the "not exact" rule for
secondaries and the cost of cells outside the block.

Each block's problem is the Fischetti-Salazar model of optimal cell suppression with the
attacker's lower bound 1: binary z per non-zero cell (1 = suppressed; primaries fixed to
1, zeros are published), and per requirement of a primary (up to x + d; down to the lower
target clipped at the a-priori floor, exactly as the audit does) a move y = u - v with
B y = 0 on the block's relations, the shift at the primary, x - v >= 1 and
u, v <= |shift| z. The bound |shift| loses nothing for a two-way table with its margins
(the benchmark's blocks): its relation matrix is totally unimodular (every column has two
entries, and putting the row relations in one class and the column relations in the other,
with the two total relations swapped, meets the Heller-Tompkins condition), so any move
decomposes into circuits that move each cell by +-1 per unit at the primary, and the
circuits through the primary alone already reach the target. Solved by HiGHS
(scipy.optimize.milp) with a time limit per block; each block contributes its dual bound,
rounded up, which is the optimum when HiGHS finished.

The joint bound (`joint_bound`, the one the benchmark reports) solves all blocks' models at
once on shared z and adds two families of constraints that also hold for any audited-safe
pattern, across blocks:
* no lone unknown: a relation with exactly one suppressed cell determines it, and the audit
  rejects an exact suppressed cell (primary or secondary), so a relation with one suppressed
  non-zero cell has a second one;
* balance through every relation: a requirement moves its primary by `shift`; every relation
  through the primary must balance that move with cells of S that move the other way. A cell
  that has to move down can give at most its value - 1 (it stays >= 1), one that moves up
  has no limit, so sum over those cells of min(|shift|, capacity) z >= |shift|.
Both are necessary conditions of the audit, so the joint minimum is still a lower bound; HiGHS
reports its dual bound, rounded up.
"""

from __future__ import annotations

import argparse
import math
import sys
import time

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

from benchmarks.bench_privacy import build_table
from etl.privacy.floors import a_priori_floors
from etl.privacy.rules import TOLERANCE, interval_targets, primary_mask
from etl.privacy.table import Table, parse_table

MIN_COUNT, PROTECTION, LOWER_BOUND = 3, 0.3, 1.0


def requirements(table: Table) -> list[tuple[int, float]]:
    """(primary cell, shift) of every interval requirement, lower targets clipped at floors."""
    primary = primary_mask(table.values, table.forced, MIN_COUNT)
    upper, lower = interval_targets(table.values, primary, PROTECTION, LOWER_BOUND)
    cells = np.flatnonzero(primary)
    lower_bounds = np.where(table.values > 0, LOWER_BOUND, 0.0)
    floors = a_priori_floors(table.matrix, table.values, cells, lower_bounds)
    wanted = []
    for cell, floor in zip(cells.tolist(), floors.tolist(), strict=True):
        value = float(table.values[cell])
        wanted.append((cell, upper[cell] - value))
        down = max(lower[cell], floor) - value
        if down < -TOLERANCE:
            wanted.append((cell, down))
    return wanted


def _perturbation_rows(
    matrix: sp.csr_matrix, n_vars: int, offset: int, shift: float
) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Rows of one requirement's move u - v at `offset`: balance, and u, v <= |shift| z."""
    n_rows, n = matrix.shape
    balance = sp.hstack(
        [
            sp.csr_matrix((n_rows, offset)),
            matrix,
            -matrix,
            sp.csr_matrix((n_rows, n_vars - offset - 2 * n)),
        ]
    )
    links = [
        sp.hstack(
            [
                -abs(shift) * sp.identity(n),
                sp.csr_matrix((n, start - n)),
                sp.identity(n),
                sp.csr_matrix((n, n_vars - start - n)),
            ]
        )
        for start in (offset, offset + n)
    ]
    return balance.tocsr(), sp.vstack(links).tocsr()


def block_minimum(
    matrix: sp.csr_matrix,
    values: np.ndarray,
    primary: np.ndarray,
    wanted: list[tuple[int, float]],
    time_limit: float,
) -> tuple[int, bool]:
    """Least secondaries of one block, or a lower bound of it when the time limit stopped.

    `matrix` holds the block's own relations over its non-zero cells (columns), `values`
    and `primary` those cells, `wanted` the requirements as (column, shift). Returns the
    bound and whether HiGHS proved it optimal.
    """
    n = matrix.shape[1]
    n_vars = n + 2 * len(wanted) * n  # z, then u and v of every requirement
    cost = np.zeros(n_vars)
    cost[:n] = np.where(primary, 0.0, 1.0)
    lower, upper = np.zeros(n_vars), np.full(n_vars, np.inf)
    lower[:n], upper[:n] = np.where(primary, 1.0, 0.0), 1.0
    balances, links = [], []
    for number, (column, shift) in enumerate(wanted):
        u = n + 2 * number * n
        upper[u + n : u + 2 * n] = values - LOWER_BOUND  # stay >= the attacker's bound
        lower[u + column] = upper[u + column] = max(shift, 0.0)
        lower[u + n + column] = upper[u + n + column] = max(-shift, 0.0)
        balance, link = _perturbation_rows(matrix, n_vars, u, shift)
        balances.append(balance)
        links.append(link)
    if not wanted:
        return 0, True
    integrality = np.zeros(n_vars)
    integrality[:n] = 1
    result = milp(
        cost,
        constraints=[
            LinearConstraint(sp.vstack(balances).tocsr(), 0.0, 0.0),
            LinearConstraint(sp.vstack(links).tocsr(), -np.inf, 0.0),
        ],
        integrality=integrality,
        bounds=Bounds(lower, upper),
        options={"time_limit": time_limit, "disp": False},
    )
    # the dual bound, not the incumbent: HiGHS stops at a relative gap of 1e-4
    bound = getattr(result, "mip_dual_bound", None)
    if bound is None or not np.isfinite(bound):
        return 0, False
    return math.ceil(bound - TOLERANCE), result.status == 0


def block_of(ids: np.ndarray) -> np.ndarray:
    """Block key of every cell: its area key (the part of the id before the first "|")."""
    return np.array([str(cell).split("|", 1)[0] for cell in ids])


def _internal_rows(matrix: sp.csr_matrix, blocks: np.ndarray) -> np.ndarray:
    """Whether each relation lies inside one block."""
    coo = matrix.tocoo()
    codes = pd.factorize(blocks)[0][coo.col]
    first = np.full(matrix.shape[0], -1)
    first[coo.row] = codes  # any member's block; the row is internal when all agree
    return np.bincount(coo.row, weights=codes != first[coo.row], minlength=matrix.shape[0]) == 0


def lower_bound(table: Table, blocks: np.ndarray, time_limit: float) -> dict:
    """Sum of the block minima, the number of blocks with primaries and how many were
    solved to optimality; `blocks` holds the block key of every cell."""
    primary = primary_mask(table.values, table.forced, MIN_COUNT) & ~table.fixed
    internal = _internal_rows(table.matrix, blocks)
    by_block: dict[str, list[tuple[int, float]]] = {}
    for cell, shift in requirements(table):
        by_block.setdefault(str(blocks[cell]), []).append((cell, shift))
    total, proven = 0, 0
    for key, block_wanted in by_block.items():
        cells = np.flatnonzero((blocks == key) & (table.values > 0))
        touched = abs(table.matrix[:, cells]).sum(axis=1).A1 > 0
        matrix = table.matrix[np.flatnonzero(internal & touched)][:, cells].tocsr()
        position = {int(cell): i for i, cell in enumerate(cells)}
        local = [(position[cell], shift) for cell, shift in block_wanted]
        bound, optimal = block_minimum(
            matrix, table.values[cells].astype(np.float64), primary[cells], local, time_limit
        )
        total += bound
        proven += optimal
    return {"bound": total, "blocks": len(by_block), "proven_optimal": proven}


def _block_systems(
    table: Table, blocks: np.ndarray
) -> list[tuple[np.ndarray, sp.csr_matrix, list]]:
    """Per block with primaries: its non-zero cells, internal relation matrix, requirements."""
    internal = _internal_rows(table.matrix, blocks)
    by_block: dict[str, list[tuple[int, float]]] = {}
    for cell, shift in requirements(table):
        by_block.setdefault(str(blocks[cell]), []).append((cell, shift))
    systems = []
    for key, block_wanted in by_block.items():
        cells = np.flatnonzero((blocks == key) & (table.values > 0))
        touched = abs(table.matrix[:, cells]).sum(axis=1).A1 > 0
        matrix = table.matrix[np.flatnonzero(internal & touched)][:, cells].tocsr()
        systems.append((cells, matrix, block_wanted))
    return systems


class _Rows:
    """Sparse constraint rows lower <= A x <= upper, collected one at a time."""

    def __init__(self) -> None:
        self.rows: list[int] = []
        self.cols: list[int] = []
        self.vals: list[float] = []
        self.lower: list[float] = []
        self.upper: list[float] = []

    def add(self, entries: dict[int, float], lower: float, upper: float = np.inf) -> None:
        row = len(self.lower)
        for column, value in entries.items():
            self.rows.append(row)
            self.cols.append(column)
            self.vals.append(value)
        self.lower.append(lower)
        self.upper.append(upper)

    def constraint(self, n_vars: int) -> LinearConstraint:
        matrix = sp.csr_matrix((self.vals, (self.rows, self.cols)), shape=(len(self.lower), n_vars))
        return LinearConstraint(matrix, np.array(self.lower), np.array(self.upper))


def _move_rows(
    rows: _Rows,
    bounds: tuple[list[float], list[float]],
    system: tuple[np.ndarray, sp.csr_matrix, list],
    table: Table,
    z_of: np.ndarray,
) -> None:
    """Each requirement's move u - v inside its block (Fischetti-Salazar, see the top)."""
    lower, upper = bounds
    cells, matrix, wanted = system
    n = len(cells)
    local = matrix.tocsr()
    for cell, shift in wanted:
        u = len(lower)
        at_primary = cells == cell
        lower += list(np.where(at_primary, max(shift, 0.0), 0.0))
        upper += list(np.where(at_primary, max(shift, 0.0), np.inf))
        lower += list(np.where(at_primary, max(-shift, 0.0), 0.0))
        upper += list(np.where(at_primary, max(-shift, 0.0), table.values[cells] - LOWER_BOUND))
        for row in range(local.shape[0]):
            span = slice(local.indptr[row], local.indptr[row + 1])
            members, coefficients = local.indices[span], local.data[span]
            entries = {u + int(c): float(a) for c, a in zip(members, coefficients, strict=True)}
            entries |= {
                u + n + int(c): -float(a) for c, a in zip(members, coefficients, strict=True)
            }
            rows.add(entries, 0.0, 0.0)
        for position, global_cell in enumerate(cells):
            for offset in (u, u + n):
                entries = {offset + position: 1.0}
                if z_of[global_cell] >= 0:
                    entries[int(z_of[global_cell])] = -abs(shift)
                rows.add(entries, -np.inf, 0.0)


def _lone_unknown_rows(rows: _Rows, table: Table, z_of: np.ndarray) -> None:
    """No relation with exactly one suppressed cell: z_i <= sum of the others' z."""
    by_row = table.matrix.tocsr()
    for row in range(by_row.shape[0]):
        members = by_row.indices[by_row.indptr[row] : by_row.indptr[row + 1]]
        unknown = [int(z_of[c]) for c in members if z_of[c] >= 0]
        for own in unknown if len(unknown) > 1 else []:
            rows.add({z: (-1.0 if z == own else 1.0) for z in unknown}, 0.0)


def _balance_rows(rows: _Rows, table: Table, z_of: np.ndarray, wanted: list) -> None:
    """Every relation through a requirement's primary balances its move (see the top)."""
    by_row, by_column = table.matrix.tocsr(), table.matrix.tocsc()
    for cell, shift in wanted:
        for row in by_column.indices[by_column.indptr[cell] : by_column.indptr[cell + 1]]:
            span = slice(by_row.indptr[row], by_row.indptr[row + 1])
            coefficient = dict(zip(by_row.indices[span], by_row.data[span], strict=True))
            entries = {}
            for other, a in coefficient.items():
                if other == cell or z_of[other] < 0:
                    continue
                goes_down = -coefficient[cell] * a * np.sign(shift) < 0
                capacity = table.values[other] - LOWER_BOUND if goes_down else np.inf
                if min(abs(shift), capacity) > 0:
                    entries[int(z_of[other])] = float(min(abs(shift), capacity))
            rows.add(entries, abs(shift))


def joint_bound(table: Table, blocks: np.ndarray, time_limit: float) -> dict:
    """The joint lower bound (see the top): bound, and whether HiGHS proved it optimal.

    Variables: z per non-zero cell the table may suppress, then u and v of every requirement
    over its block's non-zero cells.
    """
    primary = primary_mask(table.values, table.forced, MIN_COUNT) & ~table.fixed
    free = (table.values > 0) & ~table.fixed
    z_of = np.full(table.n_cells, -1)
    z_of[free] = np.arange(int(free.sum()))
    lower, upper = list(np.where(primary[free], 1.0, 0.0)), [1.0] * int(free.sum())
    rows = _Rows()
    systems = _block_systems(table, blocks)
    for system in systems:
        _move_rows(rows, (lower, upper), system, table, z_of)
    wanted = [requirement for _, _, block_wanted in systems for requirement in block_wanted]
    if not wanted:
        return {"bound": 0, "proven_optimal": True}
    _lone_unknown_rows(rows, table, z_of)
    _balance_rows(rows, table, z_of, wanted)
    n_vars = len(lower)
    cost = np.zeros(n_vars)
    cost[: int(free.sum())] = np.where(primary[free], 0.0, 1.0)
    integrality = np.zeros(n_vars)
    integrality[: int(free.sum())] = 1
    result = milp(
        cost,
        constraints=[rows.constraint(n_vars)],
        integrality=integrality,
        bounds=Bounds(np.array(lower), np.array(upper)),
        options={"time_limit": time_limit, "disp": False},
    )
    # the dual bound, not the incumbent: HiGHS stops at a relative gap of 1e-4
    bound = getattr(result, "mip_dual_bound", None)
    if bound is None or not np.isfinite(bound):
        return {"bound": 0, "proven_optimal": False}
    return {"bound": math.ceil(bound - TOLERANCE), "proven_optimal": result.status == 0}


def table_bound(
    cells: pd.DataFrame, relations: pd.DataFrame, time_limit: float, joint_time_limit: float
) -> dict:
    """Both bounds of a benchmark table, one block per area key, with seconds (wall/CPU):
    `bound` the joint one, `block_bound` the sum of the block minima."""
    started, cpu = time.perf_counter(), time.process_time()
    table = parse_table(cells, relations)
    blocks = block_of(table.ids)
    by_block = lower_bound(table, blocks, time_limit)
    joint = joint_bound(table, blocks, joint_time_limit)
    return {
        "bound": max(joint["bound"], by_block["bound"]),
        "joint_optimal": joint["proven_optimal"],
        "block_bound": by_block["bound"],
        "blocks": by_block["blocks"],
        "proven_optimal": by_block["proven_optimal"],
        "wall_s": time.perf_counter() - started,
        "cpu_s": time.process_time() - cpu,
    }


def main(argv: list[str]) -> None:
    """Print the bounds for each size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[400])
    parser.add_argument("--time-limit", type=float, default=30.0, help="seconds per block")
    parser.add_argument(
        "--joint-time-limit", type=float, default=1800.0, help="seconds for the joint bound"
    )
    args = parser.parse_args(argv)
    for size in args.sizes:
        cells, relations = build_table(size, region=False)
        result = table_bound(cells, relations, args.time_limit, args.joint_time_limit)
        print(
            f"N={size}: Untergrenze {result['bound']} Sekundärzellen (gemeinsam, "
            f"{'optimal' if result['joint_optimal'] else 'Zeitgrenze'}); Summe der Blöcke "
            f"{result['block_bound']} ({result['blocks']} Blöcke mit Primärzellen, "
            f"{result['proven_optimal']} optimal gelöst), {result['wall_s']:.1f} s / CPU "
            f"{result['cpu_s']:.1f} s"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
