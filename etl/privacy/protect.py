"""Primary and secondary suppression of a table of cells and relations.

1. Primary: cells with 1 <= n < k and the cells the input forces primary (never zeros).
2. Repair: the attacker's LP (`intervals`) finds the cells that are still too narrow;
   for each, the cheapest perturbation LP (`perturb`) names the cells to suppress so that
   it can move far enough. Repeat until the attacker's LP certifies every cell. Starting
   from the primaries alone, each perturbation reuses the cells suppressed before it
   almost for free, so the secondaries of neighbouring primaries coincide (a relation-
   by-relation greedy pass in front of it cost about a quarter more secondaries on the
   benchmark table and 30-50 % more on the samples, see benchmarks/RESULTS.md).
3. Prune: in small components, publish secondaries that are not needed after all
   (`prune`), each step confirmed by the exact interval check.
4. Clean-up: publish further secondaries, largest first, while every requirement keeps
   a witness table (`release`, bounded by `release_solves`); the smaller pattern is
   kept only when the attacker's LPs confirm it.

All relations are considered jointly in step 2; the result is deterministic.
"""

from __future__ import annotations

import functools
import logging

import numpy as np
import pandas as pd

from etl.errors import DisclosureError
from etl.privacy.highs import SolverSlot
from etl.privacy.intervals import Failure, interval_failures
from etl.privacy.perturb import RelationGraph, perturbation_search
from etl.privacy.prune import prune_secondaries
from etl.privacy.release import release_secondaries, untouched
from etl.privacy.rules import TOLERANCE, interval_targets, primary_mask
from etl.privacy.speculation import Step, repair_round
from etl.privacy.table import Table, parse_table
from etl.privacy.workers import LpPool, lp_pool
from etl.symbols import PRIMARY, PUBLISHED, SECONDARY, ZERO

logger = logging.getLogger(__name__)

ATTACKER_LOWER_BOUND = 1  # suppressed cells are known to be >= 1: zeros are published
_MAX_REPAIR_ROUNDS = 50
# Witness LPs the clean-up (`release`) may spend: enough for tables of about 1 000
# Gemeinden (about 8 000 at 400), skipped on larger ones, where it would cost minutes.
RELEASE_SOLVES = 20_000


def _shift(failure: Failure, value: int) -> float:
    """The move that would fix a failure: up to the upper target, down, or by one."""
    if "upper" in failure.reasons:
        return failure.required_upper - value
    if "lower" in failure.reasons:
        return failure.required_lower - value
    return 1.0


def _still_failing(failure: Failure, reach: tuple[np.ndarray, np.ndarray]) -> bool:
    """Whether the failure still stands against every table found so far.

    The audit's points and this round's perturbations are all possible tables under the
    grown suppression, so together they bound what the attacker can reach.
    """
    high = max(reach[0][failure.cell], failure.upper)
    low = min(reach[1][failure.cell], failure.lower)
    if "upper" in failure.reasons and high < failure.required_upper - TOLERANCE:
        return True
    if "lower" in failure.reasons and low > failure.required_lower + TOLERANCE:
        return True
    return "exact" in failure.reasons and high - low < 1.0 - TOLERANCE


def _movable_values(table: Table) -> np.ndarray:
    """Values as the suppression steps see them: known cells count as zeros, never chosen.

    Greedy and perturbation never suppress or move a zero; a cell the attacker knows anyway
    (`known`) must be treated the same way, so it is passed to them as 0. The interval LPs
    still get the true values.
    """
    return np.where(table.fixed, 0, table.values)


def _step(
    graph: RelationGraph,
    movable: np.ndarray,
    values: np.ndarray,
    lower_bound: float,
    slot: SolverSlot,
    suppressed: np.ndarray,
    failure: Failure,
) -> Step:
    """The perturbation that fixes one failure under the given suppression (None: none)."""
    shift = _shift(failure, int(values[failure.cell]))
    perturbation, consulted = perturbation_search(
        graph, movable, suppressed, (failure.cell, shift), lower_bound, slot
    )
    if perturbation is None and failure.reasons == ("exact",):
        # Only "not exact" is required: a cell that cannot move up (known cells pin
        # its relations) may still move down.
        perturbation, more = perturbation_search(
            graph, movable, suppressed, (failure.cell, -shift), lower_bound, slot
        )
        consulted = np.concatenate([consulted, more])
    return Step(perturbation, consulted)


