"""The portal's upload workflow refuses the upload attacks of issue 8; both zones unchanged."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from etl.config import Settings
from etl.store import schema
from etl.store.contents import zone_contents
from etl.store.restricted import replace_table
from etl.store.subareas import replace_subareas
from etl.testing import migrated_stores, tiny_bundle
from etl.uploads import service, workflow
from etl.uploads.intake import UploadedFile
from etl.uploads.records import StoredUpload, ValidationReport
from etl.uploads.testing import (
    extract_zip,
    grid_cell_of,
    square_boundary,
    upload_attacks,
    with_rows,
)
from portal.testing import build_world

AGS = "03901001"
DATE = dt.date(2024, 12, 31)
WEST, SOUTH = 500_000.0, 5_800_000.0
REGISTERED = ("001", "002", "003")
ATTACKS = upload_attacks(AGS, DATE, REGISTERED, grid_cell_of(WEST + 40_000, SOUTH + 40_000))


@pytest.fixture
def portal_world(any_settings: Settings, stores_for, stores):
    stores = stores_for(any_settings)
    world = build_world(stores)
    restricted = migrated_stores(any_settings).restricted
    registry = pd.DataFrame(
        {"area_key": [f"{AGS}-{c}" for c in REGISTERED], "municipality": AGS, "name": "Ort"}
    )
    replace_subareas(restricted, registry, source="test", actor="test")
    replace_table(
        restricted,
        "boundaries",
        square_boundary(AGS, WEST, SOUTH, 5_000.0),
        actor="test",
        detail={},
        where=schema.boundaries.c.level == "gemeinde",
    )
    return stores, world


def both_zones(settings: Settings) -> dict:
    opened = migrated_stores(settings)
    restricted, publisher = opened.restricted, opened.publisher
    return {
        "restricted": zone_contents(restricted, schema.restricted),
        "published": zone_contents(publisher, schema.published),
    }


def validate(stores, account, data: bytes) -> tuple[str, ValidationReport]:
    job_id = service.start_validation(
        stores, account, [UploadedFile("auszug.zip", data)], wait=True
    )
    job = service.job_status(stores, account, job_id)
    assert job.state == "done", job.message
    return job_id, ValidationReport.from_json(job.result)


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.name for a in ATTACKS])
def test_attack_is_refused_with_one_message_and_nothing_stored(portal_world, tmp_path, attack):
    stores, world = portal_world
    settings = stores.settings
    before = both_zones(settings)
    _, report = validate(stores, world["altdorf"], extract_zip(attack.bundle, tmp_path / "a"))
    assert not report.ok
    [error] = report.errors
    assert error.file == "population.csv" and error.row >= 2
    assert error.column in ("area_key", "count")
    assert attack.message in error.message
    assert both_zones(settings) == before
    assert not list((settings.home / "portal-staging").iterdir())


def test_statistician_sees_the_findings_of_a_valid_upload(portal_world, tmp_path):
    stores, world = portal_world
    bundle = tiny_bundle(AGS, DATE, scale=0.3, ortsteile=REGISTERED[:2], seed=8)
    inside = grid_cell_of(WEST + 2_500, SOUTH + 2_500)
    bundle = with_rows(bundle, "population", [("grid1km", inside, "male", 18, "all", "main", 1)])
    job_id, report = validate(stores, world["altdorf"], extract_zip(bundle, tmp_path / "a"))
    assert report.ok, report.errors
    small = next(c for c in report.checks if c.check == "subareas-small")
    assert "nicht als eigene Gebiete veröffentlicht" in small.explanation
    store_id = service.start_store(stores, world["altdorf"], job_id, wait=True)
    upload_id = StoredUpload.from_json(
        service.job_status(stores, world["altdorf"], store_id).result
    ).upload_id
    shown = workflow.submission_report(stores, world["statistik"], upload_id)
    assert "subareas-small" in {c.check for c in shown.checks}


def test_a_grid_without_boundary_is_a_warning_in_the_review_queue(portal_world, tmp_path):
    stores, world = portal_world
    bundle = tiny_bundle("04021000", DATE, scale=2, ortsteile=("001", "002", "003"), seed=9)
    cell = grid_cell_of(WEST, SOUTH)
    bundle = with_rows(bundle, "population", [("grid1km", cell, "male", 18, "all", "main", 5)])
    job_id, report = validate(stores, world["weserhaven"], extract_zip(bundle, tmp_path / "w"))
    assert report.ok, report.errors
    service.start_store(stores, world["weserhaven"], job_id, wait=True)
    [pending] = workflow.review_queue(stores, world["statistik"])
    assert "Rasterzellen nicht geprüft" in [w.title for w in pending.warnings]
