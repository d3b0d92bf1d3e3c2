"""Suppression figures per release and year of a store: primaries, secondaries, persons hidden.

    DEMOGRAFIE_HOME=/tmp/x .venv/bin/python -m benchmarks.bench_attacker_model

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
from etl.pipeline import read_restricted, year_problems
from etl.store.engine import init_stores
from etl.store.published import list_releases, read_release_table
from etl.symbols import SUPPRESSED
from etl.transform import attacker_model as attacker


def release_figures(settings: Settings) -> pd.DataFrame:
    """One row per release and year with the suppression figures over all three tables."""
    restricted, publisher = init_stores(settings)
    data = read_restricted(restricted)
    truth = {}
    for year in data.years:
        built = year_problems(year, data.expected, data.regions)
        truth[year.year] = pd.concat(
            [p.rows.set_index("cell")["value"] for p in built.problems.values()]
        )
    rows = []
    releases = list_releases(publisher).sort_values("sequence")
    for release in releases.itertuples():
        for year, values in truth.items():
            cells = []
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
                }
            )
    return pd.DataFrame(rows)


def main() -> None:
    figures = release_figures(Settings.from_env(os.environ))
    print(figures.to_string(index=False))
    totals = figures.groupby(["release", "withdrawn"])[
        ["primary", "secondary", "persons_suppressed"]
    ].sum()
    largest = figures.groupby(["release", "withdrawn"])["largest_suppressed"].max()
    print()
    print(totals.join(largest).reset_index().to_string(index=False))


if __name__ == "__main__":
    main()
