"""The records the upload services hand to the portal: submissions and jobs."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from etl.uploads.records import Check, Job, Submission

PENDING = Submission(
    upload_id="u1",
    municipality="03901001",
    reference_date="2024-12-31",
    file_name="a.zip",
    uploaded_by="altdorf",
    received_at="2025-01-02 10:00:00",
    status="wartet auf Prüfung",
    state="active",
    review_state="pending",
    live=False,
)


def test_a_submission_awaits_review_only_while_active_and_pending() -> None:
    assert PENDING.awaits_review
    assert not dataclasses.replace(PENDING, state="superseded").awaits_review
    assert not dataclasses.replace(PENDING, review_state="accepted").awaits_review


def test_warnings_travel_as_check_dicts() -> None:
    jump = Check("change", "warning", "Sprung", "+9 %")
    heaping = Check("heaping", "warning", "Häufung", "Whipple 130")
    warned = dataclasses.replace(PENDING, warnings=(jump, heaping))
    assert warned.to_dict()["warnings"] == [
        {"check": "change", "level": "warning", "title": "Sprung", "explanation": "+9 %"},
        {"check": "heaping", "level": "warning", "title": "Häufung", "explanation": "Whipple 130"},
    ]
    assert warned.to_dict()["upload_id"] == "u1"


def test_records_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        PENDING.status = "angenommen"  # type: ignore[misc]


def test_a_job_is_finished_when_done_or_failed() -> None:
    now = dt.datetime(2025, 1, 2, tzinfo=dt.UTC)
    job = Job("j", "validate", "altdorf", "running", 40, "", {}, None, now, None)
    assert not job.finished
    assert dataclasses.replace(job, state="failed").finished
