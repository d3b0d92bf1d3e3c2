"""One repair round on two cores with the result of one core.

A repair round visits the failures in order; each one either is skipped (an earlier
perturbation already covers it) or gets a perturbation whose cells are suppressed before
the next failure is looked at. That order is part of the result, so the round cannot
simply be split. It can be computed ahead, though: a step's answer depends on the
suppression only at the cells it consulted (`perturbation_search`). The failures are cut
into consecutive slices; this process works through the first slice as usual while each
worker works through a later slice starting from the suppression at the start of the
round. Walking a later slice afterwards, a precomputed step is taken when the suppression
now equals the worker's on every cell the step consulted (then the step's answer is the
same by construction); otherwise, or when the worker skipped a failure that is still
open, the step is computed here. Failures in a later slice are mostly far from the cells
that earlier slices changed, so most precomputed steps are taken.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from etl.privacy.intervals import Failure
from etl.privacy.perturb import Perturbation
from etl.privacy.workers import LpPool

_MIN_PER_SLICE = 64  # below this, starting workers costs more than the steps


@dataclass(frozen=True)
class RoundOutcome:
    """Cells a round added, and how many worker steps were taken or had to be redone."""

    added: int
    taken: int = 0
    recomputed: int = 0


@dataclass(frozen=True)
class Step:
    """A failure's perturbation (None: impossible) and the cells its search consulted."""

    perturbation: Perturbation | None
    consulted: np.ndarray


Reach = tuple[np.ndarray, np.ndarray]
StepFunction = Callable[[np.ndarray, Failure], Step]
StillFailing = Callable[[Failure, Reach], bool]
Impossible = Callable[[Failure], Exception]


def _apply(perturbation: Perturbation, suppressed: np.ndarray, reach: Reach | None) -> int:
    """Suppress the perturbation's cells and widen the reach; returns how many are new."""
    cells = perturbation.cells
    added = int((~suppressed[cells]).sum())
    suppressed[cells] = True
    if reach is not None:
        reach[0][cells] = np.maximum(reach[0][cells], perturbation.moved_values)
        reach[1][cells] = np.minimum(reach[1][cells], perturbation.moved_values)
    return added


def _initial_reach(values: np.ndarray) -> Reach:
    return values.astype(np.float64), values.astype(np.float64)


def _exact_slice(
    failures: Sequence[Failure],
    suppressed: np.ndarray,
    reach: Reach,
    step: StepFunction,
    still_failing: StillFailing,
    impossible: Impossible,
) -> int:
    """The sequential round over `failures` (suppressed and reach change in place)."""
    added = 0
    for failure in failures:
        if not still_failing(failure, reach):
            continue
        perturbation = step(suppressed, failure).perturbation
        if perturbation is None:
            raise impossible(failure)
        added += _apply(perturbation, suppressed, reach)
    return added


def ahead(
    failures: Sequence[Failure],
    suppressed: np.ndarray,
    values: np.ndarray,
    step: StepFunction,
    still_failing: StillFailing,
) -> list[Step | None]:
    """Worker side: the slice's steps from the given suppression (None: skipped)."""
    suppressed = suppressed.copy()
    reach = _initial_reach(values)
    steps: list[Step | None] = []
    for failure in failures:
        if not still_failing(failure, reach):
            steps.append(None)
            continue
        found = step(suppressed, failure)
        if found.perturbation is not None:  # an impossible step is settled by the caller
            _apply(found.perturbation, suppressed, reach)
        steps.append(found)
    return steps


def _take_slice(
    failures: Sequence[Failure],
    steps: list[Step | None],
    start: np.ndarray,
    state: tuple[np.ndarray, Reach],
    functions: tuple[StepFunction, StillFailing, Impossible],
) -> tuple[int, int, int]:
    """Walk a precomputed slice; returns (cells added, steps taken, steps recomputed)."""
    suppressed, reach = state
    step, still_failing, impossible = functions
    theirs = start.copy()  # the worker's suppression before each of its steps
    added = taken = recomputed = 0
    for failure, precomputed in zip(failures, steps, strict=True):
        usable = precomputed is not None and np.array_equal(
            suppressed[precomputed.consulted], theirs[precomputed.consulted]
        )
        if still_failing(failure, reach):
            if usable and precomputed is not None:
                chosen = precomputed
                taken += 1
            else:
                chosen = step(suppressed, failure)
                recomputed += 1
            if chosen.perturbation is None:
                raise impossible(failure)
            added += _apply(chosen.perturbation, suppressed, reach)
        if precomputed is not None and precomputed.perturbation is not None:
            _apply(precomputed.perturbation, theirs, None)
    return added, taken, recomputed


def repair_round(
    failures: Sequence[Failure],
    suppressed: np.ndarray,
    values: np.ndarray,
    functions: tuple[StepFunction, StillFailing, Impossible],
    pool: LpPool | None,
) -> RoundOutcome:
    """Run one repair round over `failures` (in order); `suppressed` changes in place.

    `functions` are the step, the test whether a failure is still open against the
    reach so far, and the error for a failure no perturbation fixes. The result equals
    the sequential round's for any pool.
    """
    step, still_failing, impossible = functions
    reach = _initial_reach(values)
    slices = 1 if pool is None else min(pool.size, len(failures) // _MIN_PER_SLICE)
    if slices <= 1:
        return RoundOutcome(
            _exact_slice(failures, suppressed, reach, step, still_failing, impossible)
        )
    bounds = np.linspace(0, len(failures), slices + 1).astype(int).tolist()
    later = list(itertools.pairwise(bounds))[1:]
    start = suppressed.copy()
    pending = [
        pool.executor.submit(ahead, failures[low:high], start, values, step, still_failing)
        for low, high in later
    ]
    added = _exact_slice(failures[: bounds[1]], suppressed, reach, step, still_failing, impossible)
    taken = recomputed = 0
    for future, (low, high) in zip(pending, later, strict=True):
        counts = _take_slice(
            failures[low:high], future.result(), start, (suppressed, reach), functions
        )
        added, taken, recomputed = added + counts[0], taken + counts[1], recomputed + counts[2]
    return RoundOutcome(added, taken, recomputed)
