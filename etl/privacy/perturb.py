"""Repair step of secondary suppression: the cheapest perturbation that protects one cell.

To show that a suppressed cell can reach x + t, it suffices to find a table x + y that
satisfies every relation, keeps published cells (y = 0 there), zeros at zero and every
other cell at 1 or more, with y = t at the cell. Suppressing every cell that y moves makes
x + y a table the attacker cannot rule out, so the requirement holds for good (more
suppression only widens the attacker's polytope). The LP minimises the cost of moving
published cells (their value per unit moved, so small cells are preferred) while cells
already suppressed move almost for free. It is solved on a small neighbourhood of the cell
first and grown until feasible.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from etl.privacy.graph import (
    RelationGraph,
    local_system,
    neighbourhood,
    row_columns,
    row_entries,
)
from etl.privacy.highs import LinearProgram

_RADII = (2, 4, 8)
_CANDIDATE_RADIUS = 3
_CANDIDATES_PER_RELATION = 2
_FREE_MOVE = 1e-3  # cost per unit of moving an already suppressed cell
_MOVED = 1e-7  # smaller moves are LP noise


@dataclass(frozen=True)
class Perturbation:
    """Cells a perturbation moves (table positions) and the table x + y on those cells."""

    cells: np.ndarray
    moved_values: np.ndarray


def _cheapest_members(
    graph: RelationGraph,
    relations: np.ndarray,
    values: np.ndarray,
    suppressed: np.ndarray,
    count: int,
) -> np.ndarray:
    """The `count` cheapest published non-zero cells (smallest value, then position) of
    each relation."""
    owner, entries = row_entries(graph.by_relation, relations)
    cols = graph.by_relation.indices[entries]
    keep = ~suppressed[cols] & (values[cols] > 0)
    owner, cols = owner[keep], cols[keep]
    order = np.lexsort((cols, values[cols], owner))
    owner, cols = owner[order], cols[order]
    rank = np.arange(len(owner)) - np.searchsorted(owner, owner)
    return np.unique(cols[rank < count])


def _candidates(
    graph: RelationGraph,
    values: np.ndarray,
    suppressed: np.ndarray,
    cell: int,
    radius: int = _CANDIDATE_RADIUS,
    per_relation: int = _CANDIDATES_PER_RELATION,
) -> tuple[np.ndarray, np.ndarray]:
    """Candidate cells for a perturbation of `cell`, and the cells whose status was read.

    Candidates are the cells within `radius` relations of `cell`: all suppressed ones, and per
    relation only the `per_relation` cheapest published ones (the LP would rarely pick dearer
    cells). No pass over the whole table: this runs once per unsafe cell. The second array is
    what speculation checks before reusing a step computed ahead.
    """
    chosen = np.zeros(len(values), dtype=bool)  # zero pages: cheap even for large tables
    chosen[cell] = True
    frontier = np.array([cell])
    found = [frontier]
    consulted = [frontier]
    seen_relations = np.zeros(graph.by_relation.shape[0], dtype=bool)
    for _ in range(radius):
        relations = row_columns(graph.by_cell, frontier)
        relations = relations[~seen_relations[relations]]
        seen_relations[relations] = True
        reached = row_columns(graph.by_relation, relations)
        consulted.append(reached)
        reached = np.union1d(
            reached[suppressed[reached]],
            _cheapest_members(graph, relations, values, suppressed, per_relation),
        )
        frontier = reached[~chosen[reached]]
        chosen[frontier] = True
        found.append(frontier)
    return np.sort(np.concatenate(found)), np.concatenate(consulted)


def _rise_and_fall(local: sp.csr_matrix) -> sp.csr_matrix:
    """[local, -local] in CSR, built from the arrays (scipy's hstack costs more here)."""
    n_rows, n_cols = local.shape
    lengths = np.diff(local.indptr)
    owner = np.repeat(np.arange(n_rows), lengths)
    offset = np.arange(local.nnz) - local.indptr[owner]
    start = 2 * local.indptr[owner]
    indices = np.empty(2 * local.nnz, dtype=local.indices.dtype)
    data = np.empty(2 * local.nnz)
    indices[start + offset] = local.indices
    indices[start + lengths[owner] + offset] = local.indices + n_cols
    data[start + offset] = local.data
    data[start + lengths[owner] + offset] = -local.data
    return sp.csr_matrix((data, indices, 2 * local.indptr), shape=(n_rows, 2 * n_cols))


def _cheapest_perturbation(
    graph: RelationGraph,
    values: np.ndarray,
    suppressed: np.ndarray,
    cells: np.ndarray,
    target: tuple[int, float],
    lower_bound: float = 1.0,
) -> Perturbation | None:
    """The cheapest perturbation moving only `cells`, or None if there is none."""
    local, _ = local_system(graph, cells, values)
    n = len(cells)
    cell, shift = target
    at = int(np.searchsorted(cells, cell))
    rise_lower, rise_upper = np.zeros(n), np.full(n, np.inf)
    fall_lower = np.zeros(n)
    fall_upper = values[cells].astype(np.float64) - lower_bound  # stay >= the a-priori bound
    rise_lower[at] = rise_upper[at] = max(shift, 0.0)
    fall_lower[at] = fall_upper[at] = max(-shift, 0.0)
    if fall_upper[at] < fall_lower[at]:
        return None
    program = LinearProgram(
        _rise_and_fall(local),
        np.zeros(local.shape[0]),
        np.concatenate([rise_lower, fall_lower]),
        np.concatenate([rise_upper, fall_upper]),
    )
    unit_cost = np.where(suppressed[cells], _FREE_MOVE, values[cells].astype(np.float64))
    optimum = program.maximise(-np.concatenate([unit_cost, unit_cost]))
    if optimum.point is None:
        return None  # infeasible; this LP is never unbounded
    change = optimum.point[:n] - optimum.point[n:]
    moved = np.abs(change) > _MOVED
    return Perturbation(cells=cells[moved], moved_values=values[cells[moved]] + change[moved])


def protecting_perturbation(
    graph: RelationGraph,
    values: np.ndarray,
    suppressed: np.ndarray,
    target: tuple[int, float],
    lower_bound: float = 1.0,
) -> Perturbation | None:
    """A cheap perturbation moving cell `target[0]` by `target[1]`; None if impossible.

    Only non-zero cells move. The cells near the target (all suppressed ones, the cheapest
    published ones) are tried first, then neighbourhoods of growing radius, then the whole
    connected table. Suppressing the cells it moves protects the target.
    """
    return perturbation_search(graph, values, suppressed, target, lower_bound)[0]


def perturbation_search(
    graph: RelationGraph,
    values: np.ndarray,
    suppressed: np.ndarray,
    target: tuple[int, float],
    lower_bound: float = 1.0,
) -> tuple[Perturbation | None, np.ndarray]:
    """`protecting_perturbation` and the cells whose suppression status it depends on.

    The answer is a function of `graph`, `values`, `target`, `lower_bound` and of
    `suppressed` on the returned cells only: with the same statuses there, another
    suppression gives the same answer (what lets `speculation` compute it ahead).
    """
    nearby, consulted = _candidates(graph, values, suppressed, target[0])
    perturbation = _cheapest_perturbation(graph, values, suppressed, nearby, target, lower_bound)
    if perturbation is not None:
        return perturbation, consulted
    movable = values > 0
    previous_size = 0
    tried = [consulted]
    for radius in (*_RADII, None):
        cells = neighbourhood(graph, target[0], radius, movable)
        if len(cells) == previous_size:
            break  # the neighbourhood stopped growing: the whole component failed
        previous_size = len(cells)
        tried.append(cells)
        perturbation = _cheapest_perturbation(graph, values, suppressed, cells, target, lower_bound)
        if perturbation is not None:
            break
    return perturbation, np.concatenate(tried)
