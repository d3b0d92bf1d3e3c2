"""Protect one reference year: its restricted counts -> protected, audited frames (pure).

The one function (`protect_year`) that both the publication (`etl.pipeline.publish`) and the
upload preview (`etl.uploads.preview`) run, so the preview counts what publishing would
suppress. No I/O: the pipeline reads the inputs and writes the results.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from etl.config import Settings
from etl.symbols import NOT_AVAILABLE
from etl.transform import attacker_model as attacker
from etl.transform import publication as pub
from etl.transform import release_union as union
from etl.transform.hierarchy import area_edges
from etl.transform.protection import Protected, protect_and_audit, with_priors
from etl.transform.release_frames import areas_frame
from etl.transform.subareas import fold_small_subareas

log = logging.getLogger(__name__)
MAX_LISTED_SOURCES = 5


@dataclass(frozen=True)
class YearInput:
    """The restricted counts of one reference year and what they belong to."""

    year: int
    reference_date: dt.date
    uploads: pd.DataFrame
    population: pd.DataFrame
    households: pd.DataFrame
    events: pd.DataFrame


def _municipalities_under(edges: pd.DataFrame) -> Callable[[str], frozenset[str]]:
    """For an area key, the municipalities it consists of."""
    children = edges.groupby("total")["part"].apply(list).to_dict()

    @functools.cache
    def under(key: str) -> frozenset[str]:
        if "-" in key or (len(key) == 8 and key.isdigit()):
            return frozenset({key[:8]})
        return frozenset().union(*(under(child) for child in children.get(key, [])))

    return under


def _lineage(rows: pd.DataFrame, uploads: pd.DataFrame, edges: pd.DataFrame) -> pd.Series:
    """Upload ids behind each row: its municipality's upload, or those of all its members."""
    upload_of = uploads.set_index("municipality")["upload_id"].to_dict()
    under = _municipalities_under(edges)

    def sources(key: str) -> str:
        ids = sorted(upload_of[m] for m in under(key) if m in upload_of)
        if len(ids) <= MAX_LISTED_SOURCES:
            return ",".join(ids)
        return f"{len(ids)} Meldungen (siehe Quellen der Veröffentlichung)"

    return rows["area_key"].map(sources)


@dataclass(frozen=True)
class YearProblems:
    """The protection problems of one year: the new release united with earlier ones."""

    problems: dict[str, pub.Problem]
    edges: pd.DataFrame  # current areas and regions (lineage, missing totals)
    conflicts: dict[str, str]  # earlier release id -> why it must be withdrawn
    priors: list[union.PublicYear]  # earlier readable releases, regions scoped
    grid_parent: pd.Series  # published grid cell -> delivering Gemeinde


def year_problems(
    data: YearInput,
    expected: list[str],
    regions: pd.DataFrame,
    priors: list[union.PublicYear] = (),
    straddling: frozenset[str] = frozenset(),
) -> YearProblems:
    """Cells and relations (attacker model) of one year, with earlier readable releases."""
    priors = [union.scoped(p, regions) for p in priors]
    leaves = pub.population_leaves(data.population)
    leaf_keys = pd.concat([leaves["area_key"], pd.Series(expected, dtype="str")])
    edges = area_edges(leaf_keys, regions)
    earlier = union.scoped_regions(priors)
    hidden = set(earlier["region_key"]) - set(regions["region_key"])
    truth_edges = area_edges(leaf_keys, pd.concat([regions, earlier], ignore_index=True))
    grid, grid_parent = pub.grid_leaves(data.population, straddling)
    population = pub.population_cube(leaves, truth_edges)
    events = pub.event_cube(data.events, truth_edges)
    keys = pd.concat([population["area_key"], grid["area_key"]]).drop_duplicates()
    keys = keys[~keys.isin(hidden)]
    member = attacker.membership(
        areas_frame(keys, pd.DataFrame({"area_key": [], "name": []}), regions, grid_parent),
        regions,
    )
    problems = {
        "population": pub.population_problem(population, member, grid),
        "events": pub.simple_problem("E", events, "event", member),
    }
    if not data.households.empty:  # extracts without households publish none (no crash)
        households = pub.household_cube(data.households, truth_edges)
        problems["households"] = pub.household_problem(households, member)
    conflicts: dict[str, str] = {}
    for name, problem in problems.items():
        shown = problem.rows["publish"] & ~problem.rows["area_key"].isin(hidden)
        rows = problem.rows.assign(publish=shown)
        problems[name] = pub.Problem(problem.cells, problem.relations, rows)
        truth = pd.Series(rows["value"].to_numpy(), index=rows["cell"].to_numpy())
        for release_id, reason in union.conflicts(name, truth, priors).items():
            conflicts.setdefault(release_id, reason)
    return YearProblems(problems, edges, conflicts, priors, grid_parent)


@dataclass(frozen=True)
class YearResult:
    """Protected frames, statistics and true values (for the public audit) of one year."""

    frames: dict[str, pd.DataFrame]
    stats: list[dict]
    truth: dict[str, pd.Series]


def protect_year_problems(data: YearInput, built: YearProblems, settings: Settings) -> YearResult:
    """Protect and audit each table of one year against the earlier readable releases."""
    frames, stats, truth = {}, [], {}
    for name, problem in built.problems.items():
        problem = with_priors(problem, name, built.priors)
        protected: Protected = protect_and_audit(
            problem,
            f"{name} {data.year}",
            settings.min_count,
            settings.protection,
            settings.lp_workers,
        )
        rows = protected.rows.assign(year=data.year, reference_date=data.reference_date)
        rows["sources"] = _lineage(rows, data.uploads, built.edges)
        frames[name] = _with_missing_aggregates(rows, built.edges, name)
        truth[name] = protected.truth
        stats.append(
            {
                "year": data.year,
                "table": name,
                "cells": protected.cells,
                "primary": protected.primary,
                "secondary": protected.secondary,
                "audited": protected.audited,
                "suppressed_persons": protected.suppressed_persons,
                "largest_suppressed": protected.largest_suppressed,
                "shown": protected.shown,
                "shown_suppressed": protected.shown_suppressed,
            }
        )
    return YearResult(frames, stats, truth)


def protect_year(
    data: YearInput,
    expected: list[str],
    regions: pd.DataFrame,
    settings: Settings,
    priors: list[union.PublicYear] = (),
) -> tuple[dict[str, pd.DataFrame], list[dict]]:
    """Protected frames and statistics of one year (earlier releases as known cells)."""
    data = fold_small_subareas(data, settings.min_subarea_population)
    built = year_problems(data, expected, regions, priors)
    result = protect_year_problems(data, built, settings)
    return result.frames, result.stats


def _with_missing_aggregates(rows: pd.DataFrame, edges: pd.DataFrame, name: str) -> pd.DataFrame:
    """Totals that could not be formed (a member sent nothing) appear as not available."""
    missing = sorted(set(edges["total"]) - set(rows["area_key"]))
    if not missing:
        return rows
    if rows.empty:  # e.g. no extract of the year has households: nothing to complete
        return rows
    template = rows[rows["area_key"] == rows["area_key"].iloc[0]].drop(columns=["area_key"])
    filler = template.merge(pd.DataFrame({"area_key": missing}), how="cross")
    filler = filler.assign(
        value=pd.array([pd.NA] * len(filler), "Int64"),
        status=NOT_AVAILABLE,
        sources="unvollständig",
    )
    log.warning(
        "%s: %d Summen nicht verfügbar (Meldungen fehlen): %s", name, len(missing), missing[:5]
    )
    return pd.concat([rows, filler], ignore_index=True)
