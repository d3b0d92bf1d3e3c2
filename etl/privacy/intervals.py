"""The attacker's LP: how far each suppressed cell can move given everything published.

Published cells are constants, so the attacker's polytope separates into connected
components of relations that contain suppressed cells; each component is one HiGHS model.
A cell's interval is certified cheaply by feasible points: every point the solver returns
is a possible table, so it proves that each cell can reach at least that value. Batches of
cells are pushed towards their targets at once; only cells that no batch certifies get
their own exact min/max LP, and only a cell that fails its exact LP is reported.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp

from etl.errors import DisclosureError
from etl.privacy.floors import a_priori_floors, propagated_floors
from etl.privacy.highs import LinearProgram
from etl.privacy.polytope import Polytope, attacker_polytope, components
from etl.privacy.rules import TOLERANCE
from etl.privacy.workers import LpPool, ordered_map

_MAX_BATCH_ROUNDS = 60
_STALL_ROUNDS = 3
_MIN_PARALLEL_COLUMNS = 2000  # suppressed cells


@dataclass(frozen=True)
class Failure:
    """One suppressed cell whose attacker interval misses a requirement."""

    cell: int  # position in the table
    lower: float
    upper: float
    required_lower: float
    required_upper: float
    reasons: tuple[str, ...]  # "upper", "lower", "exact"


class _Certificates:
    """Best reach seen so far per column; every feasible point raises or lowers it."""

    def __init__(self, x: np.ndarray, upper_target: np.ndarray, lower_target: np.ndarray):
        self.high, self.low = x.copy(), x.copy()
        self.upper_target, self.lower_target = upper_target, lower_target

    def record(self, point: np.ndarray | None) -> None:
        if point is not None:
            np.maximum(self.high, point, out=self.high)
            np.minimum(self.low, point, out=self.low)

    def wants(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Columns still missing their upper target, lower target, or any spread of 1."""
        up = self.high < self.upper_target - TOLERANCE
        down = self.low > self.lower_target + TOLERANCE
        spread = self.high - self.low < 1.0 - TOLERANCE
        return up, down, spread

    def wants_at(self, column: int) -> tuple[bool, bool, bool]:
        """`wants` of one column."""
        high, low = self.high[column], self.low[column]
        return (
            bool(high < self.upper_target[column] - TOLERANCE),
            bool(low > self.lower_target[column] + TOLERANCE),
            bool(high - low < 1.0 - TOLERANCE),
        )


def _batch_cost(wants: tuple[np.ndarray, ...], parity: int, weights: np.ndarray) -> np.ndarray:
    up, down, spread = wants
    go_up = up & ~(down & (parity == 1))
    go_down = down & ~go_up
    only_spread = spread & ~up & ~down
    go_up |= only_spread & (parity == 0)
    go_down |= only_spread & (parity == 1)
    return np.where(go_up, weights, 0.0) - np.where(go_down, weights, 0.0)


def _batch_rounds(program: LinearProgram, certificates: _Certificates, seed: int) -> None:
    """Push all uncertified columns towards their targets together until progress stalls."""
    rng = np.random.default_rng(seed)
    stalled = 0
    for round_number in range(_MAX_BATCH_ROUNDS):
        pending = np.logical_or.reduce(certificates.wants())
        if not pending.any() or stalled >= _STALL_ROUNDS:
            return
        weights = rng.uniform(1.0, 2.0, size=program.n_cols)
        cost = _batch_cost(certificates.wants(), round_number % 2, weights)
        certificates.record(program.maximise(cost).point)
        still = np.logical_or.reduce(certificates.wants()).sum()
        stalled = stalled + 1 if still == pending.sum() else 0


def _exact(program: LinearProgram, column: int, sign: float, certificates: _Certificates) -> float:
    cost = np.zeros(program.n_cols)
    cost[column] = sign
    optimum = program.maximise(cost)
    if optimum.value == -math.inf:
        raise DisclosureError(
            "Das Angreifer-LP ist unlösbar, obwohl die Tabelle selbst eine "
            "Lösung ist: Eingabe und Ergebnis passen nicht zusammen."
        )
    certificates.record(optimum.point)
    return sign * optimum.value


@dataclass(frozen=True)
class _Component:
    """One connected component of the attacker's polytope, with what its check needs."""

    matrix: sp.csr_matrix
    rhs: np.ndarray
    cells: np.ndarray  # table positions of the columns
    x: np.ndarray  # true values
    targets: tuple[np.ndarray, np.ndarray]  # required upper and lower reach
    lower_bounds: np.ndarray
    settled: np.ndarray
    confirm: bool


def _component(
    polytope: Polytope,
    rows: np.ndarray,
    cols: np.ndarray,
    values: np.ndarray,
    targets: tuple[np.ndarray, np.ndarray],
    arrays: tuple[np.ndarray, np.ndarray],
    confirm: bool,
) -> _Component:
    """The component's slice of everything (small enough to send to a worker)."""
    cells = polytope.cells[cols]
    lower_bounds, settled = arrays
    return _Component(
        matrix=polytope.matrix[rows][:, cols],
        rhs=polytope.rhs[rows],
        cells=cells,
        x=values[cells].astype(np.float64),
        targets=(targets[0][cells], targets[1][cells]),
        lower_bounds=lower_bounds[cells],
        settled=settled[cells],
        confirm=confirm,
    )