def _impossible(ids: np.ndarray, failure: Failure) -> DisclosureError:
    return DisclosureError(
        f"Zelle {ids[failure.cell]!r} lässt sich nicht "
        "schützen: keine Unterdrückung erreicht ihr Intervall."
    )


def _repair_round(
    table: Table,
    graph: RelationGraph,
    suppressed: np.ndarray,
    failures: list[Failure],
    lower_bound: float,
    pool: LpPool | None = None,
) -> int:
    """Suppress the cells of one perturbation per failure; returns how many were added.

    Each perturbation is a table the attacker cannot exclude once its cells are suppressed,
    so it also counts as evidence for later failures of the same round. With a pool, later
    failures are computed ahead in the workers (`speculation`); the result is the same.
    """
    # One Highs for the round's perturbation LPs (a worker's copy of `step` makes its own).
    slot = SolverSlot()
    step = functools.partial(_step, graph, _movable_values(table), table.values, lower_bound, slot)
    functions = (step, _still_failing, functools.partial(_impossible, table.ids))
    outcome = repair_round(failures, suppressed, table.values, functions, pool)
    logger.debug(
        "repair round: %d cells added; worker steps: %d taken, %d recomputed",
        outcome.added,
        outcome.taken,
        outcome.recomputed,
    )
    return outcome.added


def _repair(
    table: Table,
    suppressed: np.ndarray,
    targets: tuple[np.ndarray, np.ndarray],
    lower_bound: float,
    pool: LpPool | None = None,
) -> np.ndarray:
    """Audit with the attacker LP and add cheapest perturbations until nothing fails.

    Rounds use the cheap unconfirmed audit; when a round adds nothing, the suspicions are
    confirmed by exact LPs before giving up.
    """
    graph = RelationGraph.of(table.matrix)
    lower_bounds = np.where(table.values > 0, float(lower_bound), 0.0)
    suppressed = suppressed.copy()
    settled = np.zeros(len(suppressed), dtype=bool)  # certified once, certified for good
    for round_number in range(_MAX_REPAIR_ROUNDS):
        failures = interval_failures(
            table.matrix,
            table.values,
            suppressed,
            targets,
            lower_bounds,
            confirm=False,
            settled=settled,
            pool=pool,
        )
        logger.debug("repair round %d: %d suspicious cells", round_number, len(failures))
        if not failures:
            return suppressed
        settled = suppressed.copy()
        settled[[failure.cell for failure in failures]] = False
        if _repair_round(table, graph, suppressed, failures, lower_bound, pool) > 0:
            continue
        confirmed = interval_failures(
            table.matrix,
            table.values,
            suppressed,
            targets,
            lower_bounds,
            settled=settled,
            pool=pool,
        )
        if not confirmed:
            return suppressed
        raise DisclosureError(
            "Sekundärunterdrückung kommt nicht voran: das Audit findet "
            f"{len(confirmed)} unsichere Zellen, die Reparatur keine "
            "weitere Unterdrückung."
        )
    raise DisclosureError(f"Sekundärunterdrückung nach {_MAX_REPAIR_ROUNDS} Runden nicht sicher.")


