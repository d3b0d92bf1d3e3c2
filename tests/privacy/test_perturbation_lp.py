"""The perturbation LP's fast paths give what the plain constructions give."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import scipy.sparse as sp

from benchmarks.bench_privacy import build_table
from etl.privacy.graph import RelationGraph, local_system, row_entries
from etl.privacy.highs import LinearProgram, SolverSlot
from etl.privacy.perturb import _rise_and_fall, perturbation_search
from etl.privacy.table import Table, parse_table


@pytest.fixture(scope="module")
def table() -> Table:
    cells, relations = build_table(60)
    return parse_table(cells, relations)


def test_row_entries_lists_each_rows_entries_in_order_including_empty_rows() -> None:
    matrix = sp.csr_matrix(np.array([[1, 0, 2], [0, 0, 0], [0, 3, 4], [5, 0, 0]], dtype=float))
    owner, entries = row_entries(matrix, np.array([3, 1, 0, 2]))
    assert owner.tolist() == [0, 2, 2, 3, 3]
    assert matrix.data[entries].tolist() == [5, 1, 2, 3, 4]


def test_rise_and_fall_is_the_local_system_and_its_mirror(table: Table) -> None:
    graph = RelationGraph.of(table.matrix)
    cells = np.unique(np.random.default_rng(1).choice(table.n_cells, 80, replace=False))
    local, _ = local_system(graph, cells, table.values)
    mirrored = _rise_and_fall(graph, cells)
    assert mirrored.format == "csc"
    assert (mirrored != sp.hstack([local, -local])).nnz == 0


def test_column_and_row_wise_models_and_a_shared_slot_give_the_same_optimum(
    table: Table,
) -> None:
    graph = RelationGraph.of(table.matrix)
    cells = np.unique(np.random.default_rng(2).choice(table.n_cells, 60, replace=False))
    matrix = _rise_and_fall(graph, cells)
    n = matrix.shape[1]
    lower, upper = np.zeros(n), np.full(n, 5.0)
    lower[0] = upper[0] = 2.0
    cost = -np.random.default_rng(3).uniform(1, 2, n)
    slot = SolverSlot()
    points = []
    for model, shared in ((matrix, None), (matrix.tocsr(), None), (matrix, slot), (matrix, slot)):
        optimum = LinearProgram(model, np.zeros(matrix.shape[0]), lower, upper, shared).maximise(
            cost
        )
        points.append(optimum.point)
    assert all(np.array_equal(point, points[0]) for point in points)


def test_a_slot_sent_to_another_process_starts_without_a_solver() -> None:
    slot = SolverSlot()
    slot.highs()
    copy = pickle.loads(pickle.dumps(slot))
    assert copy._highs is None
    assert copy.highs() is copy.highs()


def test_perturbations_with_a_shared_slot_equal_fresh_ones(table: Table) -> None:
    graph = RelationGraph.of(table.matrix)
    suppressed = (table.values > 0) & (table.values < 3)
    slot = SolverSlot()
    for cell in np.flatnonzero(suppressed)[:25]:
        target = (int(cell), 2.0)
        fresh, consulted = perturbation_search(graph, table.values, suppressed, target)
        shared, again = perturbation_search(graph, table.values, suppressed, target, slot=slot)
        assert (fresh is None) == (shared is None)
        if fresh is not None and shared is not None:
            assert np.array_equal(fresh.cells, shared.cells)
            assert np.array_equal(fresh.moved_values, shared.moved_values)
        assert np.array_equal(consulted, again)
