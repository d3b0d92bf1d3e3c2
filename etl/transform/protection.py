"""Runs disclosure control and the independent audit on a Problem; maps statuses back."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from etl.errors import DisclosureError
from etl.privacy import audit, protect
from etl.symbols import PUBLISHED, SUPPRESSED, ZERO
from etl.transform.publication import Problem

STORE_STATUS = {
    "published": PUBLISHED,
    "zero": ZERO,
    "primary": SUPPRESSED,
    "secondary": SUPPRESSED,
}


@dataclass(frozen=True)
class Protected:
    """Rows with value and status, and what the audit found."""

    rows: pd.DataFrame
    cells: int
    primary: int
    secondary: int
    audited: int


def protect_and_audit(problem: Problem, name: str, min_count: int, protection: float) -> Protected:
    """Suppress, audit independently, and refuse (DisclosureError) if anything is unsafe."""
    cells = problem.cells.merge(
        problem.rows[["cell", "primary"]], on="cell", how="left", validate="1:1"
    )
    cells["primary"] = cells["primary"].fillna(0).astype(int)
    result = protect(cells, problem.relations, min_count=min_count, protection=protection)
    report = audit(cells, problem.relations, result, protection=protection, min_count=min_count)
    if not report.safe:
        first = report.unsafe.iloc[0].to_dict()
        raise DisclosureError(
            f"Audit der Tabelle {name}: {len(report.unsafe)} unsichere Zelle(n), z. B. {first}. "
            "Nichts wurde veröffentlicht."
        )
    statuses = result.set_index("cell")["status"]
    rows = problem.rows.assign(status=problem.rows["cell"].map(statuses).map(STORE_STATUS))
    rows["value"] = rows["value"].astype("Int64").mask(rows["status"] == SUPPRESSED)
    counts = result["status"].value_counts()
    return Protected(
        rows=rows[rows["publish"]].drop(columns=["publish", "primary", "cell"]),
        cells=len(result),
        primary=int(counts.get("primary", 0)),
        secondary=int(counts.get("secondary", 0)),
        audited=report.checked,
    )
