"""Attack 2: every readable release at once (region change, corrected upload)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from etl.commands.demo import SAMPLES
from tests.attacks.conftest import Public, Store, public_side, rewrite_extract, run_ok
from tests.attacks.lp import attacker_intervals, oracle_breaches, public_breaches
from tests.attacks.public_view import PublicView, get_json, readable_releases

pytestmark = pytest.mark.slow
CHANGED_VILLAGE = "03901006"  # leaves the Nordkreis-Verbund in the second region file
NEW_REGION = (
    "Dörferverbund",
    "DV-NORD",
    "Dörferverbund Nordgeest",
    ["03901005", "03901006", "03901008"],
)
CORRECTED = "03901005_2023-12-31"


def changed_region_file(target: Path) -> Path:
    """The sample region file after an ordinary revision: one member out, one region new."""
    regions = pd.read_csv(SAMPLES / "regions.csv", dtype=str)
    regions = regions[
        ~((regions["region_key"] == "KR-NORD") & (regions["member_key"] == CHANGED_VILLAGE))
    ]
    region_set, key, name, members = NEW_REGION
    added = pd.DataFrame(
        {"region_set": region_set, "region_key": key, "region_name": name, "member_key": members}
    )
    pd.concat([regions, added]).to_csv(target, index=False)
    return target


@pytest.fixture(scope="module")
def region_change(store_factory) -> tuple[Store, Public]:
    """Published, region file revised, published again: two readable releases."""
    store = store_factory("regions")
    revised = changed_region_file(store.home.parent / "regions-revised.csv")
    run_ok(store.home, "import-regions", str(revised))
    run_ok(store.home, "publish", "--note", "Regionen überarbeitet")
    store = dataclasses.replace(store, regions_files=(*store.regions_files, revised))
    return store, public_side(store)


@pytest.fixture(scope="module")
def region_change_view(region_change: tuple[Store, Public]) -> PublicView:
    return region_change[1].view()


def test_no_cell_published_in_an_older_readable_release_is_suppressed_in_a_newer_one(
    region_change: tuple[Store, Public], region_change_view: PublicView
) -> None:
    """The attacker reads the same cell in every readable release.

    What the attacker does: after the region revision and the second publish, fetches every
    release the public list names through `?release=` and compares cell by cell (same
    table, area, year, breakdown; a region whose members changed counts as a new area).

    Breach: a cell published in an older readable release but suppressed in a newer one
    (the newer pattern was computed as if the attacker did not know it), or one cell with
    two different published values. The reverse (suppressed before, published now) is
    judged by the joint LP in the next test; its count is part of the message.
    """
    _, public = region_change
    view = region_change_view
    found = len(view.withdrawn_protection) + len(view.conflicts)
    assert found == 0, (
        f"{len(view.withdrawn_protection)} Zellen früher veröffentlicht, jetzt geheim; "
        f"{len(view.conflicts)} mit zwei Werten; insgesamt {len(view.revealed)} Zellen in "
        f"einer lesbaren Veröffentlichung geheim, in einer anderen veröffentlicht "
        f"({readable_releases(public.client)}), z. B. {view.withdrawn_protection[:8]}"
    )


def test_joint_lp_over_every_readable_release_keeps_protection_intervals(
    region_change: tuple[Store, Public], region_change_view: PublicView
) -> None:
    """The attacker solves one LP over the union of all readable releases.

    What the attacker does: every relation of every readable release (old and new region
    memberships, so region differences), every published value of any release fixed.

    Breach: as in attack 1, a suppressed cell exact or narrower than its protection interval
    (public side), or a primary cell missing x + d / max(1, x - d) (oracle side).
    """
    store, _ = region_change
    intervals = attacker_intervals(region_change_view)
    truth = store.truth()
    public = public_breaches(intervals, region_change_view.min_count, region_change_view.protection)
    oracle = oracle_breaches(region_change_view, intervals, truth)
    wrong = oracle[oracle["reason"].str.contains("Relation falsch")]
    assert wrong.empty, f"the attacker's relations contradict the truth:\n{wrong.head()}"
    small = oracle[oracle["true"] <= 2]
    found = len(public) + len(oracle)
    assert found == 0, (
        f"Vereinigung von {region_change_view.releases}: öffentlich {len(public)} Zellen, "
        f"mit wahren Werten {len(oracle)} (davon {len(small)} mit 1 oder 2 Personen); z. B.\n"
        + oracle.head(10).to_string()
    )


def _add_one_person(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """One more woman of 40 (German, main residence) and her 1 km cell: a correction."""
    if name != "population":
        return frame
    frame = frame.copy()
    person = (
        (frame["area_level"] == "gemeinde")
        & (frame["sex"] == "female")
        & (frame["age"] == 40)
        & (frame["nationality"] == "de")
        & (frame["residence"] == "main")
    )
    grid = frame.index[
        (frame["area_level"] == "grid1km") & (frame["sex"] == "female") & (frame["age"] == 18)
    ]
    assert person.sum() == 1 and len(grid)
    frame.loc[person, "count"] += 1
    frame.loc[grid[0], "count"] += 1
    return frame


@pytest.fixture(scope="module")
def corrected_upload(store_factory) -> tuple[Store, Public, str, str]:
    """Published; then a municipality sends a corrected extract; published again."""
    store = store_factory("corrected")
    old = readable_releases(public_side(store).client)[-1]
    source = SAMPLES / "extracts" / CORRECTED
    corrected = rewrite_extract(source, store.home.parent / "upload" / CORRECTED, _add_one_person)
    run_ok(store.home, "import-extract", str(corrected))
    run_ok(store.home, "publish", "--note", "Korrektur")
    store = dataclasses.replace(store, extracts=(*store.extracts, corrected))
    public = public_side(store)
    current = get_json(public.client, "/api/v1/releases")["releases"]
    live = next(r["release_id"] for r in current if r["live"])
    return store, public, old, live


def test_corrected_upload_withdraws_the_older_release(corrected_upload) -> None:
    """The attacker keeps the permalink of the release before a correction.

    What the attacker does: after a municipality corrected a published value and the
    statistician published again, requests the old release by `?release=` (areas,
    population) and compares both releases.

    Breach: the old release still answers (two different values for one cell of the same
    reference date, or cells hidden in one and shown in the other). Expected instead: a
    4xx answer (410 Gone) whose message names the current release.
    """
    _, public, old, live = corrected_upload
    assert old != live
    for url in (
        f"/api/v1/areas?release={old}",
        f"/api/v1/population?area=03901005&release={old}",
    ):
        response = public.client.get(url)
        assert 400 <= response.status_code < 500, (
            f"{url}: {response.status_code}, die alte Veröffentlichung ist noch lesbar"
        )
        assert live in response.get_data(as_text=True), response.get_data(as_text=True)


def test_corrected_upload_union_has_one_value_per_cell(corrected_upload) -> None:
    """The attacker takes every readable release after the correction.

    Breach: a cell with two different published values, or suppressed in one readable
    release and published in another (the difference of the two releases is the correction,
    i.e. a statement about one person).
    """
    _, public, _, _ = corrected_upload
    view = public.view()
    found = len(view.conflicts) + len(view.revealed)
    assert found == 0, (
        f"{len(view.conflicts)} Zellen mit zwei Werten, {len(view.revealed)} einmal geheim, "
        f"einmal veröffentlicht in {view.releases}; z. B. {(view.conflicts + view.revealed)[:6]}"
    )
