"""Upload, validation report, confirmation, review and status, through the service layer."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest

from etl.store.engine import restricted_engine
from etl.store.review import uploads_of
from etl.testing import tiny_bundle
from etl.uploads import service, workflow
from etl.uploads.intake import UploadedFile
from etl.uploads.records import StoredUpload, ValidationReport
from etl.uploads.testing import extract_files, extract_zip
from portal.pages import submissions as submissions_page

DATE = dt.date(2024, 12, 31)


def validate(stores, account, files):
    job_id = service.start_validation(stores, account, files, wait=True)
    job = service.job_status(stores, account, job_id)
    assert job.state == "done", job.message
    return job_id, ValidationReport.from_json(job.result)


def store(stores, account, job_id) -> str:
    store_id = service.start_store(stores, account, job_id, wait=True)
    job = service.job_status(stores, account, store_id)
    assert job.state == "done", job.message
    return StoredUpload.from_json(job.result).upload_id


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "parquet"])
def test_valid_zip_gives_a_report_and_is_stored_pending(
    settings, world, tmp_path, file_format, stores
):
    altdorf = world["altdorf"]
    bundle = tiny_bundle("03901001", DATE, scale=30, seed=5)
    data = extract_zip(bundle, tmp_path / "auszug", file_format)
    job_id, report = validate(stores, altdorf, [UploadedFile("auszug.zip", data)])
    assert report.ok, report
    assert report.summary.municipality == "03901001"
    assert report.summary.name == "Altdorf"
    assert {c.check for c in report.checks} >= {"change", "heaping", "households"}
    assert report.replaces is None and report.diff == () and report.preview is not None
    upload_id = store(stores, altdorf, job_id)
    stored = uploads_of(restricted_engine(settings), ["03901001"])
    row = stored[stored["upload_id"] == upload_id].iloc[0]
    assert (row["review_state"], row["state"], row["uploaded_by"]) == (
        "pending",
        "active",
        "altdorf",
    )
    assert not (settings.home / "portal-staging" / job_id).exists()


def _german_variant(
    files: list[UploadedFile], separator: str, encoding: str, bom: bool
) -> list[UploadedFile]:
    """population.csv with German headers and codes, other separator and encoding."""
    by_name = {f.name: f for f in files}
    text = by_name["population.csv"].data.decode()
    lines = text.splitlines()
    header = "Ebene,Gebietsschlüssel,Geschlecht,Alter,Staatsangehörigkeit,Wohnungsstatus,Anzahl"
    body = [
        line.replace(",female,", ",weiblich,").replace(",male,", ",männlich,") for line in lines[1:]
    ]
    rewritten = "\r\n".join([header, *body]).replace(",", separator) + "\r\n"
    data = (b"\xef\xbb\xbf" if bom else b"") + rewritten.encode(encoding)
    manifest = json.loads(by_name["manifest.json"].data)
    manifest["tables"]["population"]["sha256"] = hashlib.sha256(data).hexdigest()
    by_name["population.csv"] = UploadedFile("population.csv", data)
    by_name["manifest.json"] = UploadedFile("manifest.json", json.dumps(manifest).encode())
    return list(by_name.values())


@pytest.mark.parametrize(
    "separator, encoding, bom",
    [
        (";", "utf-8", True),
        (";", "utf-8", False),
        (";", "cp1252", False),
        ("\t", "cp1252", False),
    ],
)
def test_german_csv_variants_are_accepted(
    settings, world, tmp_path, separator, encoding, bom, stores
):
    bundle = tiny_bundle("03901001", DATE, scale=30, seed=5)
    files = _german_variant(extract_files(bundle, tmp_path / "auszug"), separator, encoding, bom)
    _, report = validate(stores, world["altdorf"], files)
    assert report.ok, report.errors
    assert report.summary.persons == int(bundle.population["count"].sum())


def test_reupload_shows_a_diff_and_supersedes(settings, world, tmp_path, stores):
    altdorf = world["altdorf"]
    first = tiny_bundle("03901001", DATE, scale=30, seed=5)
    job_id, _ = validate(
        stores, altdorf, [UploadedFile("a.zip", extract_zip(first, tmp_path / "a"))]
    )
    first_id = store(stores, altdorf, job_id)
    second = tiny_bundle("03901001", DATE, scale=30, seed=6)
    job_id, report = validate(
        stores, altdorf, [UploadedFile("b.zip", extract_zip(second, tmp_path / "b"))]
    )
    assert report.replaces == first_id
    population = next(d for d in report.diff if d.table == "population")
    assert population.changed + population.added + population.removed > 0
    assert population.total_old == int(first.population["count"].sum())
    second_id = store(stores, altdorf, job_id)
    rows = uploads_of(restricted_engine(settings), ["03901001"]).set_index("upload_id")
    assert rows.loc[first_id, "state"] == "superseded"
    assert rows.loc[first_id, "superseded_by"] == second_id
    assert rows.loc[second_id, "state"] == "active"


def test_review_and_status_of_submissions(settings, world, tmp_path, stores):
    altdorf, statistik = world["altdorf"], world["statistik"]
    bundle = tiny_bundle("03901001", DATE, scale=30, seed=5)
    job_id, _ = validate(
        stores, altdorf, [UploadedFile("a.zip", extract_zip(bundle, tmp_path / "a"))]
    )
    upload_id = store(stores, altdorf, job_id)
    mine = {r.upload_id: r for r in workflow.submissions(stores, altdorf)}
    assert mine[upload_id].status == "wartet auf Prüfung"
    assert {r.municipality for r in mine.values()} == {"03901001"}
    assert upload_id not in {r.upload_id for r in workflow.submissions(stores, world["weserhaven"])}
    queue = workflow.review_queue(stores, statistik)
    assert [r.upload_id for r in queue] == [upload_id]
    assert workflow.submission_report(stores, altdorf, upload_id).ok
    english = str(submissions_page.layout(stores, altdorf, f"?id={upload_id}&lang=en"))
    assert "Formally correct" in english and "Plausibility" in english
    assert "Formal in Ordnung" not in english
    assert "Formal in Ordnung" in str(submissions_page.layout(stores, altdorf, f"?id={upload_id}"))
    workflow.decide(stores, statistik, upload_id, "accepted", "geprüft")
    mine = {r.upload_id: r for r in workflow.submissions(stores, altdorf)}
    assert mine[upload_id].status == "angenommen"
    assert workflow.review_queue(stores, statistik) == []
    actions = [e["action"] for e in workflow.audit_entries(stores, statistik)]
    assert {"upload", "review", "login"} <= set(actions)


def test_publish_from_the_portal_marks_uploads_live(settings, world, tmp_path, stores):
    altdorf, statistik = world["altdorf"], world["statistik"]
    bundle = tiny_bundle("03901001", DATE, scale=30, seed=5)
    job_id, _ = validate(
        stores, altdorf, [UploadedFile("a.zip", extract_zip(bundle, tmp_path / "a"))]
    )
    upload_id = store(stores, altdorf, job_id)
    workflow.decide(stores, statistik, upload_id, "accepted")
    publish_id = workflow.start_publish(stores, statistik, "Test", wait=True)
    job = service.job_status(stores, statistik, publish_id)
    assert job.state == "done", job.message
    release_id = job.result["release_id"]
    assert workflow.live_release(stores) == release_id
    mine = {r.upload_id: r for r in workflow.submissions(stores, altdorf)}
    assert mine[upload_id].status == f"veröffentlicht in {release_id} (live)"
    assert "publish" in [e["action"] for e in workflow.audit_entries(stores, statistik)]
