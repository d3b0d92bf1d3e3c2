"""What the portal can do, each function checking the account first: the portal's only gateway.

Each function takes the process's application object (`etl.app.Stores`): its engines and job
runner. Validation and storing run as background jobs (etl.uploads.jobs); the store step writes the
restricted zone through `etl.store.restricted.save_extract` (one transaction), publishing goes
through `etl.pipeline.publish`, the same code path as `python -m etl publish`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from etl.accounts.service import AccessDenied, Account, require
from etl.errors import InputError
from etl.store import jobs as job_store
from etl.store.accounts import log_security_event
from etl.uploads import intake
from etl.uploads.jobs import Progress, new_job_id
from etl.uploads.report import StoredUpload, ValidationReport
from etl.uploads.territory import check_upload
from etl.uploads.validate import build_report, check_scope, refused

if TYPE_CHECKING:
    from etl.app import Stores


def start_validation(
    stores: Stores,
    account: Account,
    files: list[intake.UploadedFile],
    *,
    wait: bool = False,
    remote_addr: str = "",
) -> str:
    """Stage the files and validate them in the background; returns the job id."""
    require(account, "upload")
    settings, restricted, accounts = stores.settings, stores.restricted, stores.accounts
    job_id = new_job_id()
    label = ", ".join(intake.safe_name(f.name) for f in files)[:200]
    try:
        path = intake.stage(settings, job_id, files)
    except InputError as error:
        intake.discard(settings, job_id)
        report = refused(label, error)
        log_security_event(
            accounts,
            account.username,
            "upload-refused",
            remote_addr=remote_addr,
            reason=str(error)[:300],
        )
        return stores.jobs.submit(
            "validate", account.username, lambda _: report.to_json(), job_id=job_id, wait=wait
        )

    def work(progress: Progress) -> dict[str, Any]:
        try:
            report = build_report(settings, restricted, account, path, label, progress)
        except BaseException:
            intake.discard(settings, job_id)
            raise
        if not report.ok:
            intake.discard(settings, job_id)
            log_security_event(
                accounts,
                account.username,
                "upload-refused",
                remote_addr=remote_addr,
                reason=report.errors[0].message[:300],
            )
        return report.to_json()

    return stores.jobs.submit("validate", account.username, work, job_id=job_id, wait=wait)


def job_status(stores: Stores, account: Account, job_id: str) -> job_store.Job:
    """A job of this account (state, progress, message, result); AccessDenied for others'."""
    job = job_store.read_job(stores.accounts, job_id) if isinstance(job_id, str) else None
    if job is None or job.owner != account.username:
        raise AccessDenied("Diesen Auftrag gibt es nicht oder er gehört einem anderen Konto.")
    return job


def start_store(
    stores: Stores, account: Account, validation_job: str, *, wait: bool = False
) -> str:
    """Store a validated upload (review state pending) in the background; returns the job id."""
    require(account, "upload")
    job = job_status(stores, account, validation_job)
    report = ValidationReport.from_json(job.result)
    if job.kind != "validate" or job.state != "done" or not report.ok:
        raise InputError("Nur eine erfolgreich geprüfte Datei kann übernommen werden.")
    settings, restricted = stores.settings, stores.restricted

    def work(progress: Progress) -> dict[str, Any]:
        from etl.extract.anonymised import read_extract
        from etl.store.restricted import bundle_sha256, save_extract

        progress(20, "Auszug erneut lesen …")
        bundle = read_extract(intake.staged_path(settings, validation_job))
        check_scope(bundle, account, {})
        check_upload(restricted, bundle, settings)  # the registry may have changed meanwhile
        if bundle_sha256(bundle) != report.sha256:
            raise InputError("Die Datei hat sich seit der Prüfung verändert; bitte neu hochladen.")
        progress(60, "In den geschützten Bereich übernehmen …")
        # save_extract serialises uploads of one municipality itself (advisory lock, unique
        # index on active uploads), so a re-upload always supersedes the previous one.
        upload_id = save_extract(
            restricted,
            bundle,
            file_name=report.file,
            actor=account.username,
            review_state="pending",
        )
        intake.discard(settings, validation_job)
        return StoredUpload(upload_id, report).to_json()

    return stores.jobs.submit("store", account.username, work, wait=wait)


def discard_validation(stores: Stores, account: Account, validation_job: str) -> None:
    job_status(stores, account, validation_job)
    intake.discard(stores.settings, validation_job)
