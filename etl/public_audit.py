"""The public-side audit: rebuild what a visitor holds from the published store and audit it.

It reads releases only through the published zone's read functions (the ones the dashboard
and API use), derives cells and relations with the attacker model, takes the union of every
readable release per year and reference date, and runs the LP audit against the true
values. `publish` runs it on the writing connection before the live switch: an unsafe
release is never made live or readable.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection, Engine

from etl.errors import DisclosureError
from etl.privacy import audit
from etl.privacy.audit import EXACT_REASON
from etl.store.published import read_release_table, readable_release_ids, release_info
from etl.symbols import PUBLISHED, SECONDARY, ZERO
from etl.transform import attacker_model as attacker
from etl.transform import release_union as union
from etl.transform.official import OFFICIAL

Bind = Engine | Connection


@dataclass(frozen=True)
class UnionAudit:
    """Outcome of the union audit of one year: cells and relations checked, problems found."""

    year: int
    releases: list[str]
    cells: int
    relations: int
    problems: list[str]


def _register_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The register data of a served table; official rows are public already and share no
    relation with register rows (etl.transform.official), so they are no part of the audit."""
    if "source" not in frame.columns:
        return frame
    return frame[frame["source"] != OFFICIAL].reset_index(drop=True)


def public_year(bind: Bind, release_id: str, year: int) -> tuple[union.PublicYear, dt.date | None]:
    """One release's year of register data as the API serves it, and its reference date."""
    areas = read_release_table(bind, "areas", release_id)
    regions = read_release_table(bind, "region_sets", release_id)
    tables = {
        name: _register_rows(read_release_table(bind, name, release_id, year=year))
        for name in attacker.CELL_TABLES
    }
    dates = tables["population"]["reference_date"].dropna()
    reference = pd.Timestamp(dates.iloc[0]).date() if len(dates) else None
    member = attacker.membership(areas, regions)
    return union.PublicYear(release_id, tables, regions, member), reference


def readable_views(
    bind: Bind, year: int, reference_date: dt.date, exclude: tuple[str, ...] = ()
) -> list[union.PublicYear]:
    """Every readable release that shows `year` with the same reference date, newest first."""
    views = []
    for release_id in readable_release_ids(bind):
        if release_id in exclude or year not in release_info(bind, release_id)["years"]:
            continue
        view, reference = public_year(bind, release_id, year)
        if reference == reference_date:
            views.append(view)
    return views


def _result(cells: pd.Series, shown: pd.DataFrame, truth: pd.Series) -> pd.DataFrame:
    """Statuses as the union shows them: shown anywhere -> published/zero, else suppressed."""
    value = shown.drop_duplicates("cell").set_index("cell")["value"].reindex(cells)
    hidden = attacker.is_hidden(cells).to_numpy()
    value = value.where(~hidden, truth.reindex(cells).to_numpy())
    status = pd.Series(SECONDARY, index=cells.index)
    status[value.notna().to_numpy()] = PUBLISHED
    status[(value == 0).fillna(False).to_numpy()] = ZERO
    return pd.DataFrame({"cell": cells.to_numpy(), "value": value.to_numpy(), "status": status})


def audit_table(
    table: str,
    views: list[union.PublicYear],
    truth: pd.Series,
    *,
    min_count: int,
    protection: float,
) -> tuple[list[str], int, int]:
    """Problems of one table over the union of `views` (newest first): (problems, cells,
    relations)."""
    labels = [v.release_id for v in views]
    relations = union.union_relations(
        [attacker.relations(table, v.tables[table], v.member) for v in views], labels
    )
    listed = pd.concat(
        [union.all_cells(table, views), relations["total"], relations["part"]], ignore_index=True
    ).drop_duplicates()
    cells = pd.Series(sorted(listed), dtype=str)
    if cells.empty:
        return [], 0, 0
    shown = union.shown_cells(table, views)
    differing = shown.groupby("cell")["value"].nunique()
    problems = [
        f"{table}: {cell} zeigt in den lesbaren Veröffentlichungen verschiedene Werte"
        for cell in differing[differing > 1].index[:5]
    ]
    values = truth.reindex(cells)
    if values.isna().any():
        missing = cells[values.isna().to_numpy()].tolist()
        return [*problems, f"{table}: Zellen ohne Berechnungsgrundlage, z. B. {missing[:3]}"], 0, 0
    frame = pd.DataFrame(
        {"cell": cells, "value": values.astype("int64").to_numpy(), "known": 0}
    ).assign(known=attacker.is_hidden(cells).astype(int).to_numpy())
    report = audit(
        frame,
        relations,
        _result(cells, shown, truth),
        min_count=min_count,
        protection=protection,
    )
    unsafe = report.unsafe
    # A never-published partial sum only must keep a small count's interval, like a primary
    exact = unsafe["reason"] == EXACT_REASON
    unsafe = unsafe[~(attacker.is_partial_sum(unsafe["cell"].astype(str)) & exact)]
    problems += [f"{table}: {row.cell} ({row.reason})" for row in unsafe.itertuples()]
    return problems, len(cells), len(relations)


def audit_union(
    views: list[union.PublicYear],
    truth: dict[str, pd.Series],
    year: int,
    *,
    min_count: int,
    protection: float,
) -> UnionAudit:
    """Audit the union of one year's readable releases (views[0] is the newest)."""
    current = views[0].region_sets
    views = [views[0], *[union.scoped(v, current) for v in views[1:]]]
    problems: list[str] = []
    n_cells = n_relations = 0
    for table in attacker.CELL_TABLES:
        found, cells, relations = audit_table(
            table,
            views,
            truth.get(table, pd.Series(dtype="int64")),
            min_count=min_count,
            protection=protection,
        )
        problems += found
        n_cells, n_relations = n_cells + cells, n_relations + relations
    return UnionAudit(year, [v.release_id for v in views], n_cells, n_relations, problems)


def verify_release(
    bind: Bind,
    release_id: str,
    truth: dict[int, dict[str, pd.Series]],
    *,
    min_count: int,
    protection: float,
) -> list[UnionAudit]:
    """Audit every year of a release with all readable releases; DisclosureError if unsafe."""
    results = []
    for year in release_info(bind, release_id)["years"]:
        view, reference = public_year(bind, release_id, year)
        # A year without register data (official tables only) has no register cells; an
        # empty truth then makes any register cell served for it an audit problem.
        views = [view, *readable_views(bind, year, reference, exclude=(release_id,))]
        result = audit_union(
            views, truth.get(year, {}), year, min_count=min_count, protection=protection
        )
        if result.problems:
            raise DisclosureError(
                f"Öffentliches Audit {year} über {', '.join(result.releases)}: "
                f"{len(result.problems)} Befund(e), z. B. {result.problems[0]}. "
                "Nichts wurde veröffentlicht."
            )
        results.append(result)
    return results
