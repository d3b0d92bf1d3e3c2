"""Every malformed upload gets a clear message, and neither zone changes by a single row."""

from __future__ import annotations

import pytest

from etl.accounts.service import Account
from etl.config import Settings
from etl.errors import InputError
from etl.store import schema
from etl.store.engine import publisher_engine, restricted_engine
from etl.store.review import table_fingerprints
from etl.uploads import service
from etl.uploads.records import ValidationReport

from .catalogue import build_catalogue


def zones(settings: Settings) -> dict[str, dict[str, str]]:
    return {
        "restricted": table_fingerprints(restricted_engine(settings), schema.restricted),
        "published": table_fingerprints(publisher_engine(settings), schema.published),
    }


def test_catalogue_has_at_least_30_distinct_cases(tmp_path):
    names = [case.name for case in build_catalogue(tmp_path)]
    assert len(names) >= 30 and len(set(names)) == len(names)


def test_every_malformed_upload_is_refused_clearly_and_stores_nothing(
    settings, world, tmp_path, stores
):
    cases = build_catalogue(tmp_path / "catalogue")
    before = zones(settings)
    problems = []
    for case in cases:
        account = Account(99, "hardening", "uploader", case.municipalities, False, "x")
        job_id = service.start_validation(stores, account, case.files, wait=True)
        job = service.job_status(stores, account, job_id)
        report = ValidationReport.from_json(job.result)
        messages = " | ".join(e.message for e in report.errors)
        if job.state != "done" or report.ok or case.message not in messages:
            problems.append(
                f"{case.name}: state={job.state} ok={report.ok} message={messages or job.message!r}"
            )
        with pytest.raises(InputError, match="erfolgreich geprüfte"):
            service.start_store(stores, account, job_id, wait=True)
        assert not (settings.home / "portal-staging" / job_id).exists(), case.name
    assert problems == []
    assert zones(settings) == before
