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
    neighbourhood,
    row_columns,
    row_entries,
)
from etl.privacy.highs import LinearProgram, SolverSlot

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
    owner: np.ndarray,
    members: np.ndarray,
    values: np.ndarray,
    suppressed: np.ndarray,
    count: int,
) -> np.ndarray:
    """The `count` cheapest published non-zero cells (smallest value, then position) of
    each relation, given the relations' entries as (owner, member) pairs."""
    keep = ~suppressed[members] & (values[members] > 0)
    owner, cols = owner[keep], members[keep]
    order = np.lexsort((cols, values[cols], owner))
    owner, cols = owner[order], cols[order]
    rank = np.arange(len(owner)) - np.searchsorted(owner, owner)
    return cols[rank < count]


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
    cells). No pass over the whole table: this runs once per unsafe cell, so each ring reads
    the entries of its relations once (members and cheapest members from the same arrays).
    The second array (with repeats) is what speculation checks before reusing a step
    computed ahead.
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
        owner, entries = row_entries(graph.by_relation, relations)
        members = graph.by_relation.indices[entries]
        consulted.append(members)
        reached = np.concatenate(
            [
                members[suppressed[members]],
                _cheapest_members(owner, members, values, suppressed, per_relation),
            ]
        )
        frontier = np.unique(reached[~chosen[reached]])
        chosen[frontier] = True
        found.append(frontier)
    return np.sort(np.concatenate(found)), np.concatenate(consulted)


def _rise_and_fall(graph: RelationGraph, cells: np.ndarray) -> sp.csc_matrix:
    """[local, -local], local the relations touching `cells` restricted to them (CSC).

    Built by column from the cells' own rows of `by_cell` (a column of the local matrix is
    such a row), without assembling the local matrix first: this runs once per perturbation
    LP. Entry for entry the matrix of `local_system(graph, cells, values)`, mirrored.
    """
    by_cell = graph.by_cell
    _, entries = row_entries(by_cell, cells)
    relations, rows = np.unique(by_cell.indices[entries], return_inverse=True)
    coef = by_cell.data[entries]
    counts = np.concatenate([[0], np.cumsum(by_cell.indptr[cells + 1] - by_cell.indptr[cells])])
    return sp.csc_matrix(
        (
            np.concatenate([coef, -coef]),
            np.concatenate([rows, rows]),
            np.concatenate([counts, counts[1:] + len(coef)]),
        ),
        shape=(len(relations), 2 * len(cells)),
    )


def _cheapest_perturbation(
    graph: RelationGraph,
    values: np.ndarray,
    suppressed: np.ndarray,
    cells: np.ndarray,
    target: tuple[int, float],
    lower_bound: float = 1.0,
    slot: SolverSlot | None = None,
) -> Perturbation | None:
    """The cheapest perturbation moving only `cells`, or None if there is none."""
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
    matrix = _rise_and_fall(graph, cells)
    program = LinearProgram(
        matrix,
        np.zeros(matrix.shape[0]),  # a perturbation keeps every relation's sum
        np.concatenate([rise_lower, fall_lower]),
        np.concatenate([rise_upper, fall_upper]),
        slot,
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
    slot: SolverSlot | None = None,
) -> tuple[Perturbation | None, np.ndarray]:
    """`protecting_perturbation` and the cells whose suppression status it depends on.

    The answer is a function of `graph`, `values`, `target`, `lower_bound` and of
    `suppressed` on the returned cells only: with the same statuses there, another
    suppression gives the same answer (what lets `speculation` compute it ahead).
    `slot` lends its Highs instance to the LPs (same answer, less set-up per call).
    """
    nearby, consulted = _candidates(graph, values, suppressed, target[0])
    perturbation = _cheapest_perturbation(
        graph, values, suppressed, nearby, target, lower_bound, slot
    )
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
        perturbation = _cheapest_perturbation(
            graph, values, suppressed, cells, target, lower_bound, slot
        )
        if perturbation is not None:
            break
    return perturbation, np.concatenate(tried)
