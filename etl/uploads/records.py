"""Records the upload services hand to the portal: jobs, submissions and validation reports.

A `Job` is read from the jobs table (`etl.store.jobs`, re-exported here so the portal needs
no store import); a `Submission` is one upload with its review status, built by
`etl.uploads.workflow`; a `ValidationReport` (`etl.uploads.report`, re-exported) is read from
a job's result with `ValidationReport.from_json`. All are frozen: the pages read fields, never
keys.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from etl.store.jobs import Job
from etl.uploads.report import Check, StoredUpload, ValidationReport

__all__ = ["Check", "Job", "PublishedRelease", "StoredUpload", "Submission", "ValidationReport"]


@dataclass(frozen=True)
class Submission:
    """One upload as its municipality and the statisticians see it.

    status: the text shown (pending, accepted, in which release, replaced); state: active |
    superseded; review_state: pending | accepted | rejected; live: in the live release;
    release: the newest release that contains it (None: in none), so a page can word the
    status in its own language. warnings: the warning checks of its validation (only filled
    for the review queue).
    """

    upload_id: str
    municipality: str
    reference_date: str  # ISO date
    file_name: str
    uploaded_by: str
    received_at: str  # "YYYY-MM-DD HH:MM:SS"
    status: str
    state: str
    review_state: str
    live: bool
    release: str | None = None
    warnings: tuple[Check, ...] = field(default=())

    @property
    def awaits_review(self) -> bool:
        return self.state == "active" and self.review_state == "pending"

    def to_dict(self) -> dict[str, Any]:
        """The fields as a dict (tables, JSON); warnings as a list of dicts."""
        return {**asdict(self), "warnings": [w.as_dict() for w in self.warnings]}


@dataclass(frozen=True)
class PublishedRelease:
    """The result of a publish job: the new release and its summary text."""

    release_id: str
    summary: str

    def to_json(self) -> dict[str, Any]:
        return {"ok": True, "release_id": self.release_id, "summary": self.summary}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PublishedRelease:
        return cls(str(data["release_id"]), str(data["summary"]))
