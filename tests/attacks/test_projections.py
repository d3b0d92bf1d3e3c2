"""Attack 6: projections against published cells (archived vintages, interactive projection).

What a visitor gets: the Prognose page shows each archived vintage's totals per area, year
and scenario (rounded to 10), read through the page's gateway (`ProjectionService`). The
attacker here is granted more than the page shows: every row of every vintage (the seven
broad age groups too), and the interactive projection's base population of any area.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from tests.attacks.conftest import Public, Store, public_side, run_ok
from tests.attacks.lp import attacker_intervals, oracle_breaches, public_breaches
from tests.attacks.public_view import KNOWN, PublicView

pytestmark = pytest.mark.slow
MIN_POPULATION = 5_000  # publish-projection's default
ROUNDING = 10


@dataclasses.dataclass(frozen=True)
class Projected:
    store: Store
    public: Public
    vintages: pd.DataFrame  # every row of every vintage, as the page's gateway serves them


@pytest.fixture(scope="module")
def projected(store_factory) -> Projected:
    """The base store plus an official vintage, as `make demo` publishes one."""
    store = store_factory("projection")
    run_ok(store.home, "publish-projection", "--note", "Angriffstests")
    public = public_side(store)
    from dashboard.projection_service import get_projection_service

    with public.app.server.test_request_context("/"):
        service = get_projection_service()
        keys = _public_area_keys(public)
        rows = [service.vintage_rows(key) for key in keys]
        listed = service.vintages()[["vintage_id", "base_year"]]
    frame = pd.concat([r for r in rows if not r.empty], ignore_index=True)
    frame = frame.merge(listed, on="vintage_id", how="left", validate="m:1")
    assert not frame.empty, "kein Jahrgang über die Seite lesbar"
    return Projected(store, public, frame)


def _public_area_keys(public: Public) -> list[str]:
    rows = public.client.get("/api/v1/areas").get_json()["rows"]
    return sorted({str(r["key"]) for r in rows if r["level"] != "grid1km"})


def _view_area(view: PublicView, key: str) -> str | None:
    """The view's id of an area (regions carry their membership: `R-X[a+b]`)."""
    areas = view.cells["area"].drop_duplicates()
    found = [a for a in areas if a == key or a.startswith(f"{key}[")]
    return found[0] if len(found) == 1 else None


def _group_cells(view: PublicView, area: str, year: int, low: int, high) -> list[str]:
    """Published population cells (sex and nationality total) that tile one broad group."""
    cells = view.cells
    rows = cells[
        (cells["table"] == "population")
        & (cells["area"] == area)
        & (cells["year"] == year)
        & (cells["sex"] == "total")
        & (cells["nationality"] == "total")
    ]
    if low == 0 and pd.isna(high):
        return rows.loc[(rows["age_from"] == 0) & rows["age_to"].isna(), "cell"].tolist()
    inside = rows["age_from"] >= low
    inside &= rows["age_to"].notna() & (rows["age_to"] <= high) if pd.notna(high) else True
    inside &= ~((rows["age_from"] == 0) & rows["age_to"].isna())
    return rows.loc[inside, "cell"].tolist()


def vintage_relations(
    view: PublicView, vintages: pd.DataFrame
) -> tuple[pd.DataFrame, dict[str, tuple[float, float]]]:
    """Base-year vintage cells as interval constraints on the published register cells.

    A vintage's base year is the register population of that year, each cell rounded half
    up to 10 on its own: sum of the group's register cells = s with s in [v - 5, v + 4].
    """
    base = vintages[vintages["year"] == vintages["base_year"]]
    base = base.drop_duplicates(["area_key", "age_from", "age_to"])
    rows, bounds = [], {}
    half = ROUNDING // 2
    for r in base.itertuples(index=False):
        area = _view_area(view, str(r.area_key))
        if area is None:
            continue
        parts = _group_cells(view, area, int(r.year), int(r.age_from), r.age_to)
        if not parts:
            continue
        slack = f"slack|vintage|{r.vintage_id}|{area}|{r.age_from}-{r.age_to}"
        rows += [(slack, part, 1.0) for part in parts]
        rows.append((slack, slack, -1.0))
        bounds[slack] = (float(r.value - half), float(r.value + half - 1))
    return pd.DataFrame(rows, columns=["relation", "variable", "coefficient"]), bounds


