"""Concurrency on the real PostgreSQL server: parallel uploads, and a publish during uploads."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import create_engine, text

from etl.accounts.service import Account
from etl.app import Stores
from etl.config import Settings
from etl.store.engine import publisher_engine, restricted_engine
from etl.store.published import read_release_table, release_info
from etl.store.review import upload_tables, uploads_of
from etl.testing import tiny_bundle, tiny_restricted_store
from etl.uploads import service, workflow
from etl.uploads.intake import UploadedFile
from etl.uploads.testing import extract_zip

pytestmark = pytest.mark.postgres
DATE = dt.date(2024, 12, 31)
STATISTIK = Account(1, "statistik", "statistician", (), False, "x")


@pytest.fixture
def pg_portal(pg_settings: Settings) -> Iterator[Stores]:
    """The portal's Stores, both zones and accounts on PostgreSQL; room for 20 parallel jobs."""
    url = pg_settings.restricted_url.split("?")[0]
    schema = pg_settings.restricted_url.rsplit("=", 1)[1].replace("restricted", "accounts")
    settings = Settings(
        home=pg_settings.home,
        restricted_url=pg_settings.restricted_url,
        published_url=pg_settings.published_url,
        accounts_url=f"{url}?schema={schema}",
    )
    stores = Stores(settings, job_workers=24)
    stores.migrate()
    yield stores
    stores.close()
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


def upload(stores: Stores, ags: str, directory: Path, seed: int = 0, date: dt.date = DATE) -> str:
    account = Account(int(ags[-3:]) + 10, f"u{ags}", "uploader", (ags,), False, "x")
    data = extract_zip(tiny_bundle(ags, date, scale=4, seed=seed), directory)
    job_id = service.start_validation(stores, account, [UploadedFile("a.zip", data)], wait=True)
    store_id = service.start_store(stores, account, job_id, wait=True)
    job = service.job_status(stores, account, store_id)
    assert job.state == "done", job.message
    return job.result["upload_id"]


def test_twenty_municipalities_upload_at_the_same_time(pg_portal, tmp_path):
    municipalities = [f"039010{i:02d}" for i in range(1, 21)]
    start = threading.Barrier(20)

    def one(ags: str) -> str:
        start.wait()
        return upload(pg_portal, ags, tmp_path / ags)

    with ThreadPoolExecutor(max_workers=20) as pool:
        upload_ids = list(pool.map(one, municipalities))
    stored = uploads_of(pg_portal.restricted)
    assert len(stored) == 20 and sorted(stored["upload_id"]) == sorted(upload_ids)
    assert sorted(stored["municipality"]) == municipalities
    assert set(stored["state"]) == {"active"}
    for ags, upload_id in zip(municipalities, upload_ids, strict=True):
        expected = tiny_bundle(ags, DATE, scale=4, seed=0).population
        assert len(upload_tables(pg_portal.restricted, upload_id)["population"]) == len(expected)


def test_concurrent_reuploads_of_one_municipality_leave_one_active(pg_portal, tmp_path):
    start = threading.Barrier(6)

    def one(seed: int) -> str:
        start.wait()
        return upload(pg_portal, "03901001", tmp_path / f"s{seed}", seed=seed)

    with ThreadPoolExecutor(max_workers=6) as pool:
        upload_ids = list(pool.map(one, range(6)))
    stored = uploads_of(pg_portal.restricted).set_index("upload_id")
    assert len(stored) == 6
    active = stored[stored["state"] == "active"]
    assert len(active) == 1
    # Every superseded upload points at a newer one: a chain ending in the active upload.
    superseded = stored[stored["state"] == "superseded"]
    assert set(superseded["superseded_by"]) <= set(upload_ids)


def _copy_store(source: Settings, target: Settings, upload_ids: list[str]) -> None:
    """A fresh store with exactly the given uploads (accepted) and the same master tables."""
    from etl.model import ExtractBundle
    from etl.store.restricted import read_table, replace_table, save_extract
    from etl.testing import migrated_stores

    engine = restricted_engine(source)
    rows = uploads_of(engine).set_index("upload_id")
    copy = migrated_stores(target).restricted
    for upload_id in upload_ids:
        tables = upload_tables(engine, upload_id)
        date = pd.Timestamp(rows.loc[upload_id, "reference_date"]).date()
        save_extract(
            copy,
            ExtractBundle(
                rows.loc[upload_id, "municipality"],
                date,
                tables["population"],
                tables["households"],
                tables["events"],
            ),
            file_name=upload_id,
        )
    for name in ("areas", "region_sets"):
        replace_table(copy, name, read_table(engine, name), actor="test", detail={})


def test_publish_during_uploads_sees_a_consistent_snapshot(pg_portal, tmp_path):
    tiny_restricted_store(pg_portal.settings)
    stop = threading.Event()

    def keep_uploading() -> None:
        seed = 100
        while not stop.is_set():
            for ags in ("03901001", "03901002", "03902001"):
                upload_id = upload(
                    pg_portal, ags, tmp_path / f"u{seed}", seed=seed, date=dt.date(2023, 12, 31)
                )
                workflow.decide(pg_portal, STATISTIK, upload_id, "accepted")
                seed += 1

    uploader = threading.Thread(target=keep_uploading)
    uploader.start()
    try:
        job_id = workflow.start_publish(pg_portal, STATISTIK, "während Uploads", wait=True)
    finally:
        stop.set()
        uploader.join()
    job = service.job_status(pg_portal, STATISTIK, job_id)
    assert job.state == "done", job.message
    release_id = job.result["release_id"]
    sources = release_info(pg_portal.publisher, release_id)["sources"]["uploads"]
    listed = [u for year in sources.values() for u in year.values()]
    # The same uploads published from a quiet copy give the same cells: nothing mixed in.
    quiet = Settings(home=tmp_path / "quiet")
    _copy_store(pg_portal.settings, quiet, listed)
    from etl.pipeline import publish

    again = publish(quiet).release_id
    for table in ("population", "households", "events"):
        ours = read_release_table(pg_portal.publisher, table, release_id)
        theirs = read_release_table(publisher_engine(quiet), table, again)
        keys = [c for c in ours.columns if c not in ("value", "status", "sources")]
        merged = ours.merge(theirs, on=keys, how="outer", validate="1:1", indicator=True)
        assert (merged["_merge"] == "both").all(), table
        assert (merged["status_x"] == merged["status_y"]).all(), table
