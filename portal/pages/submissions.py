"""Submissions: an uploader's own uploads (a statistician's: all) with status and report."""

from __future__ import annotations

from urllib.parse import parse_qs

from dash import dcc, html

from etl.accounts.service import Account
from etl.app import Stores
from etl.errors import EtlError
from etl.uploads import workflow
from portal import components, reports

COLUMNS = [
    ("municipality", "Gemeinde"),
    ("reference_date", "Stichtag"),
    ("received_at", "Eingang (UTC)"),
    ("uploaded_by", "von"),
    ("file_name", "Datei"),
    ("status", "Status"),
]


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
        else html.P(
            "Zu dieser Meldung gibt es keinen Prüfbericht (über die Kommandozeile eingespielt)."
        )
    )
    return html.Section(
        [html.H2(f"Prüfbericht {upload_id}"), body], className="card", id="submission-report"
    )


def layout(stores: Stores, account: Account, search: str) -> html.Div:
    rows = [submission.to_dict() for submission in workflow.submissions(stores, account)]
    wanted = parse_qs(search.lstrip("?")).get("id", [""])[0]
    parts = [
        html.H1("Meldungen"),
        html.P(
            "Status: wartet auf Prüfung → angenommen → veröffentlicht in Rxxxx (live).",
            className="muted",
        ),
    ]
    if wanted:
        lang = components.lang_of(search, stores.settings.language)
        parts.append(_report(stores, account, wanted, lang))
    parts.append(
        html.Section(
            components.table(
                rows,
                COLUMNS,
                caption="Ihre Meldungen, neueste zuerst",
                extra=lambda r: dcc.Link(
                    "Bericht",
                    href=f"/meldungen?id={r['upload_id']}",
                    title=f"Prüfbericht {r['upload_id']}",
                ),
            ),
            className="card",
        )
    )
    return html.Div(parts)
