"""Runs disclosure control and the independent audit on a Problem; maps statuses back."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from etl.errors import DisclosureError
from etl.privacy import audit, protect
from etl.symbols import PRIMARY, SECONDARY, STORE_STATUS, SUPPRESSED
from etl.transform import release_union as union
from etl.transform.publication import Problem

FLAGS = ["primary", "known"]  # input columns of the protection problem


@dataclass(frozen=True)
class Protected:
    """Rows with value and status, what the audit found, and the true value of every cell.

    `truth` (cell id -> value) covers unpublished cells too (grid rests, regions of earlier
    releases); the public-side audit needs it to check what the store serves.
    """

    rows: pd.DataFrame
    cells: int
    primary: int
    secondary: int
    audited: int
    suppressed_persons: int  # restricted: the sum of true values behind the suppressed cells
    largest_suppressed: int  # restricted: the largest of them
    shown: int  # cells the release shows (what a visitor can count)
    shown_suppressed: int  # of them suppressed
    truth: pd.Series


def with_priors(problem: Problem, table: str, priors: list[union.PublicYear]) -> Problem:
    """The union with earlier readable releases: their shown cells known, their relations kept.

    Every cell an earlier release lists must be among the problem's rows (the caller
    computes regions of earlier releases as unpublished rows, and withdraws releases whose
    cells changed, see `release_union.conflicts`).
    """
    if not priors:
        return problem
    listed = union.all_cells(table, priors)
    unknown = sorted(set(listed) - set(problem.rows["cell"]))
    if unknown:
        raise DisclosureError(
            f"{table}: {len(unknown)} Zelle(n) früherer Veröffentlichungen fehlen in der neuen "
            f"Berechnung, z. B. {unknown[:3]}; diese Veröffentlichungen zurückziehen."
        )
    shown = set(union.shown_cells(table, priors)["cell"])
    rows = problem.rows.assign(
        known=(problem.rows["known"].astype(bool) | problem.rows["cell"].isin(shown)).astype(int)
    )
    relations = union.union_relations(
        [problem.relations, *union.prior_relations(table, priors)],
        ["neu", *[p.release_id for p in priors if table in p.tables]],
    )
    return Problem(rows[["cell", "value"]], relations, rows)


def protect_and_audit(
    problem: Problem, name: str, min_count: int, protection: float, workers: int = 1
) -> Protected:
    """Suppress, audit independently, and refuse (DisclosureError) if anything is unsafe.

    `workers` processes solve the LPs (`Settings.lp_workers`); the result does not depend on it.
    """
    cells = problem.rows[["cell", "value", *FLAGS]].copy()
    cells[FLAGS] = cells[FLAGS].fillna(0).astype(int)
    result = protect(
        cells, problem.relations, min_count=min_count, protection=protection, workers=workers
    )
    report = audit(
        cells,
        problem.relations,
        result,
        protection=protection,
        min_count=min_count,
        workers=workers,
    )
    if not report.safe:
        first = report.unsafe.iloc[0].to_dict()
        raise DisclosureError(
            f"Audit der Tabelle {name}: {len(report.unsafe)} unsichere Zelle(n), z. B. {first}. "
            "Nichts wurde veröffentlicht."
        )
    statuses = result.set_index("cell")["status"]
    rows = problem.rows.assign(status=problem.rows["cell"].map(statuses).map(STORE_STATUS))
    truth = pd.Series(rows["value"].astype("int64").to_numpy(), index=rows["cell"].to_numpy())
    rows["value"] = rows["value"].astype("Int64").mask(rows["status"] == SUPPRESSED)
    shown = rows[rows["publish"].astype(bool)]
    hidden_values = truth[shown["cell"].to_numpy()][(shown["status"] == SUPPRESSED).to_numpy()]
    counts = result["status"].value_counts()
    return Protected(
        rows=shown.drop(columns=["publish", *FLAGS, "cell"]),
        cells=len(result),
        primary=int(counts.get(PRIMARY, 0)),
        secondary=int(counts.get(SECONDARY, 0)),
        audited=report.checked,
        suppressed_persons=int(hidden_values.sum()),
        largest_suppressed=int(hidden_values.max()) if len(hidden_values) else 0,
        shown=len(shown),
        shown_suppressed=len(hidden_values),
        truth=truth,
    )
