"""The validation report, a job's progress and its outcome, rendered in the page's language.

The headings, labels and sentences are catalog keys (`i18n`); what the ETL wrote into the
report (error messages, check titles and explanations, progress messages) is shown as stored,
in German, because old job rows hold those texts and not keys.
"""

from __future__ import annotations

from dataclasses import asdict

from dash import html

from etl.uploads.records import Job, PublishedRelease
from etl.uploads.report import Check, SuppressionPreview, TableDiff, ValidationReport
from i18n import DEFAULT_LANGUAGE, N_
from i18n import translate as t
from portal.components import notice, table

LEVEL_KEYS = {
    "ok": N_("report_level_ok"),
    "warning": N_("report_level_warning"),
    "info": N_("report_level_info"),
    "error": N_("report_level_error"),
}


def errors_view(report: ValidationReport, lang: str = DEFAULT_LANGUAGE) -> html.Div:
    """Why an upload was refused, one item per error."""
    items = [html.Li(error.message) for error in report.errors]
    title = N_("report_refused_person_level") if report.person_level else N_("report_refused")
    return html.Div(
        [
            html.H3(t(title, lang)),
            html.Ul(items),
            html.P(t("report_refused_not_stored", lang), className="muted"),
        ],
        className="notice error",
        role="alert",
        id="report-refused",
    )


def checks_view(checks: tuple[Check, ...], lang: str = DEFAULT_LANGUAGE) -> html.Div:
    """The plausibility findings, each with its level as a badge."""
    rows = [
        html.Li(
            [
                html.Span(t(LEVEL_KEYS[c.level], lang), className=f"badge level-{c.level}"),
                " ",
                html.Strong(c.title),
                ": ",
                c.explanation,
            ]
        )
        for c in checks
    ]
    return html.Div([html.H3(t("report_checks", lang)), html.Ul(rows)])


def diff_view(
    replaces: str | None, diff: tuple[TableDiff, ...], lang: str = DEFAULT_LANGUAGE
) -> html.Div:
    """Rows added, removed and changed per table against the upload this one replaces."""
    title = html.H3(t("report_diff", lang))
    if not diff:
        return html.Div([title, html.P(t("report_diff_first", lang))])
    rows = [
        {
            "table": d.table,
            "added": d.added,
            "removed": d.removed,
            "changed": d.changed,
            "total": f"{d.total_old} → {d.total_new}",
        }
        for d in diff
    ]
    columns = [
        ("table", t("report_column_table", lang)),
        ("added", t("report_column_added", lang)),
        ("removed", t("report_column_removed", lang)),
        ("changed", t("report_column_changed", lang)),
        ("total", t("report_column_total", lang)),
    ]
    return html.Div(
        [
            title,
            html.P(t("report_diff_replaces", lang, upload=replaces), className="muted"),
            table(rows, columns, caption=t("report_diff_caption", lang), lang=lang),
        ]
    )


def preview_view(preview: SuppressionPreview | None, lang: str = DEFAULT_LANGUAGE) -> html.Div:
    """Cells per table that disclosure control would suppress, or why there is no preview."""
    title = html.H3(t("report_preview", lang))
    if preview is None or not preview.available:
        reason = preview.reason if preview else t("report_preview_not_computed", lang)
        text = t("report_preview_unavailable", lang, reason=reason)
        return html.Div([title, html.P(text, className="muted")])
    rows = [{**asdict(p), "suppressed": p.suppressed} for p in preview.tables]
    columns = [
        ("table", t("report_column_table", lang)),
        ("cells", t("report_column_cells", lang)),
        ("primary", t("report_column_primary", lang)),
        ("secondary", t("report_column_secondary", lang)),
        ("suppressed", t("report_column_suppressed", lang)),
    ]
    caption = t("report_preview_caption", lang, k=preview.min_count)
    return html.Div(
        [
            title,
            table(rows, columns, caption=caption, lang=lang),
            # The stored note is always the preview's one sentence; the catalog holds it in
            # both languages.
            html.P(t("report_preview_note", lang), className="muted"),
        ]
    )


def report_view(report: ValidationReport, lang: str = DEFAULT_LANGUAGE) -> html.Div:
    """The validation report of one upload."""
    if not report.ok or report.summary is None:
        return errors_view(report, lang)
    summary = report.summary
    text = t(
        "report_ok_summary",
        lang,
        name=f"{summary.municipality} {summary.name}".strip(),
        date=summary.reference_date,
        persons=summary.persons,
        rows=", ".join(f"{k}: {v}" for k, v in summary.rows.items()),
    )
    return html.Div(
        [
            html.Div(
                [html.H3(t("report_ok", lang)), html.P(text)],
                className="notice ok",
                role="status",
            ),
            checks_view(report.checks, lang),
            diff_view(report.replaces, report.diff, lang),
            preview_view(report.preview, lang),
        ],
        id="report-ok",
    )


def job_view(job: Job, lang: str = DEFAULT_LANGUAGE) -> html.Div:
    """Progress of a running job (the result is shown by the page)."""
    return html.Div(
        [
            html.Label(t("job_progress", lang), htmlFor="job-progress"),
            html.Progress(value=str(job.progress), max="100", id="job-progress"),
            html.P(job.message or t("job_queued", lang), className="muted"),
        ],
        role="status",
        **{"aria-live": "polite"},
    )


def stored_view(upload_id: str, lang: str = DEFAULT_LANGUAGE) -> html.Div:
    """The outcome of a store job: the upload now waits for review."""
    return notice(
        [html.Strong(t("job_stored", lang) + " "), t("job_stored_waits", lang, upload=upload_id)],
        "ok",
    )


def published_view(job: Job, lang: str = DEFAULT_LANGUAGE) -> html.Div:
    """The outcome of a publish job: the release and its summary, or why it failed."""
    if job.state == "failed":
        return notice(t("job_not_published", lang, message=job.message), "error")
    published = PublishedRelease.from_json(job.result)
    return notice(
        [
            html.Strong(t("job_published", lang, release=published.release_id)),
            html.Pre(published.summary),
        ],
        "ok",
    )
