"""Suppression figures per release and year of a store: primaries, secondaries, persons hidden.

    DEMOGRAFIE_HOME=/tmp/x .venv/bin/python -m benchmarks.bench_attacker_model

Also two attacks from the public side: `grid_exposed` counts Gemeinden whose published total
minus their published grid cells reveals their one suppressed grid cell, and `union_unsafe`
the cells the LP audit finds unsafe in the union of all releases of the store (per year).

For every release (withdrawn ones included, marked) and year: cells published by the release,
suppressed cells split into primary (1 <= n < k by the true value) and secondary, persons in
suppressed cells and the largest suppressed cell. True values come from the restricted zone
(the active uploads), so run it on a store whose uploads have not changed since publishing.
Cells are matched by the attacker model's ids, so the figures are comparable between
versions of the protection.
"""

from __future__ import annotations

import os

import pandas as pd

from etl.config import Settings
from etl.pipeline import read_restricted
from etl.public_audit import audit_union, public_year
from etl.store.published import list_releases, read_release_table
from etl.symbols import PUBLISHED, SUPPRESSED
from etl.testing import migrated_stores
from etl.transform import attacker_model as attacker
from etl.transform import publication as pub
from etl.transform.year_protection import year_problems


def grid_exposed(population: pd.DataFrame, grid_parent: pd.Series) -> int:
    """Gemeinden with a published total and exactly one suppressed grid cell."""
    totals = population[
        (population["sex"] == "total")
        & (population["age_from"] == 0)
        & population["age_to"].isna()
        & (population["nationality"] == "total")
    ].set_index("area_key")["status"]
    exposed = 0
    for gemeinde, cells in grid_parent.groupby(grid_parent):
        if totals.get(gemeinde) == PUBLISHED:
            exposed += int((totals.reindex(cells.index) == SUPPRESSED).sum() == 1)
    return exposed


def union_unsafe(settings: Settings) -> dict[int, int]:
    """Unsafe cells per year in the union of every release of the store (newest first)."""
    opened = migrated_stores(settings)
    restricted, publisher = opened.restricted, opened.publisher
    data = read_restricted(restricted)
    releases = list_releases(publisher)["release_id"].tolist()
    found = {}
    for year in data.years:
        views = [public_year(publisher, r, year.year)[0] for r in releases]
        built = year_problems(year, data.expected, data.regions, views[1:])
        truth = {n: p.rows.set_index("cell")["value"] for n, p in built.problems.items()}
        result = audit_union(views, truth, year.year, min_count=3, protection=0.3)
        found[year.year] = len(result.problems)
    return found


def release_figures(settings: Settings) -> pd.DataFrame:
    """One row per release and year with the suppression figures over all three tables."""
    opened = migrated_stores(settings)
    restricted, publisher = opened.restricted, opened.publisher
    data = read_restricted(restricted)
    truth, owners = {}, {}
    for year in data.years:
        owners[year.year] = pub.grid_leaves(year.population)[1]
        built = year_problems(year, data.expected, data.regions)
        truth[year.year] = pd.concat(
            [p.rows.set_index("cell")["value"] for p in built.problems.values()]
        )
    rows = []
    releases = list_releases(publisher).sort_values("sequence")
    for release in releases.itertuples():
        for year, values in truth.items():
            cells = []
            population = read_release_table(publisher, "population", release.release_id, year=year)
            for table in attacker.CELL_TABLES:
                frame = read_release_table(publisher, table, release.release_id, year=year)
                frame = attacker.known_rows(frame)
                cells.append(
                    pd.DataFrame(
                        {
                            "cell": attacker.cell_ids(table, frame).to_numpy(),
                            "suppressed": (frame["status"] == SUPPRESSED).to_numpy(),
                        }
                    )
                )
            cells = pd.concat(cells, ignore_index=True)
            hidden = values.reindex(cells.loc[cells["suppressed"], "cell"]).dropna()
            primary = hidden.between(1, settings.min_count - 1)
            rows.append(
                {
                    "release": release.release_id,
                    "withdrawn": bool(release.withdrawn),
                    "year": year,
                    "cells": len(cells),
                    "primary": int(primary.sum()),
                    "secondary": int((~primary).sum()),
                    "persons_suppressed": int(hidden.sum()),
                    "largest_suppressed": int(hidden.max()) if len(hidden) else 0,
                    "grid_exposed": grid_exposed(population, owners[year]),
                }
            )
    return pd.DataFrame(rows)


def main() -> None:
    settings = Settings.from_env(os.environ)
    figures = release_figures(settings)
    print(figures.to_string(index=False))
    print()
    print("union_unsafe per year:", union_unsafe(settings))
    totals = figures.groupby(["release", "withdrawn"])[
        ["primary", "secondary", "persons_suppressed"]
    ].sum()
    largest = figures.groupby(["release", "withdrawn"])["largest_suppressed"].max()
    print()
    print(totals.join(largest).reset_index().to_string(index=False))


if __name__ == "__main__":
    main()
