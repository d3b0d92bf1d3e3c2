"""The attacker's polytope over the suppressed cells, and its connected components."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components


@dataclass(frozen=True)
class Polytope:
    """{x_S : A_S x_S = b, bounds} for the suppressed cells S of a table."""

    matrix: sp.csr_matrix  # rows with at least one suppressed cell x suppressed cells
    rhs: np.ndarray
    cells: np.ndarray  # table positions of the columns


def attacker_polytope(matrix: sp.csr_matrix, values: np.ndarray, free: np.ndarray) -> Polytope:
    """Move the fixed (published) cells of every relation to the right-hand side."""
    csc = matrix.tocsc()
    cells = np.flatnonzero(free)
    fixed = np.flatnonzero(~free)
    rhs = -(csc[:, fixed] @ values[fixed].astype(np.float64))
    sub = csc[:, cells].tocsr()
    used = np.diff(sub.indptr) > 0
    return Polytope(matrix=sub[used], rhs=rhs[used], cells=cells)


def components(polytope: Polytope) -> list[tuple[np.ndarray, np.ndarray]]:
    """(row positions, column positions) of each connected component, in column order."""
    n_rows, n_cols = polytope.matrix.shape
    if n_cols == 0:
        return []
    incidence = abs(polytope.matrix)
    graph = sp.bmat(
        [
            [sp.csr_matrix((n_rows, n_rows)), incidence],
            [incidence.T, sp.csr_matrix((n_cols, n_cols))],
        ],
        format="csr",
    )
    _, labels = connected_components(graph, directed=False)
    row_labels, col_labels = labels[:n_rows], labels[n_rows:]
    order = np.argsort(col_labels, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(col_labels[order]) != 0])
    groups = np.split(order, starts[1:])
    rows_by_label = _group_positions(row_labels)
    return [
        (rows_by_label.get(int(col_labels[group[0]]), np.zeros(0, dtype=np.int64)), group)
        for group in groups
    ]


def _group_positions(labels: np.ndarray) -> dict[int, np.ndarray]:
    order = np.argsort(labels, kind="stable")
    if not len(order):
        return {}
    starts = np.flatnonzero(np.r_[True, np.diff(labels[order]) != 0])
    return {int(labels[group[0]]): group for group in np.split(order, starts[1:])}
