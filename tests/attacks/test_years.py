"""Attack 7: one year against the next, as an exact balance identity.

pop(t) = pop(t-1) + births - deaths + moves in - moves out would tie two years and the event
table together. It is no identity of what is published: the stocks count main residences
(Bevölkerung am Ort der Hauptwohnung), the events count every registered person's births,
deaths and moves, and a change between main and secondary residence or a register
correction is no event. The attacker model therefore holds no such relation; this attack
shows from the public side that the attacker cannot use it as one (attack 5 in
test_consistency.py tries it with a measured slack instead).
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from tests.attacks.lp import attacker_intervals
from tests.attacks.public_view import KNOWN, PublicView, total_rows
from tests.attacks.test_consistency import EVENT_SIGNS

pytestmark = pytest.mark.slow


def exact_balance(view: PublicView) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The identity per Gemeinde and year as relations, and the residual where all six
    numbers are published (area, year, residual)."""
    cells = view.cells
    totals = total_rows(cells).set_index(["area", "year"])["cell"]
    events = cells[cells["table"] == "events"].set_index(["area", "year", "event"])["cell"]
    known = cells.set_index("cell")
    rows, measured = [], []
    for area, year in totals.index:
        if len(area) != 8 or not area.isdigit() or (area, year - 1) not in totals.index:
            continue
        terms = [(totals[(area, year)], 1.0), (totals[(area, year - 1)], -1.0)]
        terms += [(events[(area, year, e)], sign) for e, sign in EVENT_SIGNS.items()]
        rows += [(f"balance|{area}|{year}", cell, sign) for cell, sign in terms]
        values = known.loc[[c for c, _ in terms]]
        if values["status"].isin(KNOWN).all():
            residual = sum(values.loc[c, "value"] * sign for c, sign in terms)
            measured.append((area, year, residual))
    return (
        pd.DataFrame(rows, columns=["relation", "variable", "coefficient"]),
        pd.DataFrame(measured, columns=["area", "year", "residual"]),
    )


def test_one_year_against_the_next_is_no_identity_of_the_published_figures(
    base_view: PublicView,
) -> None:
    """The attacker adds pop(t) - pop(t-1) = births - deaths + moves in - moves out.

    What the attacker does: the identity for every Gemeinde and pair of published years,
    first checked where all six numbers are published, then added to all other public
    relations as an exact relation and the LP solved.

    Breach: the identity holds on every fully published Gemeinde-year and the LP with it is
    feasible: then it would be a relation the attacker may use, and it would have to be in
    the attacker model (protection and audits). Found instead: published figures contradict
    it, so an attacker who assumes it gets an infeasible system, i.e. learns nothing.
    """
    balance, measured = exact_balance(base_view)
    assert len(measured) >= 5, "zu wenige voll veröffentlichte Gemeinde-Jahre"
    off = measured[measured["residual"] != 0]
    assert len(off) > 0, (
        "Die Bilanz gilt in allen voll veröffentlichten Gemeinde-Jahren exakt; sie gehört dann "
        "ins Angreifermodell (etl/transform/attacker_model.py)."
    )
    relations = pd.concat([base_view.relations, balance], ignore_index=True)
    with pytest.raises(AssertionError, match="attacker LP infeasible"):
        attacker_intervals(dataclasses.replace(base_view, relations=relations))
