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


class LinearProgram:
    """{x : A x = b, lower <= x <= upper} in one Highs instance; only costs change later.

    HiGHS hot-starts from the previous basis when only the objective changes; every point
    it returns is checked against the constraints before anyone relies on it.
    """

    def __init__(
        self, matrix: sp.csr_matrix, rhs: np.ndarray, lower: np.ndarray, upper: np.ndarray
    ) -> None:
        self.matrix = sp.csr_matrix(matrix, dtype=np.float64)
        self.rhs, self.lower, self.upper = rhs, lower, upper
        self.n_cols = self.matrix.shape[1]
        self._highs = new_highs()
        self._highs.setOptionValue("threads", 1)
        # The models are small or re-solved from a basis: presolve costs more than it saves.
        self._highs.setOptionValue("presolve", "off")
        self._highs.passModel(self._build_lp())
        self._all = np.arange(self.n_cols, dtype=np.int32)

    def _build_lp(self) -> highspy.HighsLp:
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = self.n_cols, self.matrix.shape[0]
        lp.col_cost_ = np.zeros(self.n_cols)
        lp.col_lower_ = np.asarray(self.lower, dtype=np.float64)
        lp.col_upper_ = np.asarray(self.upper, dtype=np.float64)
        lp.row_lower_ = np.asarray(self.rhs, dtype=np.float64)
        lp.row_upper_ = np.asarray(self.rhs, dtype=np.float64)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = self.matrix.indptr.astype(np.int32)
        lp.a_matrix_.index_ = self.matrix.indices.astype(np.int32)
        lp.a_matrix_.value_ = self.matrix.data
        lp.sense_ = highspy.ObjSense.kMaximize
        return lp

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
