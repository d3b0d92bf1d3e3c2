"""After the upload: submissions and their status, the review queue, publishing, the audit log."""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import Engine

from etl.accounts.service import AccessDenied, Account, require
from etl.store import jobs as job_store
from etl.store import review
from etl.store.accounts import read_security_events
from etl.store.engine import zone_exists
from etl.store.restricted import read_audit_log
from etl.uploads.jobs import Progress
from etl.uploads.records import PublishedRelease, Submission
from etl.uploads.report import StoredUpload, ValidationReport

if TYPE_CHECKING:
    from etl.app import Stores

STATE_LABELS = {
    "pending": "wartet auf Prüfung",
    "accepted": "angenommen",
    "rejected": "zurückgewiesen",
}


def release_lineage(stores: Stores) -> tuple[dict[str, list[str]], str | None]:
    """For each upload id the releases containing it (oldest first), and the live release."""
    from etl.store.published import list_releases

    engine = stores.publisher
    if not zone_exists(engine, "releases"):
        return {}, None
    releases = list_releases(engine).sort_values("sequence")
    lineage: dict[str, list[str]] = {}
    live = None
    for row in releases.itertuples():
        live = row.release_id if row.live else live
        uploads = json.loads(row.sources).get("uploads", {})
        ids = (
            uploads
            if isinstance(uploads, list)
            else [u for year in uploads.values() for u in year.values()]
        )
        for upload_id in ids:
            lineage.setdefault(upload_id, []).append(row.release_id)
    return lineage, live


def status_text(upload: dict[str, Any], releases: list[str], live: str | None) -> str:
    """pending / accepted / rejected / live in release Rxxxx / replaced by a newer upload."""
    if live in releases:
        return f"veröffentlicht in {live} (live)"
    if upload["state"] != "active":
        where = f", war in {releases[-1]}" if releases else ""
        return f"ersetzt durch neuere Meldung{where}"
    if releases:
        return f"{STATE_LABELS[upload['review_state']]}, enthalten in {releases[-1]}"
    return STATE_LABELS.get(upload["review_state"], upload["review_state"])


def submissions(stores: Stores, account: Account) -> list[Submission]:
    """Uploads the account may see (an uploader: only their municipalities'), with status."""
    require(account, "submissions")
    restricted = stores.restricted
    scope = None if account.role == "statistician" else list(account.municipalities)
    frame = review.uploads_of(restricted, scope)
    lineage, live = release_lineage(stores)
    rows = []
    for upload in frame.to_dict("records"):
        releases = lineage.get(upload["upload_id"], [])
        rows.append(
            Submission(
                upload_id=upload["upload_id"],
                municipality=upload["municipality"],
                reference_date=str(pd.Timestamp(upload["reference_date"]).date()),
                file_name=upload["file_name"],
                uploaded_by=upload["uploaded_by"],
                received_at=str(pd.Timestamp(upload["received_at"]))[:19],
                status=status_text(upload, releases, live),
                state=upload["state"],
                review_state=upload["review_state"],
                live=live in releases,
                release=(live if live in releases else releases[-1]) if releases else None,
            )
        )
    return rows


def submission_report(stores: Stores, account: Account, upload_id: str) -> ValidationReport | None:
    """The validation report stored with an upload (None: loaded by the CLI, no report).

    Only for those who may see the upload's municipality; AccessDenied for others.
    """
    require(account, "submissions")
    restricted, accounts = stores.restricted, stores.accounts
    frame = review.uploads_of(restricted)
    match = frame[frame["upload_id"] == upload_id]
    if match.empty or not account.may_see(match["municipality"].iloc[0]):
        raise AccessDenied("Diese Meldung gibt es nicht oder sie gehört einer anderen Gemeinde.")
    return _stored_report(accounts, upload_id)


def _stored_report(accounts: Engine, upload_id: str) -> ValidationReport | None:
    """The report of the store job that created an upload, if a portal job created it."""
    job = job_store.job_for_upload(accounts, upload_id)
    return StoredUpload.from_json(job.result).report if job else None


def review_queue(stores: Stores, account: Account) -> list[Submission]:
    """Active uploads waiting for a decision, with the warnings of their validation."""
    require(account, "review")
    waiting = [r for r in submissions(stores, account) if r.awaits_review]
    accounts = stores.accounts
    rows = []
    for row in waiting:
        report = _stored_report(accounts, row.upload_id)
        warnings = report.warnings if report else ()
        rows.append(dataclasses.replace(row, warnings=warnings))
    return rows


def decide(stores: Stores, account: Account, upload_id: str, state: str, note: str = "") -> None:
    require(account, "review")
    restricted = stores.restricted
    review.set_review_state(restricted, upload_id, state, actor=account.username, note=note)


def start_publish(stores: Stores, account: Account, note: str = "", *, wait: bool = False) -> str:
    """Publish a release in the background (etl.pipeline.publish); returns the job id."""
    require(account, "publish")

    def work(progress: Progress) -> dict[str, Any]:
        from etl.pipeline import publish

        steps = iter(range(10, 95, 5))
        report = publish(
            stores.settings,
            actor=account.username,
            note=note[:500],
            progress=lambda message: progress(next(steps, 95), message),
            engines=(stores.restricted, stores.publisher),
        )
        return PublishedRelease(report.release_id, report.summary()).to_json()

    return stores.jobs.submit("publish", account.username, work, wait=wait)


def live_release(stores: Stores) -> str | None:
    return release_lineage(stores)[1]


def audit_entries(stores: Stores, account: Account, limit: int = 200) -> list[dict]:
    """Uploads, reviews and releases (restricted audit log) and logins (accounts store)."""
    require(account, "audit")
    restricted, accounts = stores.restricted, stores.accounts
    entries = [
        {
            "at": str(pd.Timestamp(r["at"]))[:19],
            "actor": r["actor"],
            "action": r["action"],
            "detail": r["detail"],
        }
        for r in read_audit_log(restricted, limit).to_dict("records")
    ]
    entries += [
        {
            "at": str(pd.Timestamp(r["at"]).tz_localize(None))[:19],
            "actor": r["actor"],
            "action": r["action"],
            "detail": f"{r['detail']} {r['remote_addr']}".strip(),
        }
        for r in read_security_events(accounts, limit)
    ]
    return sorted(entries, key=lambda e: e["at"], reverse=True)[:limit]
