"""Attack 4: derived figures (natural balance, indicators, custom regions) from published cells."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest

from tests.attacks.conftest import Public
from tests.attacks.public_view import PublicView, get_json

pytestmark = pytest.mark.slow
MAX_MEMBERS = 8  # larger regions minus one member add run time, not new cases
NUMBER = re.compile(r"[+\-−]?\d[\d,]*")
EVENT_INDICATORS = {
    "births_per_1000": (("birth", 1),),
    "deaths_per_1000": (("death", 1),),
    "net_migration_per_1000": (("move_in", 1), ("move_out", -1)),
}


def _truth(truth: pd.Series, cell: str) -> float:
    return float(truth.get(cell, 0.0))


def _event(area: str, year: int, event: str) -> str:
    return f"events|{area}|{year}|{event}"


def _total(area: str, year: int) -> str:
    return f"population|{area}|{year}|total|0||total"


def _gemeinden(view: PublicView) -> list[str]:
    areas = view.cells["area"].drop_duplicates()
    return sorted(a for a in areas if len(a) == 8 and a.isdigit())


def test_natural_balance_is_a_bound_where_births_or_deaths_are_suppressed(
    base_public: Public, base_view: PublicView, base_truth: pd.Series
) -> None:
    """The attacker reads the natural balance on each Gemeinde's profile page.

    What the attacker does: opens the Gebiet page (its callback, as the browser calls it)
    for every Gemeinde and reads the bar "Natürlicher Saldo" of each year.

    Breach: in a year where births or deaths are suppressed, the page shows a single number
    (for instance births taken as 0) instead of a bound. With error bars, the true balance
    must lie inside them.
    """
    from dashboard.pages.gebiet import update_profile
    from dashboard.services import get_service

    events = base_view.cells[base_view.cells["table"] == "events"]
    hidden = events[events["event"].isin(["birth", "death"]) & (events["status"] == "suppressed")]
    release = base_view.releases[-1]
    shown = []
    with base_public.app.server.test_request_context("/"):
        get_service()
        for area, group in hidden[hidden["area"].isin(_gemeinden(base_view))].groupby("area"):
            years = sorted(group["year"].unique())
            outputs = update_profile(area, int(years[-1]), "none", {"release": release})
            figure = next(o for o in outputs if _has_trace(o, "Natürlicher Saldo"))
            trace = next(t for t in figure.data if t.name == "Natürlicher Saldo")
            for year in years:
                true = _truth(base_truth, _event(area, year, "birth")) - _truth(
                    base_truth, _event(area, year, "death")
                )
                y = _y_at(trace, year)
                if y is not None and not _interval_holds(trace, year, true):
                    shown.append((area, int(year), y, true, "Zahl statt Schranke"))
                elif y is None and not _hover_bound_holds(trace, year, true):
                    shown.append((area, int(year), None, true, "Schranke verfehlt/exakt"))
    frame = pd.DataFrame(shown, columns=["area", "year", "shown", "true", "why"])
    assert len(frame) == 0, f"{len(frame)} Saldi als Zahl statt Schranke:\n{frame.head(10)}"


def _has_trace(output: object, name: str) -> bool:
    return any(getattr(t, "name", None) == name for t in getattr(output, "data", ()))


def _y_at(trace, year: int) -> float | None:
    for x, y in zip(trace.x, trace.y, strict=True):
        if int(x) == int(year):
            return None if y is None or (isinstance(y, float) and math.isnan(y)) else float(y)
    return None


def _hover_bound_holds(trace, year: int, true: float) -> bool:
    """A hover 'a … b' (or '≥ a', '≤ b') must contain the truth and not be exact."""
    texts = trace.hovertext
    if texts is None or isinstance(texts, str):
        return True  # no bound shown: nothing revealed
    text = str(texts[[int(x) for x in trace.x].index(int(year))])
    numbers = [float(n.replace(",", "").replace("−", "-")) for n in NUMBER.findall(text)]
    lower = numbers[0] if numbers and "≤" not in text else -math.inf
    upper = numbers[-1] if numbers and "≥" not in text else math.inf
    if "…" not in text and len(numbers) == 1 and not {"≤", "≥"} & set(text):
        return False  # a single number where the bar is left out
    return upper - lower >= 1 and lower - 1e-9 <= true <= upper + 1e-9


def _interval_holds(trace, year: int, true: float) -> bool:
    """With error bars [y - minus, y + plus] at least 1 wide that contain the truth."""
    error = trace.error_y
    if error is None or error.array is None:
        return False
    position = [int(x) for x in trace.x].index(int(year))
    y = float(trace.y[position])
    plus = float(error.array[position])
    minus = float((error.arrayminus if error.arrayminus is not None else error.array)[position])
    return plus + minus >= 1 and y - minus - 1e-9 <= true <= y + plus + 1e-9


def test_event_indicators_with_a_suppressed_part_are_bounds_around_the_truth(
    base_public: Public, base_view: PublicView, base_truth: pd.Series
) -> None:
    """The attacker reads births, deaths and net migration per 1,000 from /api/v1/indicators.

    Breach: a number (status published) although one of its event cells is suppressed, a
    published number other than the true rate (rounded), or bounds that miss the truth.
    """
    cells = base_view.cells.set_index("cell")["status"]
    problems = []
    for indicator, parts in EVENT_INDICATORS.items():
        for year in sorted(base_view.cells["year"].unique()):
            url = f"/api/v1/indicators?indicator={indicator}&level=gemeinde&year={year}"
            for row in get_json(base_public.client, url)["rows"]:
                area = row["area_key"]
                population = _truth(base_truth, _total(area, year))
                true = 1000 * sum(s * _truth(base_truth, _event(area, year, e)) for e, s in parts)
                true /= population
                statuses = {cells.get(_event(area, year, e)) for e, _ in parts}
                problem = _indicator_problem(row, statuses, true, 0.05)
                if problem:
                    problems.append((indicator, area, int(year), row["value"], true, problem))
    frame = pd.DataFrame(problems, columns=["indicator", "area", "year", "value", "true", "why"])
    assert len(frame) == 0, f"{len(frame)} Kennzahlen verraten mehr:\n{frame.head(10)}"


def _indicator_problem(row: dict, statuses: set, true: float, half_step: float) -> str:
    if row["status"] == "published":
        if "suppressed" in statuses:
            return "Zahl trotz geheim gehaltenem Teil"
        if abs(float(row["value"]) - true) > half_step + 1e-9:
            return "Zahl weicht von der Wahrheit ab"
    if row["status"] == "suppressed":
        if row["value"] is not None:
            return "geheim, aber mit Wert"
        lower = -np.inf if row["lower"] is None else float(row["lower"])
        upper = np.inf if row["upper"] is None else float(row["upper"])
        if not lower - half_step - 1e-9 <= true <= upper + half_step + 1e-9:
            return f"Schranken [{lower}, {upper}] verfehlen die Wahrheit"
    return ""


MEASURE_CELLS = {
    "population": lambda area, year: [_total(area, year)],
    "female": lambda area, year: [f"population|{area}|{year}|female|0||total"],
    "male": lambda area, year: [f"population|{area}|{year}|male|0||total"],
    "foreign": lambda area, year: [f"population|{area}|{year}|total|0||foreign"],
    "households": lambda area, year: [f"households|{area}|{year}|0"],
    "birth": lambda area, year: [_event(area, year, "birth")],
    "death": lambda area, year: [_event(area, year, "death")],
    "move_in": lambda area, year: [_event(area, year, "move_in")],
    "move_out": lambda area, year: [_event(area, year, "move_out")],
}


def _selections(view: PublicView) -> list[list[str]]:
    """Custom regions: small predefined regions minus each member, every village alone."""
    regions = view.cells["area"][view.cells["area"].str.startswith("R-")].drop_duplicates()
    chosen = []
    for region in regions:
        members = region[region.index("[") + 1 : -1].split("+")
        if len(members) <= MAX_MEMBERS:
            chosen += [[m for m in members if m != left_out] for left_out in members]
    totals = view.cells[view.cells["cell"].isin([_total(g, 2023) for g in _gemeinden(view)])]
    villages = totals.loc[totals["value"].fillna(0) < 300, "area"]
    chosen += [[v] for v in villages] + [list(villages)]
    return [c for c in chosen if c]


def test_custom_regions_give_no_more_than_the_published_cells(
    base_public: Public, base_view: PublicView, base_truth: pd.Series
) -> None:
    """The attacker builds custom regions next to the predefined ones.

    What the attacker does: on the Regionen page (its sum service), selects each predefined
    region of up to 8 members minus one member, every village alone and all villages
    together (latest year).

    Breach: a measure shown as a number that is not the true sum (a suppressed part counted
    as 0 or as a guess), or bounds that miss the truth or are narrower than 1 around a
    suppressed measure (an exact value shown as a bound).
    """
    from dashboard.services import get_service

    release = base_view.releases[-1]
    problems = []
    with base_public.app.server.test_request_context("/"):
        service = get_service()
        for members in _selections(base_view):
            for year in sorted(base_view.cells["year"].unique())[-1:]:
                figures = service.region_figures(release, members, int(year))
                for row in figures.itertuples(index=False):
                    if row.measure not in MEASURE_CELLS:
                        continue
                    true = sum(
                        _truth(base_truth, c)
                        for m in members
                        for c in MEASURE_CELLS[row.measure](m, int(year))
                    )
                    why = _region_problem(row, true)
                    if why:
                        problems.append(("+".join(members), int(year), row.measure, true, why))
    frame = pd.DataFrame(problems, columns=["members", "year", "measure", "true", "why"])
    assert len(frame) == 0, f"{len(frame)} Regionswerte falsch oder zu eng:\n{frame.head(10)}"


def _region_problem(row, true: float) -> str:
    if row.status in ("published", "zero"):
        return "" if abs(float(row.value) - true) < 1e-9 else f"Zahl {row.value} statt Wahrheit"
    if row.status == "suppressed":
        upper = np.inf if pd.isna(row.upper) else float(row.upper)
        if not float(row.lower) - 1e-9 <= true <= upper + 1e-9:
            return f"Schranken [{row.lower}, {row.upper}] verfehlen die Wahrheit"
        if upper - float(row.lower) < 1 - 1e-9:
            return "Schranke exakt"
    return ""
