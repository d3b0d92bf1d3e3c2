"""Attack 10: a territorial merger, published for the old and the new key of one date.

Two Gemeinden merge (03901001 + 03901002 -> 03901099 from 2024-01-01); the statistician
imports the crosswalk, and the merged municipality's register delivers the 2023 extract again
under its new key while the predecessors' 2023 extracts are still active. A merger is public
(official gazette, the GENESIS tables `derive-crosswalk` reads), so the attacker adds for every
cell of that date: new key = sum of the old keys. If both are published, the difference of
the merged area and one predecessor gives the other predecessor's suppressed cells.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

from etl.commands.demo import SAMPLES
from tests.attacks.conftest import Public, Store, public_side, run_command, run_ok
from tests.attacks.lp import attacker_intervals, public_breaches
from tests.attacks.public_view import PublicView

pytestmark = pytest.mark.slow
OLD_KEYS = ("03901001", "03901002")
NEW_KEY = "03901099"
DATE = "2023-12-31"


def merged_extract(target: Path) -> Path:
    """The predecessors' extracts of DATE summed under the new key (Gemeinde rows only)."""
    folder = target / f"{NEW_KEY}_{DATE}"
    folder.mkdir(parents=True)
    manifest = json.loads(
        (SAMPLES / "extracts" / f"{OLD_KEYS[0]}_{DATE}" / "manifest.json").read_text()
    )
    manifest["municipality"] = NEW_KEY
    for entry in manifest["tables"].values():
        parts = [
            pd.read_csv(
                SAMPLES / "extracts" / f"{key}_{DATE}" / entry["file"], dtype={"area_key": str}
            )
            for key in OLD_KEYS
        ]
        rows = pd.concat(parts)
        rows = rows[rows["area_level"] == "gemeinde"].assign(area_key=NEW_KEY)
        dimensions = [c for c in rows.columns if c != "count"]
        rows = rows.groupby(dimensions, as_index=False, dropna=False)["count"].sum()
        data = rows.to_csv(index=False, lineterminator="\n").encode("utf-8")
        (folder / entry["file"]).write_bytes(data)
        entry.update(rows=len(rows), sha256=hashlib.sha256(data).hexdigest())
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def merger(store_factory) -> tuple[Store, Public]:
    """Crosswalk and the re-keyed extract imported, then a publish (refused or not)."""
    store = store_factory("merger")
    crosswalk = store.home.parent / "crosswalk.csv"
    pd.DataFrame(
        {"old_key": OLD_KEYS, "new_key": NEW_KEY, "weight": 1.0, "valid_from": "2024-01-01"}
    ).to_csv(crosswalk, index=False)
    run_ok(store.home, "import-crosswalk", str(crosswalk))
    run_ok(store.home, "import-extract", str(merged_extract(store.home.parent / "merged")))
    run_command(store.home, "publish", "--note", "Fusion")
    return store, public_side(store)


def with_merger_relations(view: PublicView) -> PublicView:
    """The public merger as relations: each cell of the new key = the sum of the old keys'."""
    cells = view.cells
    served = set(cells["cell"])
    rows = []
    for cell in cells.loc[cells["area"] == NEW_KEY, "cell"]:
        parts = [cell.replace(f"|{NEW_KEY}|", f"|{key}|", 1) for key in OLD_KEYS]
        if all(part in served for part in parts):
            name = f"merger|{cell}"
            rows += [(name, cell, 1.0), *((name, part, -1.0) for part in parts)]
    extra = pd.DataFrame(rows, columns=["relation", "variable", "coefficient"])
    relations = pd.concat([view.relations, extra], ignore_index=True)
    return PublicView(
        cells, relations, view.min_count, view.protection, view.releases, bounds=view.bounds
    )


def test_a_merged_area_and_its_predecessors_of_one_date_reveal_no_cell(
    merger: tuple[Store, Public],
) -> None:
    """The attacker holds every readable release and the merger; no suppressed cell may be
    exactly derivable, nor outside what the rule protects.

    Failed while publish accepted extracts of one date for both the old and the new key: 32
    cells were exactly derivable, e.g. 03901002's women aged 0-3 in 2023 (the merged area
    minus 03901001), and through the Kreis and Land totals that counted those people twice,
    cells of other Gemeinden (births in 03902005).
    """
    _, public = merger
    view = with_merger_relations(public.view())
    breaches = public_breaches(attacker_intervals(view), view.min_count, view.protection)
    assert breaches.empty, f"{len(breaches)} Zellen über die Fusion ableitbar:\n{breaches.head()}"
