"""A-priori floors: what the relations and the published zeros alone reveal about a cell.

When every non-zero cell is suppressed, a cell can still be known to be at least its floor
(a total of two non-zero parts is at least 2). No suppression pattern can hide more, so
the lower protection requirement is clipped at the floor.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.sparse as sp

from etl.privacy.graph import RelationGraph, local_system, neighbourhood
from etl.privacy.highs import LinearProgram
from etl.privacy.polytope import attacker_polytope, components
from etl.privacy.rules import TOLERANCE

_LOCAL_RADIUS = 2


def propagated_floors(matrix: sp.csr_matrix, lower_bounds: np.ndarray) -> np.ndarray:
    """A cheap lower bound of every floor: totals are at least the sum of their parts' floors."""
    parts = (matrix < 0).astype(np.float64)
    total_of = matrix.indices[matrix.data > 0]  # exactly one total per relation, in row order
    floors = lower_bounds.astype(np.float64).copy()
    for _ in range(matrix.shape[1] + 1):  # a chain of totals is at most this deep
        sums = parts @ floors
        raised = floors.copy()
        np.maximum.at(raised, total_of, sums)
        if np.array_equal(raised, floors):
            break
        floors = raised
    return floors


def _local_minimum(
    graph: RelationGraph, values: np.ndarray, lower_bounds: np.ndarray, cell: int
) -> float:
    """Minimum of the cell when only its neighbourhood moves: an upper bound of its floor."""
    cells = neighbourhood(graph, cell, _LOCAL_RADIUS, values > 0)
    matrix, rhs = local_system(graph, cells, values)
    program = LinearProgram(matrix, rhs, lower_bounds[cells], np.full(len(cells), math.inf))
    cost = np.zeros(len(cells))
    cost[np.searchsorted(cells, cell)] = -1.0
    return -program.maximise(cost).value


def a_priori_floors(
    matrix: sp.csr_matrix, values: np.ndarray, cells: np.ndarray, lower_bounds: np.ndarray
) -> np.ndarray:
    """Floor of each cell: the propagated floor where it is attained, else by LP.

    When the propagated floors themselves form a possible table (as in any cube whose
    totals all sum the same leaves), they are the floors of every cell. Otherwise a local
    LP that reaches the propagated floor settles a cell; the rest get the full LP.
    """
    cheap = propagated_floors(matrix, lower_bounds)
    attained = np.all(np.abs(matrix @ cheap) <= TOLERANCE) and np.all(cheap[values == 0] == 0)
    if attained:
        return cheap[cells]
    graph = RelationGraph.of(matrix)
    floors = cheap[cells].copy()
    unresolved = np.array(
        [
            position
            for position, cell in enumerate(cells)
            if _local_minimum(graph, values, lower_bounds, int(cell)) > cheap[cell] + TOLERANCE
        ],
        dtype=np.int64,
    )
    if len(unresolved):
        floors[unresolved] = exact_floors(matrix, values, cells[unresolved], lower_bounds)
    return floors


def exact_floors(
    matrix: sp.csr_matrix, values: np.ndarray, cells: np.ndarray, lower_bounds: np.ndarray
) -> np.ndarray:
    """Smallest value of each cell when every non-zero cell is suppressed (one LP each)."""
    prior = attacker_polytope(matrix, values, values > 0)
    column_of = {int(cell): column for column, cell in enumerate(prior.cells)}
    wanted = {column_of[int(cell)] for cell in cells}
    floors: dict[int, float] = {}
    for rows, cols in components(prior):
        targets = [column for column in cols if int(column) in wanted]
        if not targets:
            continue
        program = LinearProgram(
            prior.matrix[rows][:, cols],
            prior.rhs[rows],
            lower_bounds[prior.cells[cols]],
            np.full(len(cols), math.inf),
        )
        local = {int(column): position for position, column in enumerate(cols)}
        for column in targets:
            cost = np.zeros(len(cols))
            cost[local[int(column)]] = -1.0
            floors[int(column)] = -program.maximise(cost).value
    return np.array([floors[column_of[int(cell)]] for cell in cells], dtype=np.float64)
