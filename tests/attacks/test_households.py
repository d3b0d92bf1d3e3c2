"""Attack 13: households by size against the population.

Every resident lives in one household, and a household of size "5 and more" holds at least 5
persons, so h1 + 2 h2 + 3 h3 + 4 h4 + 5 h5 <= the area's population. The gap is the number of
persons beyond the fifth in larger households, and in small Gemeinden it is often 0. Before
the attacker model knew this inequality, a red-team pass used it to make suppressed household
cells of four sample Gemeinden exact: in 03902003, size 4 was 10 and size 5 was 1 (2022).

What the attacker does: for every area and year with a published population total and all
six household cells, add population = sum(s * h_s) + slack with slack >= 0, then solve the LP.
The oracle keeps only relations that hold in the true data, because a false assumption gives
the attacker nothing. Breach: a primary cell narrowed below its protection interval, or any
suppressed cell made exact.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from tests.attacks.lp import attacker_intervals, oracle_breaches
from tests.attacks.public_view import PublicView

pytestmark = pytest.mark.slow
SIZES = (1, 2, 3, 4, 5)


def persons_relations(view: PublicView, truth: pd.Series) -> tuple[pd.DataFrame, int]:
    """population = sum(s * h_s) + slack per area and year, where true; (relations, dropped)."""
    names = set(view.cells["cell"])
    households = view.cells[view.cells["table"] == "households"]
    rows, dropped = [], 0
    for (area, year), _ in households.groupby(["area", "year"]):
        total = f"population|{area}|{year}|total|0||total"
        sizes = {s: f"households|{area}|{year}|{s}" for s in SIZES}
        if total not in names or not all(cell in names for cell in sizes.values()):
            continue
        slack = truth.get(total, 0) - sum(s * truth.get(cell, 0) for s, cell in sizes.items())
        if slack < 0:  # the register's households do not add up to its population here
            dropped += 1
            continue
        name = f"slack|hh-persons|{area}|{year}"  # an inequality: no sum for the floor
        rows += [(name, total, 1.0), (name, f"share|hh-slack|{area}|{year}", -1.0)]
        rows += [(name, cell, -float(s)) for s, cell in sizes.items()]
    return pd.DataFrame(rows, columns=["relation", "variable", "coefficient"]), dropped


def test_household_sizes_against_population_narrow_no_suppressed_cell(
    base_view: PublicView, base_truth: pd.Series
) -> None:
    relations, dropped = persons_relations(base_view, base_truth)
    assert relations["relation"].nunique() >= 50, "too few areas to make the attack count"
    with_persons = dataclasses.replace(
        base_view, relations=pd.concat([base_view.relations, relations], ignore_index=True)
    )
    intervals = attacker_intervals(with_persons)
    households = intervals[intervals["cell"].str.startswith("households|")]
    assert len(households) > 0, "no suppressed household cell: the attack tests nothing"
    breaches = oracle_breaches(with_persons, intervals, base_truth)
    assert breaches.empty, (
        f"{len(breaches)} Zelle(n) durch Haushalte x Größe gegen die Bevölkerung eingegrenzt "
        f"({dropped} Gebiet-Jahre ohne gültige Beziehung übersprungen):\n{breaches.head(20)}"
    )
