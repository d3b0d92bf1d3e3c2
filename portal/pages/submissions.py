"""Submissions: an uploader's own uploads (a statistician's: all) with status and report."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode

from dash import dcc, html

from etl.accounts.service import Account
from etl.app import Stores
from etl.errors import EtlError
from etl.uploads import workflow
from etl.uploads.records import Submission
from i18n import N_, normalise_lang
from i18n import translate as t
from portal import components, reports

COLUMNS = [
    ("municipality", N_("portal_col_municipality")),
    ("reference_date", N_("portal_col_reference_date")),
    ("received_at", N_("portal_col_received")),
    ("uploaded_by", N_("portal_col_by")),
    ("file_name", N_("portal_col_file")),
    ("status", N_("portal_col_status")),
]


REVIEW_STATES = {
    "pending": N_("portal_status_pending"),
    "accepted": N_("portal_status_accepted"),
    "rejected": N_("portal_status_rejected"),
}


def status_label(submission: Submission, lang: str) -> str:
    """The status of a submission in `lang` (the ETL's `status` field is German)."""
    release = submission.release
    if submission.live:
        return t("portal_status_live", lang, release=release)
    if submission.state != "active":
        if release:
            return t("portal_status_replaced_was_in", lang, release=release)
        return t("portal_status_replaced", lang)
    state = submission.review_state
    label = t(REVIEW_STATES[state], lang) if state in REVIEW_STATES else state
    return t("portal_status_in_release", lang, state=label, release=release) if release else label


def _report(stores: Stores, account: Account, upload_id: str, lang: str) -> html.Section:
    try:
        report = workflow.submission_report(stores, account, upload_id)
    except EtlError as error:
        return html.Section(
            components.notice(str(error), "error"), className="card", id="submission-report"
        )
    body = (
        reports.report_view(report, lang)
        if report is not None
        else html.P(t("portal_submissions_no_report", lang))
    )
    return html.Section(
        [html.H2(t("portal_report_of", lang, upload=upload_id)), body],
        className="card",
        id="submission-report",
    )


def layout(stores: Stores, account: Account, search: str) -> html.Div:
    lang = components.lang_of(search, stores.settings.language)
    rows = [
        {**submission.to_dict(), "status": status_label(submission, lang)}
        for submission in workflow.submissions(stores, account)
    ]
    wanted = parse_qs(search.lstrip("?")).get("id", [""])[0]
    parts = [
        html.H1(t("portal_page_submissions", lang)),
        html.P(t("portal_submissions_states", lang), className="muted"),
    ]
    if wanted:
        parts.append(_report(stores, account, wanted, lang))
    parts.append(
        html.Section(
            components.table(
                rows,
                components.labelled(COLUMNS, lang),
                caption=t("portal_submissions_caption", lang),
                extra=lambda r: report_link(r["upload_id"], lang, stores.settings.language),
                lang=lang,
            ),
            className="card",
        )
    )
    return html.Div(parts, lang=lang)


def report_link(upload_id: str, lang: str, default: str) -> dcc.Link:
    """A link to the report of one upload, keeping the language when it is not the default."""
    query = {"id": upload_id, **({"lang": lang} if lang != normalise_lang(default) else {})}
    return dcc.Link(
        t("portal_report_link", lang),
        href=f"/meldungen?{urlencode(query)}",
        title=t("portal_report_of", lang, upload=upload_id),
    )