def _component_failures(component: _Component) -> list[Failure]:
    cells, x = component.cells, component.x
    upper_target, lower_target = component.targets
    certificates = _Certificates(x, upper_target, lower_target)
    certificates.high[component.settled] = math.inf  # nothing left to show for these
    certificates.low[component.settled] = -math.inf
    matrix, rhs = component.matrix, component.rhs
    reach = np.maximum(upper_target - x, 1.0).max()
    capped = LinearProgram(matrix, rhs, component.lower_bounds, x + 4 * reach)
    _batch_rounds(capped, certificates, seed=int(cells[0]))
    if not np.logical_or.reduce(certificates.wants()).any():
        return []
    exact = LinearProgram(matrix, rhs, component.lower_bounds, np.full(len(cells), math.inf))
    failures = []
    for column in np.flatnonzero(np.logical_or.reduce(certificates.wants())):
        if not any(certificates.wants_at(column)):
            continue  # certified meanwhile by the point of another cell's exact LP
        failure = _failure(
            exact,
            column,
            cells[column],
            certificates,
            (upper_target[column], lower_target[column]),
            component.confirm,
        )
        if failure.reasons:
            failures.append(failure)
    return failures


def _reasons(high: float, low: float, upper: float, lower: float) -> tuple[str, ...]:
    reasons = []
    if high < upper - TOLERANCE:
        reasons.append("upper")
    if low > lower + TOLERANCE:
        reasons.append("lower")
    if high - low < 1.0 - TOLERANCE:
        reasons.append("exact")
    return tuple(reasons)


def _failure(
    exact: LinearProgram,
    column: int,
    cell: int,
    certificates: _Certificates,
    targets: tuple[float, float],
    confirm: bool,
) -> Failure:
    """Bounds of a column the batch search left open.

    With `confirm`, the open sides are solved exactly and a failing cell gets its full exact
    interval. Without, only an open lower side is solved (the floor check needs it); the
    other sides stay at what the search reached, a cheap but unconfirmed suspicion.
    """
    up, down, spread = certificates.wants_at(column)
    solve_high, solve_low = confirm and (up or spread), down or (confirm and spread)
    high = _exact(exact, column, 1.0, certificates) if solve_high else certificates.high[column]
    low = _exact(exact, column, -1.0, certificates) if solve_low else certificates.low[column]
    reasons = _reasons(high, low, targets[0], targets[1])
    if reasons and confirm:
        high = high if solve_high else _exact(exact, column, 1.0, certificates)
        low = low if solve_low else _exact(exact, column, -1.0, certificates)
    return Failure(
        cell=int(cell),
        lower=float(low),
        upper=float(high),
        required_lower=float(targets[1]),
        required_upper=float(targets[0]),
        reasons=reasons,
    )


def _clip_at_floors(
    matrix: sp.csr_matrix, values: np.ndarray, failures: list[Failure], lower_bounds: np.ndarray
) -> list[Failure]:
    """Drop lower-side failures of cells that sit at their exact a-priori floor."""
    cells = np.array([failure.cell for failure in failures if "lower" in failure.reasons])
    if not len(cells):
        return failures
    floors = dict(
        zip(cells.tolist(), a_priori_floors(matrix, values, cells, lower_bounds), strict=True)
    )
    clipped = []
    for failure in failures:
        if "lower" in failure.reasons:
            required = max(failure.required_lower, floors[failure.cell])
            reasons = _reasons(failure.upper, failure.lower, failure.required_upper, required)
            failure = replace(failure, required_lower=required, reasons=reasons)
        if failure.reasons:
            clipped.append(failure)
    return clipped


def interval_failures(
    matrix: sp.csr_matrix,
    values: np.ndarray,
    suppressed: np.ndarray,
    targets: tuple[np.ndarray, np.ndarray],
    lower_bounds: np.ndarray,
    *,
    confirm: bool = True,
    settled: np.ndarray | None = None,
    pool: LpPool | None = None,
) -> list[Failure]:
    """Suppressed cells whose attacker interval misses (upper, lower) targets or is exact.

    `targets` holds the required upper and lower reach of every cell of the table and
    `lower_bounds` what the attacker knows a priori about each suppressed cell (1 for a
    non-zero cell); lower requirements are clipped at the a-priori floor (`a_priori_floors`).
    With `confirm`, every failure is confirmed by exact LPs and carries its exact interval.
    Without, cells the batch search could not certify are reported unconfirmed (only lower
    sides are solved exactly): cheaper when a repair step settles them anyway.
    `settled` marks cells already shown to meet their requirements under a suppression
    that this one contains (more suppression only widens intervals): they are not checked
    again, and components holding only such cells are skipped. `pool` checks the
    components in other processes (`workers.lp_pool`); the answer is the same.
    """
    # Propagated floors never exceed the exact ones, so clipping at them first is safe; in
    # cubes they are exact, and the batch search need not chase unreachable targets.
    targets = (targets[0], np.maximum(targets[1], propagated_floors(matrix, lower_bounds)))
    polytope = attacker_polytope(matrix, values, suppressed)
    settled = np.zeros(len(values), dtype=bool) if settled is None else settled
    work = [
        _component(polytope, rows, cols, values, targets, (lower_bounds, settled), confirm)
        for rows, cols in components(polytope)
        if not settled[polytope.cells[cols]].all()
    ]
    # Small problems (every table of the samples) are solved faster than a worker starts.
    big = polytope.matrix.shape[1] >= _MIN_PARALLEL_COLUMNS
    found = ordered_map(pool if big else None, _component_failures, work)
    failures = [failure for component in found for failure in component]
    failures = _clip_at_floors(matrix, values, failures, lower_bounds)
    return sorted(failures, key=lambda failure: failure.cell)
