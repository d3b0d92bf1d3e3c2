"""Attack 14: a cohort ages into the next year, and every household has an adult.

The balance of stocks and events is no identity of the published figures (`test_years.py`),
but inequalities of ageing hold whatever the register counts as an event:
- everybody of at least age a at the end of year t-1 who neither died nor moved out is at
  least a+1 a year later: P(t-1)[>= a] <= P(t)[>= a] + deaths(t) + moves out(t);
- everybody of at least age a_k at the end of t was at least a_(k-1) a year before, or moved
  in: P(t)[>= a_k] <= P(t-1)[>= a_(k-1)] + moves in(t);
- every household has an adult: households <= P[>= 18].
These come per Gemeinde, for each sex and each age-group boundary. The oracle keeps only the
inequalities that hold in the true data. A second red-team pass found that they narrow a
few cells (e.g. a 35-39 cell from [2, 122] to [2, 37], truth 3) but none below its
protection. This test keeps it that way.
"""

from __future__ import annotations

import pandas as pd
import pytest

from etl.transform.ages import AGE_GROUPS_17
from tests.attacks.lp import Inequality, intervals_with, oracle_breaches, true_inequalities
from tests.attacks.public_view import PublicView

pytestmark = pytest.mark.slow
SEXES = ("female", "male", "total")
ADULT_GROUP = next(i for i, (lower, _) in enumerate(AGE_GROUPS_17) if lower == 18)


def _group(area: str, year: int, sex: str, index: int) -> str:
    lower, upper = AGE_GROUPS_17[index]
    return f"population|{area}|{year}|{sex}|{lower}|{'' if upper is None else upper}|total"


def _from(area: str, year: int, sex: str, index: int) -> list[str]:
    """The age groups of `index` and older."""
    return [_group(area, year, sex, i) for i in range(index, len(AGE_GROUPS_17))]


def _inequalities(view: PublicView) -> list[Inequality]:
    """Ageing, arrival and adult inequalities per Gemeinde (see the top)."""
    years = sorted(int(y) for y in view.cells["year"].unique())
    areas = sorted({a for a in view.cells["area"] if len(a) == 8 and a.isdigit()})
    found = []
    for area in areas:
        for year in years[1:]:
            events = {e: f"events|{area}|{year}|{e}" for e in ("death", "move_out", "move_in")}
            for sex in SEXES:
                for k in range(1, len(AGE_GROUPS_17)):
                    before = [(c, 1.0) for c in _from(area, year - 1, sex, k)]
                    after = [(c, -1.0) for c in _from(area, year, sex, k)]
                    leaving = [(events["death"], -1.0), (events["move_out"], -1.0)]
                    found.append((f"ageing|{area}|{year}|{sex}|{k}", before + after + leaving))
                    earlier = [(c, -1.0) for c in _from(area, year - 1, sex, k - 1)]
                    arriving = [(events["move_in"], -1.0)]
                    reached = [(c, 1.0) for c, _ in after]
                    found.append((f"arrival|{area}|{year}|{sex}|{k}", reached + earlier + arriving))
        for year in years:
            adults = [(c, -1.0) for c in _from(area, year, "total", ADULT_GROUP)]
            households = [(f"households|{area}|{year}|0", 1.0)]
            found.append((f"adult|{area}|{year}", households + adults))
    return found


def test_ageing_and_adults_narrow_no_suppressed_cell_below_its_protection(
    base_view: PublicView, base_truth: pd.Series, base_intervals: pd.DataFrame
) -> None:
    relations, dropped = true_inequalities(base_view, base_truth, _inequalities(base_view))
    assert relations["relation"].nunique() >= 1000, "too few inequalities to count as an attack"
    with_ageing, intervals = intervals_with(base_view, relations)
    compared = intervals.merge(base_intervals[["cell", "lower", "upper"]], on="cell")
    narrowed = (compared["lower_x"] > compared["lower_y"] + 1e-6) | (
        compared["upper_x"] < compared["upper_y"] - 1e-6
    )
    assert narrowed.any(), "the inequalities narrow nothing: the attack has lost its teeth"
    breaches = oracle_breaches(with_ageing, intervals, base_truth)
    assert breaches.empty, (
        f"{len(breaches)} Zelle(n) durch Alterung und Erwachsene eingegrenzt "
        f"({dropped} Ungleichungen in den wahren Daten falsch, übersprungen):\n{breaches.head(20)}"
    )
