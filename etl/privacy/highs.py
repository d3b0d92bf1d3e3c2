"""A thin HiGHS wrapper: one LP over a fixed polytope, re-solved with changing objectives."""

from __future__ import annotations

import ctypes
import math
import os
import sys
import threading
from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp

from etl.errors import DisclosureError

_STATUS = highspy.HighsModelStatus
# Accepted residual of a returned point: absolute, plus a little for rows with large sums.
_FEASIBILITY = 1e-6
_RELATIVE_FEASIBILITY = 1e-9


@dataclass(frozen=True)
class Optimum:
    """Outcome of one solve: objective value and the point, if any.

    The value is +inf when the LP is unbounded and -inf when it is infeasible.
    """

    value: float
    point: np.ndarray | None


class _Banner:
    """Whether this process's HiGHS library has printed its banner yet.

    Not a cache of ours: it mirrors state the C++ library keeps once per process (it prints
    its banner on the first construction only), so it lives at module level like the library.
    """

    lock = threading.Lock()
    silenced = False


def _silence_banner() -> None:
    """Construct the first Highs with file descriptor 1 pointed at /dev/null.

    HiGHS (1.16 and later) prints its licence banner from C++ on the first construction in a
    process, before any option can be set; on stdout it would corrupt the CSV and JSON that
    `protect` and `audit` write there. It prints only once, so one silenced construction
    keeps every later one quiet.
    """
    with _Banner.lock:
        if not _Banner.silenced:
            _construct_silently()
            _Banner.silenced = True


def _construct_silently() -> None:
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 1)
            highspy.Highs()
            ctypes.CDLL(None).fflush(None)  # C stdio may still buffer the banner
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def new_highs() -> highspy.Highs:
    """A Highs instance that writes nothing to stdout."""
    _silence_banner()
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    return highs


def _configured_highs() -> highspy.Highs:
    highs = new_highs()
    highs.setOptionValue("threads", 1)
    # The models are small or re-solved from a basis: presolve costs more than it saves.
    highs.setOptionValue("presolve", "off")
    return highs


class SolverSlot:
    """One Highs instance for LPs that are built and solved one after another.

    Constructing a Highs costs a fair part of solving a small LP, and the repair solves
    thousands of them in a row; a `LinearProgram` built on a slot replaces the slot's model,
    so only the latest one may be used. A copy (pickled for a worker) starts empty: a Highs
    cannot cross processes.
    """

    def __init__(self) -> None:
        self._highs: highspy.Highs | None = None

    def highs(self) -> highspy.Highs:
        """The slot's Highs, created on first use."""
        if self._highs is None:
            self._highs = _configured_highs()
        return self._highs

    def __getstate__(self) -> dict:
        return {}

    def __setstate__(self, state: dict) -> None:
        self._highs = None


def _is_float_compressed(matrix: sp.spmatrix) -> bool:
    return sp.issparse(matrix) and matrix.format in ("csr", "csc") and matrix.dtype == np.float64


class LinearProgram:
    """{x : A x = b, lower <= x <= upper} in one Highs instance; only costs change later.

    HiGHS hot-starts from the previous basis when only the objective changes; every point
    it returns is checked against the constraints before anyone relies on it.
    """

    def __init__(
        self,
        matrix: sp.spmatrix,
        rhs: np.ndarray,
        lower: np.ndarray,
        upper: np.ndarray,
        slot: SolverSlot | None = None,
    ) -> None:
        # CSC is passed by column as it is (no conversion); anything else becomes CSR.
        self.matrix = (
            matrix if _is_float_compressed(matrix) else sp.csr_matrix(matrix, dtype=np.float64)
        )
        self.rhs = np.asarray(rhs, dtype=np.float64)
        self.lower = np.asarray(lower, dtype=np.float64)
        self.upper = np.asarray(upper, dtype=np.float64)
        self.n_cols = self.matrix.shape[1]
        self._highs = _configured_highs() if slot is None else slot.highs()
        self._pass_model()
        self._all = np.arange(self.n_cols, dtype=np.int32)

    def _pass_model(self) -> None:
        """Hand the arrays to HiGHS directly (a HighsLp object copies each one twice)."""
        n_rows = self.matrix.shape[0]
        self._highs.passModel(
            self.n_cols,
            n_rows,
            self.matrix.nnz,
            int(
                highspy.MatrixFormat.kColwise
                if self.matrix.format == "csc"
                else highspy.MatrixFormat.kRowwise
            ),
            int(highspy.ObjSense.kMaximize),
            0.0,
            np.zeros(self.n_cols),
            self.lower,
            self.upper,
            self.rhs,
            self.rhs,
            self.matrix.indptr.astype(np.int32),
            self.matrix.indices.astype(np.int32),
            self.matrix.data,
            np.zeros(self.n_cols, dtype=np.int32),  # all columns continuous
        )

    def maximise(self, cost: np.ndarray) -> Optimum:
        """Maximise cost @ x; retries from scratch when a hot start returns a bad point."""
        self._highs.changeColsCost(self.n_cols, self._all, np.asarray(cost, dtype=np.float64))
        optimum = self._solve(cost)
        if optimum is None:
            self._highs.clearSolver()
            optimum = self._solve(cost)
        if optimum is None:
            raise DisclosureError(
                "Der LP-Löser HiGHS lieferte keine gültige Lösung; nichts wird veröffentlicht."
            )
        return optimum

    def _solve(self, cost: np.ndarray) -> Optimum | None:
        self._highs.run()
        status = self._highs.getModelStatus()
        if status == _STATUS.kInfeasible:
            return Optimum(-math.inf, None)
        if status in (_STATUS.kUnbounded, _STATUS.kUnboundedOrInfeasible):
            # only ever asked of polytopes known to hold a point (the true table)
            return Optimum(math.inf, None)
        if status != _STATUS.kOptimal:
            return None
        point = np.asarray(self._highs.getSolution().col_value, dtype=np.float64)
        if not self.feasible(point):
            return None
        return Optimum(float(cost @ point), point)

    def feasible(self, point: np.ndarray) -> bool:
        """Whether the point satisfies all constraints within the feasibility tolerance."""
        residual = np.abs(self.matrix @ point - self.rhs)
        if np.any(residual > _FEASIBILITY + _RELATIVE_FEASIBILITY * np.abs(self.rhs)):
            return False
        return bool(
            np.all(point >= self.lower - _FEASIBILITY)
            and np.all(point <= self.upper + _FEASIBILITY)
        )

    def set_bounds(self, columns: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
        """New bounds for some columns; the next solve starts from the current basis."""
        columns = np.asarray(columns, dtype=np.int32)
        self.lower[columns], self.upper[columns] = lower, upper
        self._highs.changeColsBounds(
            len(columns), columns, self.lower[columns], self.upper[columns]
        )