def test_vintage_base_year_narrows_no_suppressed_cell(
    projected: Projected, base_intervals: pd.DataFrame
) -> None:
    """The attacker takes the vintage's base year for the register population it came from.

    What the attacker does: the base year of every archived vintage is the register
    population of that year, rounded to 10 cell by cell. For every area and broad age group
    of the vintage (0-3, ..., 80+, all ages) the sum of the published register cells lies in
    [v - 5, v + 4]; added to all other public relations (a Kreis total minus its Gemeinden,
    the regions), then the LP again.

    Breach: a suppressed cell that becomes exact or narrower than its protection interval
    (public side), or a primary cell missing x + d / max(1, x - d) (oracle side).
    """
    view = projected.public.view()
    extra, bounds = vintage_relations(view, projected.vintages)
    assert len(bounds) >= 8 * 5, f"zu wenige Jahrgangszellen im Angriff: {len(bounds)}"
    relations = pd.concat([view.relations, extra], ignore_index=True)
    attacked = dataclasses.replace(view, relations=relations, bounds=bounds)
    intervals = attacker_intervals(attacked)
    truth = projected.store.truth()
    oracle = oracle_breaches(attacked, intervals, truth)
    public = public_breaches(intervals, view.min_count, view.protection)
    narrower = intervals.merge(
        base_intervals[["cell", "lower", "upper"]], on="cell", suffixes=("", "_before")
    )
    narrowed = narrower[
        (narrower["lower"] > narrower["lower_before"] + 1e-6)
        | (narrower["upper"] < narrower["upper_before"] - 1e-6)
    ]
    found = len(oracle) + len(public)
    assert found == 0, (
        f"mit dem Basisjahr der Jahrgänge: {len(public)} öffentlich, {len(oracle)} mit wahren "
        f"Werten unsicher ({len(narrowed)} Intervalle enger als ohne);\n"
        + pd.concat([public, oracle]).head(10).to_string()
    )


def test_vintages_hold_only_large_areas_and_no_small_remainder(
    projected: Projected, base_view: PublicView
) -> None:
    """The attacker subtracts a Kreis's (or region's) vintage from its Gemeinden's vintages.

    What the attacker does: reads every vintage value and checks it is rounded to 10; for
    every aggregate with a vintage, the Gemeinden without one form the remainder the
    difference would show. Their published register totals say how large it is.

    Breach: a value not a multiple of 10, an area with a vintage below 5,000 inhabitants
    in the base year, or a remainder between 1 and 4,999 inhabitants (a small area by
    differencing, projected for 20 years).
    """
    vintages = projected.vintages
    assert (vintages["value"] % ROUNDING == 0).all()
    base = vintages[
        (vintages["year"] == vintages["base_year"])
        & (vintages["age_from"] == 0)
        & vintages["age_to"].isna()
    ]
    year = int(base["base_year"].iloc[0])
    cells = base_view.cells
    totals = cells[
        (cells["table"] == "population")
        & (cells["year"] == year)
        & (cells["sex"] == "total")
        & (cells["nationality"] == "total")
        & (cells["age_from"] == 0)
        & cells["age_to"].isna()
        & cells["status"].isin(KNOWN)
    ].set_index("area")["value"]
    small = base[base["value"] < MIN_POPULATION - ROUNDING // 2]
    assert small.empty, f"Jahrgänge für kleine Gebiete:\n{small.head()}"
    gemeinden = [a for a in totals.index if len(a) == 8 and a.isdigit()]
    with_vintage = set(base["area_key"].astype(str))
    problems = []
    for key in with_vintage - set(gemeinden):
        area = _view_area(base_view, key)
        members = _members(area, gemeinden) if area else []
        rest = [g for g in members if g not in with_vintage]
        remainder = float(totals.reindex(rest).sum())
        if 0 < remainder < MIN_POPULATION:
            problems.append((key, rest, remainder))
    assert not problems, f"kleine Reste durch Differenz: {problems[:5]}"


def _members(area: str, gemeinden: list[str]) -> list[str]:
    if "[" in area:
        return area[area.index("[") + 1 : -1].split("+")
    return [g for g in gemeinden if g.startswith(area)]


def test_interactive_projection_starts_from_published_cells_only(
    base_public: Public, base_view: PublicView, base_truth: pd.Series
) -> None:
    """The attacker reads the interactive projection's base year for small Gemeinden.

    What the attacker does: for every Gemeinde with suppressed population cells, asks the
    Prognose page's gateway (as the callback does) for its base population by sex and single
    year of age and sums it into the published age groups.

    Breach: the base population reproduces the suppressed true values (restricted data
    reached the projection). The estimates need not lie inside the attacker's intervals
    (the imputation spreads a remainder by a reference age shape and does not solve every
    margin), which costs accuracy, not privacy: they are a function of published cells.
    """
    from dashboard.projection_service import get_projection_service

    release = base_view.releases[-1]
    cells = base_view.cells
    year = int(cells["year"].max())
    hidden = cells[
        (cells["table"] == "population")
        & (cells["year"] == year)
        & (cells["status"] == "suppressed")
        & (cells["sex"] != "total")
        & (cells["nationality"] == "total")
        & cells["area"].str.fullmatch(r"\d{8}")
    ]
    assert len(hidden) >= 10, "zu wenige geheim gehaltene Zellen für den Angriff"
    shown = []
    with base_public.app.server.test_request_context("/"):
        service = get_projection_service()
        for area, rows in hidden.groupby("area"):
            population = service.inputs(release, (area,)).population[0]  # (sex, 101)
            for r in rows.itertuples(index=False):
                sex = 0 if r.sex == "female" else 1
                upper = 101 if pd.isna(r.age_to) else int(r.age_to)
                shown.append((r.cell, float(population[sex, int(r.age_from) : upper].sum())))
    frame = pd.DataFrame(shown, columns=["cell", "shown"])
    frame = frame.assign(true=base_truth.reindex(frame["cell"]).to_numpy())
    exact = np.isclose(frame["shown"], frame["true"], atol=1e-6)
    # one restricted value reaching the page would make the estimates match the truth
    assert exact.mean() < 0.5, f"Basisjahr gleich den wahren Werten:\n{frame[exact].head()}"
