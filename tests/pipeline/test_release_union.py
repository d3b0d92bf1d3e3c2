"""All readable releases at once, on the committed samples (one reference date, 2023).

Release 1 is published; the region sets change (one set dropped, one region redefined, one
added) and release 2 is published; then a corrected upload changes a value both show, and
release 3 withdraws them. Every step is checked from the public side: the published store,
the attacker model and the LP audit of the union, and the API.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd
import pytest

from dashboard.app import create_app
from etl.cli import main as etl_main
from etl.commands.demo import SAMPLES
from etl.config import Settings
from etl.extract.anonymised import read_extract
from etl.pipeline import PublishReport, publish, read_restricted
from etl.public_audit import UnionAudit, audit_union, public_year
from etl.store import restricted as store
from etl.store.engine import reader_engine
from etl.store.published import read_release_table, readable_release_ids
from etl.symbols import PUBLISHED, SUPPRESSED, ZERO
from etl.testing import migrated_stores, sample_store_steps
from etl.transform import attacker_model as attacker
from etl.transform.year_protection import year_problems

YEAR = 2023
CORRECTED = "03901002"
REDEFINED = "R-KR-NORD"


@dataclass(frozen=True)
class History:
    settings: Settings
    first: PublishReport
    second: PublishReport
    union_after_second: UnionAudit
    third: PublishReport


def _import_samples(home) -> None:
    steps = sample_store_steps(SAMPLES, (f"{YEAR}-12-31",), official=False)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DEMOGRAFIE_HOME", str(home))
        for step in steps:
            assert etl_main(step) == 0, step


def _changed_regions(regions: pd.DataFrame) -> pd.DataFrame:
    """Drop the Mittelbereiche, shrink one Kooperationsraum, add a new region."""
    kept = regions[regions["region_set"] != "Mittelbereiche"]
    shrunk = kept[kept["region_key"] == REDEFINED].iloc[1:]
    others = kept[kept["region_key"] != REDEFINED]
    added = pd.DataFrame(
        {
            "region_set": "Neu",
            "region_key": "R-NEU",
            "region_name": "Neue Region",
            "member_key": ["03901001", "03901002", "03902001"],
        }
    )
    return pd.concat([others, shrunk, added], ignore_index=True)


def _union_audit(settings: Settings, releases: list[str]) -> UnionAudit:
    """Rebuild the union from the public side and audit it against the restricted truth."""
    restricted = migrated_stores(settings).restricted
    data = read_restricted(restricted)
    reader = reader_engine(settings)
    views = [public_year(reader, r, YEAR)[0] for r in releases]
    built = year_problems(data.years[0], data.expected, data.regions, views[1:])
    truth = {
        name: problem.rows.set_index("cell")["value"] for name, problem in built.problems.items()
    }
    return audit_union(views, truth, YEAR, min_count=3, protection=0.3)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    home = tmp_path_factory.mktemp("union") / "var"
    settings = Settings(home=home)
    _import_samples(home)
    first = publish(settings)
    restricted = migrated_stores(settings).restricted
    regions = store.read_table(restricted, "region_sets")
    store.replace_table(restricted, "region_sets", _changed_regions(regions), actor="t", detail={})
    second = publish(settings)
    union = _union_audit(settings, [second.release_id, first.release_id])
    path = next(
        p for p in (SAMPLES / "extracts").iterdir() if p.name == f"{CORRECTED}_{YEAR}-12-31"
    )
    bundle = read_extract(path)
    population = bundle.population.copy()
    population.loc[population.index[0], "count"] += 1
    store.save_extract(restricted, replace(bundle, population=population), file_name="corrected")
    third = publish(settings)
    return History(settings, first, second, union, third)


def _shown(settings: Settings, release_id: str) -> pd.DataFrame:
    rows = read_release_table(reader_engine(settings), "population", release_id, year=YEAR)
    rows = rows[rows["status"].isin([PUBLISHED, ZERO])]
    return rows.assign(cell=attacker.cell_ids("population", rows).to_numpy())


def test_cells_published_before_stay_published_with_the_same_value(history: History) -> None:
    before = _shown(history.settings, history.first.release_id).set_index("cell")["value"]
    rows = read_release_table(
        reader_engine(history.settings), "population", history.second.release_id, year=YEAR
    )
    after = rows.assign(cell=attacker.cell_ids("population", rows).to_numpy()).set_index("cell")
    # the redefined region is another area under the same key (scoped by the attacker model)
    common = [c for c in before.index.intersection(after.index) if c.split("|")[1] != REDEFINED]
    assert len(common) > 1000
    hidden = after.loc[common][after.loc[common, "status"] == SUPPRESSED]
    assert hidden.empty, hidden.head()
    assert (after.loc[common, "value"] == before[common]).all()


def test_union_of_both_releases_is_safe_after_a_region_change(history: History) -> None:
    union = history.union_after_second
    assert union.releases == [history.second.release_id, history.first.release_id]
    assert union.cells > 0 and union.relations > 0
    assert union.problems == []
    assert history.second.withdrawn == {}


def test_corrected_upload_withdraws_the_releases_that_showed_the_old_value(
    history: History,
) -> None:
    third = history.third
    assert set(third.withdrawn) == {history.first.release_id, history.second.release_id}
    assert readable_release_ids(reader_engine(history.settings)) == [third.release_id]
    client = create_app(history.settings, warm=False).server.test_client()
    response = client.get(
        f"/api/v1/population?area={CORRECTED}&year={YEAR}&release={history.first.release_id}"
    )
    assert response.status_code == 410
    body = response.get_json()
    assert body["current_release"] == third.release_id
    assert "zurückgezogen" in body["message"] and third.release_id in body["message"]
    assert client.get(f"/api/v1/population?area={CORRECTED}&year={YEAR}").status_code == 200
    page = client.get(f"/?release={history.first.release_id}")
    assert page.status_code == 200


def test_the_permalink_of_a_withdrawn_release_explains_and_shows_the_current_one(
    history: History,
) -> None:
    from dashboard.pages import karte

    app = create_app(history.settings, warm=False)
    with app.server.test_request_context("/"):
        page = str(karte.layout(release=history.first.release_id, lang="de"))
        english = str(karte.layout(release=history.first.release_id, lang="en"))
    assert "zurückgezogen" in page and history.third.release_id in page
    assert "was withdrawn" in english and history.third.release_id in english
    assert "'release': None" in page  # the page state falls back to the live release


def test_grid_cells_do_not_follow_from_their_gemeinde_total(history: History) -> None:
    """The attack of issue 8: a Gemeinde's published total minus its published grid cells."""
    reader = reader_engine(history.settings)
    release = history.third.release_id
    areas = read_release_table(reader, "areas", release)
    rows = read_release_table(reader, "population", release, year=YEAR)
    totals = rows[(rows["sex"] == "total") & (rows["age_from"] == 0) & rows["age_to"].isna()]
    totals = totals[totals["nationality"] == "total"].set_index("area_key")
    grid = areas[areas["level"] == "grid1km"]
    assert (grid["parent_key"].str.len() == 8).all()
    exposed = []
    for gemeinde, cells in grid.groupby("parent_key"):
        if totals.loc[gemeinde, "status"] != PUBLISHED:
            continue
        status = totals.loc[cells["area_key"], "status"]
        if (status == SUPPRESSED).sum() == 1:
            exposed.append(gemeinde)
    assert exposed == []
    assert set(grid.loc[grid["parent_key"] == CORRECTED, "area_key"])
