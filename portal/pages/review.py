"""Review queue and release: accept or reject pending uploads, publish a release."""

from __future__ import annotations

from typing import Any

from dash import ALL, Input, Output, State, ctx, dcc, html
from dash.exceptions import PreventUpdate

from etl.accounts.service import Account
from etl.app import Stores
from etl.errors import EtlError
from etl.uploads import service, workflow
from etl.uploads.records import Check, Job
from i18n import DEFAULT_LANGUAGE, N_
from i18n import translate as t
from portal import components, ids, reports
from portal.pages.submissions import report_link
from portal.security import current_account

COLUMNS = [
    ("municipality", N_("portal_col_municipality")),
    ("reference_date", N_("portal_col_reference_date")),
    ("uploaded_by", N_("portal_col_by")),
    ("received_at", N_("portal_col_received")),
    ("hints", N_("portal_col_hints")),
]

VERDICTS = {"accepted": N_("portal_review_accepted"), "rejected": N_("portal_review_rejected")}


def _buttons(row: dict[str, Any], lang: str, default: str) -> html.Div:
    upload = row["upload_id"]
    return html.Div(
        [
            report_link(upload, lang, default),
            html.Button(
                t("portal_review_accept", lang),
                id={"type": ids.REVIEW_DECIDE, "upload": upload, "state": "accepted"},
                **{"aria-label": t("portal_review_accept_upload", lang, upload=upload)},
            ),
            html.Button(
                t("portal_review_reject", lang),
                className="danger",
                id={"type": ids.REVIEW_DECIDE, "upload": upload, "state": "rejected"},
                **{"aria-label": t("portal_review_reject_upload", lang, upload=upload)},
            ),
        ],
        className="actions",
    )


def queue_view(stores: Stores, account: Account, lang: str = DEFAULT_LANGUAGE) -> html.Table:
    rows = [
        {**s.to_dict(), "hints": hints(s.warnings, lang)}
        for s in workflow.review_queue(stores, account)
    ]
    default = stores.settings.language
    return components.table(
        rows,
        components.labelled(COLUMNS, lang),
        caption=t("portal_review_caption", lang),
        extra=lambda row: _buttons(row, lang, default),
        lang=lang,
    )


def hints(warnings: tuple[Check, ...], lang: str) -> str:
    """The warning titles in one line (as the checks name them), or "none" in `lang`."""
    return "; ".join(w.title for w in warnings) or t("portal_review_no_hints", lang)


def live_text(stores: Stores, lang: str = DEFAULT_LANGUAGE) -> str:
    live = workflow.live_release(stores)
    return t("portal_review_live", lang, release=live) if live else t("portal_no_release", lang)


def layout(stores: Stores, account: Account, search: str) -> html.Div:
    lang = components.lang_of(search, stores.settings.language)
    return html.Div(
        [
            html.H1(t("portal_page_review", lang)),
            html.Section(
                [
                    html.H2(t("portal_review_queue", lang)),
                    html.Div(id=ids.REVIEW_MESSAGE),
                    html.Div(queue_view(stores, account, lang), id=ids.REVIEW_QUEUE),
                ],
                className="card",
            ),
            html.Section(
                [
                    html.H2(t("portal_review_publish", lang)),
                    html.P(live_text(stores, lang), id=ids.LIVE_RELEASE),
                    html.P(t("portal_review_publish_intro", lang), className="muted"),
                    html.Label(t("portal_review_note", lang), htmlFor=ids.PUBLISH_NOTE),
                    dcc.Input(id=ids.PUBLISH_NOTE, type="text", maxLength=500, debounce=False),
                    html.Div(
                        html.Button(t("portal_review_publish_button", lang), id=ids.PUBLISH_BUTTON),
                        className="actions",
                        style={"marginTop": "1rem"},
                    ),
                    dcc.Store(id=ids.PUBLISH_JOB),
                    dcc.Interval(id=ids.PUBLISH_POLL, interval=1000, disabled=True),
                    html.Div(id=ids.PUBLISH_STATUS, **{"aria-live": "polite"}),
                ],
                className="card",
            ),
        ],
        lang=lang,
    )


def publish_outcome(job: Job, lang: str = DEFAULT_LANGUAGE) -> tuple[Any, bool]:
    """(what to show, stop polling) for a publish job."""
    if not job.finished:
        return reports.job_view(job, lang), False
    return reports.published_view(job, lang), True


def register(app, stores: Stores) -> None:
    @app.callback(
        Output(ids.REVIEW_QUEUE, "children"),
        Output(ids.REVIEW_MESSAGE, "children"),
        Input({"type": ids.REVIEW_DECIDE, "upload": ALL, "state": ALL}, "n_clicks"),
        State(ids.LOCATION, "search"),
        prevent_initial_call=True,
    )
    def on_decide(clicks, search):
        if not ctx.triggered_id or not any(clicks):
            raise PreventUpdate
        account, target = current_account(), ctx.triggered_id
        lang = components.lang_of(search or "", stores.settings.language)
        try:
            workflow.decide(stores, account, target["upload"], target["state"])
            verdict = t(VERDICTS[target["state"]], lang, upload=target["upload"])
            message = components.notice(verdict, "ok")
        except EtlError as error:
            message = components.notice(str(error), "error")
        return queue_view(stores, account, lang), message

    @app.callback(
        Output(ids.PUBLISH_JOB, "data"),
        Output(ids.PUBLISH_POLL, "disabled"),
        Input(ids.PUBLISH_BUTTON, "n_clicks"),
        State(ids.PUBLISH_NOTE, "value"),
        prevent_initial_call=True,
    )
    def on_publish(clicks, note):
        if not clicks:
            raise PreventUpdate
        return workflow.start_publish(stores, current_account(), note or ""), False

    @app.callback(
        Output(ids.PUBLISH_STATUS, "children"),
        Output(ids.PUBLISH_POLL, "disabled", allow_duplicate=True),
        Output(ids.LIVE_RELEASE, "children"),
        Input(ids.PUBLISH_POLL, "n_intervals"),
        State(ids.PUBLISH_JOB, "data"),
        State(ids.LOCATION, "search"),
        prevent_initial_call=True,
    )
    def on_poll(_, job_id, search):
        if not job_id:
            raise PreventUpdate
        lang = components.lang_of(search or "", stores.settings.language)
        shown, stop = publish_outcome(service.job_status(stores, current_account(), job_id), lang)
        return shown, stop, live_text(stores, lang)
