"""Clean-up after secondary suppression: publish secondaries the pattern can do without.

Every requirement of the audit is met by a witness: a table the attacker cannot exclude
that moves the cell far enough (up to x + d and down to the clipped lower target for a
primary, by one either way for a secondary, which is then not exact). A witness moves
suppressed cells only, keeps every relation and every moved cell at the attacker's lower
bound or above. Publishing a secondary c invalidates only the witnesses that move c; the
others stay possible tables. So the secondaries are tried one at a time, largest first:
c is published when a new witness avoiding c is found for every requirement whose
witness moved c. When the one requirement left without a witness is that of another
secondary s not being exact, c and s are tried together (two cells of a line that only
protect each other). Each witness comes from a perturbation LP on the suppressed cells of
the requirement's component of the attacker's problem (no witness can leave it), priced
so that it avoids large secondaries, the ones tried first. The result passes the same
interval check as before; `protect` confirms it with the attacker's LPs all the same.

The work is one small LP per requirement plus one per witness to replace, so it is
bounded by `max_solves` (deterministic: the same table gives the same pattern).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from etl.privacy.floors import a_priori_floors
from etl.privacy.graph import RelationGraph, local_system
from etl.privacy.highs import LinearProgram
from etl.privacy.polytope import attacker_polytope, components
from etl.privacy.rules import TOLERANCE

logger = logging.getLogger(__name__)

_FREE_MOVE = 1e-3  # cost per unit of moving a primary, as in `perturb`
_MOVED = 1e-7  # smaller moves are LP noise


@dataclass(frozen=True)
class Requirement:
    """A move the attacker must be unable to exclude: `cell` by `shift` (or its opposite)."""

    cell: int
    shift: float
    either_way: bool  # a secondary only needs not to be exact: -shift does as well


@dataclass(frozen=True)
class _Problem:
    """What every witness search of one table shares."""

    graph: RelationGraph
    values: np.ndarray
    primary: np.ndarray
    lower_bound: float


@dataclass
class _Budget:
    """Witness searches left."""

    left: int


@dataclass
class _Witnesses:
    """The cells each requirement's witness moves, and the requirements using each cell."""

    moved: dict[int, np.ndarray] = field(default_factory=dict)
    users: dict[int, set[int]] = field(default_factory=dict)

    def set(self, number: int, cells: np.ndarray) -> None:
        self.drop(number)
        self.moved[number] = cells
        for cell in cells.tolist():
            self.users.setdefault(cell, set()).add(number)

    def drop(self, number: int) -> None:
        for cell in self.moved.pop(number, np.array([], dtype=np.int64)).tolist():
            self.users[cell].discard(number)


def requirements(
    graph: RelationGraph,
    values: np.ndarray,
    suppressed: np.ndarray,
    primary: np.ndarray,
    targets: tuple[np.ndarray, np.ndarray],
    lower_bounds: np.ndarray,
) -> list[Requirement]:
    """The audit's requirements of every suppressed cell, as moves from the true table.

    Primaries: up to the upper target, and down to the lower target clipped at the
    a-priori floor when that lies below the value (the audit clips the same way).
    Secondaries: one unit either way. Cells that move at all are not exact.
    """
    cells = np.flatnonzero(primary & suppressed)
    floors = a_priori_floors(graph.by_relation, values, cells, lower_bounds)
    found = []
    for cell, floor in zip(cells.tolist(), floors.tolist(), strict=True):
        value = float(values[cell])
        found.append(Requirement(cell, targets[0][cell] - value, either_way=False))
        down = max(targets[1][cell], floor) - value
        if down < -TOLERANCE:
            found.append(Requirement(cell, down, either_way=False))
    for cell in np.flatnonzero(suppressed & ~primary).tolist():
        found.append(Requirement(cell, 1.0, either_way=True))
    return found


class _RegionProgram:
    """The perturbation LP of one component, kept and re-bounded for every witness.

    Columns are the rise and the fall of every cell of the region; published cells are
    pinned at 0, the requirement's cell at its shift. Costs as in `perturb`: primaries
    move almost for free, secondaries cost their value per unit, so witnesses avoid the
    large secondaries that the clean-up tries first. HiGHS re-solves from the last basis.
    """

    def __init__(self, problem: _Problem, region: np.ndarray) -> None:
        local, _ = local_system(problem.graph, region, problem.values)
        self.region, self.size = region, len(region)
        self.fall_limit = problem.values[region].astype(np.float64) - problem.lower_bound
        self.program = LinearProgram(
            sp.hstack([local, -local], format="csr"),
            np.zeros(local.shape[0]),
            np.zeros(2 * self.size),
            np.concatenate([np.full(self.size, np.inf), self.fall_limit]),
        )
        price = np.where(problem.primary[region], _FREE_MOVE, problem.values[region])
        self.cost = -np.concatenate([price, price]).astype(np.float64)

    def publish(self, cell: int, published: bool) -> None:
        """Pin a cell at its value (published) or let it move again."""
        at = int(np.searchsorted(self.region, cell))
        columns = np.array([at, at + self.size])
        if published:
            self.program.set_bounds(columns, np.zeros(2), np.zeros(2))
        else:
            self.program.set_bounds(columns, np.zeros(2), np.array([np.inf, self.fall_limit[at]]))

    def witness(self, requirement: Requirement) -> np.ndarray | None:
        """Cells moved by a witness of the requirement, or None if there is none."""
        at = int(np.searchsorted(self.region, requirement.cell))
        columns = np.array([at, at + self.size])
        shift = requirement.shift
        found = None
        for move in (shift, -shift) if requirement.either_way else (shift,):
            if -move > self.fall_limit[at] + TOLERANCE:
                continue  # would take the cell below the attacker's lower bound
            pinned = np.array([max(move, 0.0), max(-move, 0.0)])
            self.program.set_bounds(columns, pinned, pinned)
            optimum = self.program.maximise(self.cost)
            if optimum.point is not None:
                change = optimum.point[: self.size] - optimum.point[self.size :]
                found = self.region[np.abs(change) > _MOVED]
                break
        self.program.set_bounds(columns, np.zeros(2), np.array([np.inf, self.fall_limit[at]]))
        return found


