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

import pandas as pd
import pytest

from tests.attacks.lp import Inequality, intervals_with, oracle_breaches, true_inequalities
from tests.attacks.public_view import PublicView

pytestmark = pytest.mark.slow
SIZES = (1, 2, 3, 4, 5)


def persons_inequalities(view: PublicView) -> list[Inequality]:
    """sum(s * h_s) - population <= 0 per area and year with all six household cells."""
    households = view.cells[view.cells["table"] == "households"]
    found = []
    for area, year in households[["area", "year"]].drop_duplicates().itertuples(index=False):
        sizes = [(f"households|{area}|{year}|{s}", float(s)) for s in SIZES]
        total = (f"population|{area}|{year}|total|0||total", -1.0)
        found.append((f"hh-persons|{area}|{year}", [*sizes, total]))
    return found


def test_household_sizes_against_population_narrow_no_suppressed_cell(
    base_view: PublicView, base_truth: pd.Series
) -> None:
    inequalities = persons_inequalities(base_view)
    relations, dropped = true_inequalities(base_view, base_truth, inequalities)
    assert relations["relation"].nunique() >= 50, "too few areas to make the attack count"
    with_persons, intervals = intervals_with(base_view, relations)
    households = intervals[intervals["cell"].str.startswith("households|")]
    assert len(households) > 0, "no suppressed household cell: the attack tests nothing"
    breaches = oracle_breaches(with_persons, intervals, base_truth)
    assert breaches.empty, (
        f"{len(breaches)} Zelle(n) durch Haushalte x Größe gegen die Bevölkerung eingegrenzt "
        f"({dropped} Gebiet-Jahre ohne gültige Beziehung übersprungen):\n{breaches.head(20)}"
    )
