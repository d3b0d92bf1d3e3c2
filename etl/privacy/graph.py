"""The relation graph: which cells share relations, and fast row access to sparse matrices."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp


@dataclass(frozen=True)
class RelationGraph:
    """The relation matrix by relation and by cell, for neighbourhood searches."""

    by_relation: sp.csr_matrix
    by_cell: sp.csr_matrix  # transpose, one row per cell

    @classmethod
    def of(cls, matrix: sp.csr_matrix) -> RelationGraph:
        """Both orientations of the matrix."""
        return cls(by_relation=matrix.tocsr(), by_cell=matrix.T.tocsr())


def row_entries(matrix: sp.csr_matrix, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row number, entry position) of every stored entry of the given CSR rows."""
    starts = matrix.indptr[rows]
    lengths = matrix.indptr[rows + 1] - starts
    owner = np.repeat(np.arange(len(rows)), lengths)
    # entry k of row r sits at starts[r] + (k - first k of r); one repeat, then a gather
    return owner, np.arange(len(owner)) + (starts - np.cumsum(lengths) + lengths)[owner]


def row_columns(matrix: sp.csr_matrix, rows: np.ndarray) -> np.ndarray:
    """Distinct column numbers stored in the given CSR rows."""
    return np.unique(matrix.indices[row_entries(matrix, rows)[1]])


def neighbourhood(
    graph: RelationGraph, cell: int, radius: int | None, movable: np.ndarray
) -> np.ndarray:
    """Movable cells reachable from `cell` through at most `radius` relations (None: all)."""
    seen = np.zeros(graph.by_cell.shape[0], dtype=bool)
    seen[cell] = True
    frontier = np.array([cell])
    step = 0
    while len(frontier) and (radius is None or step < radius):
        reached = row_columns(graph.by_relation, row_columns(graph.by_cell, frontier))
        frontier = reached[movable[reached] & ~seen[reached]]
        seen[frontier] = True
        step += 1
    return np.flatnonzero(seen)


def local_system(
    graph: RelationGraph, cells: np.ndarray, values: np.ndarray
) -> tuple[sp.csr_matrix, np.ndarray]:
    """Relations touching `cells` restricted to them; the other cells keep their values.

    `cells` must be sorted. Returns the local matrix (one row per touching relation, one
    column per cell) and the right-hand side that the fixed cells leave.
    """
    relations = row_columns(graph.by_cell, cells)
    owner, entries = row_entries(graph.by_relation, relations)
    members = graph.by_relation.indices[entries]
    coef = graph.by_relation.data[entries]
    # `cells` is sorted: a binary search instead of a lookup array as long as the table
    columns = np.searchsorted(cells, members)
    inside = cells[np.minimum(columns, len(cells) - 1)] == members
    # Entries come row by row with ascending columns (rows of `by_relation` are sorted and
    # `cells` ascending), so the CSR arrays can be taken as they are.
    counts = np.bincount(owner[inside], minlength=len(relations))
    matrix = sp.csr_matrix(
        (coef[inside], columns[inside], np.concatenate([[0], np.cumsum(counts)])),
        shape=(len(relations), len(cells)),
    )
    rhs = -np.bincount(
        owner[~inside], weights=coef[~inside] * values[members[~inside]], minlength=len(relations)
    )
    return matrix, rhs