def release_secondaries(
    graph: RelationGraph,
    values: np.ndarray,
    suppressed: np.ndarray,
    primary: np.ndarray,
    targets: tuple[np.ndarray, np.ndarray],
    lower_bounds: np.ndarray,
    *,
    lower_bound: float,
    max_solves: int,
) -> np.ndarray:
    """Publish secondaries, largest first, while every requirement keeps a witness.

    `suppressed` must pass the audit; the result does too and is a subset of it. The
    components of the attacker's problem are independent (a witness never leaves its
    component), so they are cleaned one after the other, in table order, until
    `max_solves` witness searches are spent; the rest stay as they are.
    """
    original, suppressed = suppressed, suppressed.copy()
    wanted = requirements(graph, values, suppressed, primary, targets, lower_bounds)
    polytope = attacker_polytope(graph.by_relation, values, suppressed)
    regions = [np.sort(polytope.cells[columns]) for _, columns in components(polytope)]
    component_of = np.full(len(values), -1)
    for number, region in enumerate(regions):
        component_of[region] = number
    by_component: dict[int, list[Requirement]] = {}
    for requirement in wanted:
        by_component.setdefault(int(component_of[requirement.cell]), []).append(requirement)
    problem = _Problem(graph, values, primary, lower_bound)
    budget = _Budget(max_solves)
    for number in sorted(by_component):
        _clean_component(problem, suppressed, by_component[number], regions[number], budget)
    logger.info(
        "clean-up: %d secondaries published, %d witness searches (budget %d)",
        int((original & ~suppressed).sum()),
        max_solves - budget.left,
        max_solves,
    )
    return suppressed


def _clean_component(
    problem: _Problem,
    suppressed: np.ndarray,
    wanted: list[Requirement],
    region: np.ndarray,
    budget: _Budget,
) -> None:
    """Witness every requirement of one component, then try its secondaries (in place)."""
    if len(wanted) > budget.left:
        budget.left = 0  # later components are left alone too, whatever their size
        return
    budget.left -= len(wanted)
    program = _RegionProgram(problem, region)
    witnesses = _Witnesses()
    for number, requirement in enumerate(wanted):
        cells = program.witness(requirement)
        if cells is None:
            return  # not a safe pattern to begin with: leave it alone
        witnesses.set(number, cells)
    own = {req.cell: number for number, req in enumerate(wanted) if req.either_way}
    secondaries = np.array(sorted(own), dtype=np.int64)
    values = problem.values
    for cell in secondaries[np.lexsort((secondaries, -values[secondaries]))].tolist():
        if not suppressed[cell]:
            continue  # published with a partner already
        blocking = _try(program, suppressed, wanted, witnesses, own, [cell], budget)
        if blocking is not None and wanted[blocking].either_way:
            # The cell and the secondary it alone kept from being exact may go together
            # (two cells of a line that only protect each other).
            _try(program, suppressed, wanted, witnesses, own, [cell, wanted[blocking].cell], budget)


def _try(
    program: _RegionProgram,
    suppressed: np.ndarray,
    wanted: list[Requirement],
    witnesses: _Witnesses,
    own: dict[int, int],
    cells: list[int],
    budget: _Budget,
) -> int | None:
    """Publish `cells` together (in place) when every requirement whose witness moved one
    of them finds a new witness; returns the requirement that found none (None: done)."""
    dropped = {own[cell] for cell in cells}
    affected = sorted(set().union(*(witnesses.users.get(cell, set()) for cell in cells)) - dropped)
    if len(affected) > budget.left:
        budget.left = 0
        return None
    budget.left -= len(affected)
    for cell in cells:
        suppressed[cell] = False
        program.publish(cell, published=True)
    blocking = None
    for number in affected:
        found = program.witness(wanted[number])
        if found is None:
            blocking = number
            break
        # a witness that avoids the cells is valid with or without them: keep it either way
        witnesses.set(number, found)
    if blocking is None:
        for number in dropped:
            witnesses.drop(number)
        return None
    for cell in cells:
        suppressed[cell] = True
        program.publish(cell, published=False)
    return blocking


def untouched(
    graph: RelationGraph, values: np.ndarray, before: np.ndarray, after: np.ndarray
) -> np.ndarray:
    """Suppressed cells whose component of the attacker's problem lost no cell.

    Such a component is the same polytope before and after, so what the audit showed for
    its cells still holds (`settled` of `interval_failures`).
    """
    polytope = attacker_polytope(graph.by_relation, values, before)
    settled = np.zeros(len(values), dtype=bool)
    for _, columns in components(polytope):
        cells = polytope.cells[columns]
        if after[cells].all():
            settled[cells] = True
    return settled