def suppression_pattern(
    table: Table,
    *,
    min_count: int,
    protection: float,
    lower_bound: float = ATTACKER_LOWER_BOUND,
    pool: LpPool | None = None,
    release_solves: int = RELEASE_SOLVES,
    start: np.ndarray | None = None,
) -> np.ndarray:
    """Status per cell (published, zero, primary, secondary) of a safe pattern.

    `lower_bound` is the attacker's a-priori bound of a suppressed cell; only benchmarks
    lower it to 0, to compare with tools (τ-Argus) whose attacker model has no such bound.
    Cells the attacker knows already (`table.fixed`) are never primary nor suppressed.
    `pool` (`workers.lp_pool`) runs independent LPs in other processes; same result.
    `release_solves` bounds the clean-up that publishes unneeded secondaries (0: none).
    `start` (bool per cell) is a pattern to begin from instead of the primaries alone, such
    as another tool's (benchmarks: τ-Argus's pattern made safe); the repair adds to it,
    prune and clean-up may publish its cells again. Zero and known cells in it are ignored:
    zeros are always published.
    """
    primary = primary_mask(table.values, table.forced, min_count) & ~table.fixed
    targets = interval_targets(table.values, primary, protection, lower_bound)
    first = primary
    if start is not None:
        first = primary | (start & (table.values > 0) & ~table.fixed)
    suppressed = _repair(table, first, targets, lower_bound, pool)
    lower_bounds = np.where(table.values > 0, float(lower_bound), 0.0)
    suppressed = prune_secondaries(
        RelationGraph.of(table.matrix), table.values, suppressed, primary, targets, lower_bounds
    )
    if release_solves:
        suppressed = _released(
            table, suppressed, primary, targets, lower_bound, release_solves, pool
        )
    status = np.full(table.n_cells, PUBLISHED, dtype=object)
    status[table.values == 0] = ZERO
    status[suppressed] = SECONDARY
    status[primary] = PRIMARY
    return status


def _released(
    table: Table,
    suppressed: np.ndarray,
    primary: np.ndarray,
    targets: tuple[np.ndarray, np.ndarray],
    lower_bound: float,
    max_solves: int,
    pool: LpPool | None = None,
) -> np.ndarray:
    """`release_secondaries`, kept only when the attacker's LPs confirm the smaller pattern."""
    lower_bounds = np.where(table.values > 0, float(lower_bound), 0.0)
    graph = RelationGraph.of(table.matrix)
    released = release_secondaries(
        graph,
        table.values,
        suppressed,
        primary,
        targets,
        lower_bounds,
        lower_bound=lower_bound,
        max_solves=max_solves,
    )
    if np.array_equal(released, suppressed):
        return suppressed
    # only the components that lost a cell can have changed
    settled = untouched(graph, table.values, suppressed, released)
    failures = interval_failures(
        table.matrix, table.values, released, targets, lower_bounds, settled=settled, pool=pool
    )
    if failures:
        logger.warning("clean-up of the secondaries failed the attacker's LPs; not used")
        return suppressed
    return released


def protect(
    cells: pd.DataFrame,
    relations: pd.DataFrame,
    *,
    min_count: int = 3,
    protection: float = 0.3,
    workers: int = 1,
    release_solves: int = RELEASE_SOLVES,
) -> pd.DataFrame:
    """Suppress primary cells (1 <= n < k and forced) and enough others to protect them.

    `cells` has `cell`, `value` and optionally `primary` (0/1: force primary) and `known`
    (0/1: the attacker knows the value already, say from an earlier release of the same
    reference date; such a cell is never suppressed and never primary).

    Returns one row per input cell in input order with columns `cell`, `value` (pandas
    Int64, <NA> when suppressed) and `status`. The pattern passes `audit`: every primary
    cell's attacker interval reaches x + d(x) and max(1, x - d(x)), and no suppressed cell
    can be derived exactly. Deterministic for the same input, whatever `workers` (the
    number of processes solving LPs; `Settings.privacy_workers`) is. `release_solves`
    bounds the witness LPs of the final clean-up (`release`), 0 switches it off.
    """
    table = parse_table(cells, relations)
    with lp_pool(workers) as pool:
        status = suppression_pattern(
            table,
            min_count=min_count,
            protection=protection,
            pool=pool,
            release_solves=release_solves,
        )
    published = np.isin(status, (PUBLISHED, ZERO))
    value = pd.array(np.where(published, table.values, 0), dtype="Int64")
    value[~published] = pd.NA
    return pd.DataFrame(
        {"cell": table.ids.astype(str), "value": value, "status": status.astype(str)}
    )
