"""Attack 1: grid cells and Ortsteile against their Gemeinde, everything public at once."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.attacks.lp import oracle_breaches, public_breaches
from tests.attacks.public_view import PublicView, total_rows

pytestmark = pytest.mark.slow


def _summary(breaches: pd.DataFrame, limit: int = 8) -> str:
    areas = breaches["cell"].str.split("|").str[1]
    levels = areas.map(lambda k: "grid1km" if k.startswith("1km") else f"{len(k)}-stellig")
    return (
        f"{len(breaches)} Zellen, nach Ebene {levels.value_counts().to_dict()}; z. B.\n"
        + breaches.head(limit).to_string()
    )


def test_suppressed_cells_keep_their_protection_interval_against_everything_public(
    base_view: PublicView, base_intervals: pd.DataFrame, base_truth: pd.Series
) -> None:
    """The attacker sums the published 1 km cells (and Ortsteile) inside each Gemeinde.

    What the attacker does: reads every level from /api/v1/areas, every cell of every area,
    and the served GeoJSON; a cell overlapping a Gemeinde (or Ortsteil) is split into unknown
    shares, and each Gemeinde's published total equals the sum of its shares; together with
    the sex/age/nationality margins, Kreis/Land/region sums and every other relation, the
    LP gives min and max of every suppressed cell.

    Breach (public side, no truth needed): a suppressed cell whose interval is narrower than
    1, or contains no value the protection rule could have protected. Breach (oracle side,
    true values from the extracts): a primary cell x whose interval does not reach x + d and
    max(1, x - d) (clipped at the a-priori floor), d = max(1, ceil(p x)).
    """
    public = public_breaches(base_intervals, base_view.min_count, base_view.protection)
    oracle = oracle_breaches(base_view, base_intervals, base_truth)
    wrong = oracle[oracle["reason"].str.contains("Relation falsch")]
    assert wrong.empty, f"the attacker's relations contradict the truth:\n{wrong.head()}"
    found = len(public) + len(oracle)
    assert found == 0, f"öffentlich: {_summary(public)}\nmit wahren Werten: {_summary(oracle)}"


def test_gemeinde_total_minus_its_published_grid_cells(
    base_view: PublicView, base_truth: pd.Series
) -> None:
    """No LP needed: a Gemeinde's total minus its published grid cells.

    What the attacker does: for each Gemeinde and year, subtracts the published 1 km cells
    lying entirely inside it from its published total; when exactly one suppressed cell lies
    inside (and no cell straddles the border), the remainder is that cell.

    Breach: any suppressed grid cell recovered this way (reported with the true value).
    """
    cells = base_view.cells
    totals = total_rows(cells).set_index(["area", "year"])
    inside = base_view.grid_inside  # grid cell -> the single Gemeinde it lies in
    grid = totals.reset_index()
    grid = grid[grid["area"].isin(inside)]
    grid = grid.assign(gemeinde=grid["area"].map(inside))
    assert len(grid), "keine Rasterzelle einer Gemeinde zugeordnet: der Angriff prüfte nichts"
    recovered = []
    for (gemeinde, year), group in grid.groupby(["gemeinde", "year"]):
        if base_view.straddled.get(gemeinde, False) or (gemeinde, year) not in totals.index:
            continue
        whole = totals.loc[(gemeinde, year)]
        hidden = group[group["status"] == "suppressed"]
        if whole["status"] not in ("published", "zero") or len(hidden) != 1:
            continue
        rest = group.loc[group["status"] != "suppressed", "value"].sum()
        cell = hidden["cell"].iloc[0]
        recovered.append((cell, gemeinde, whole["value"] - rest, base_truth.get(cell, 0.0)))
    frame = pd.DataFrame(recovered, columns=["cell", "gemeinde", "recovered", "true"])
    assert len(frame) == 0, f"{len(frame)} Rasterzellen exakt ermittelt:\n{frame.head(10)}"
