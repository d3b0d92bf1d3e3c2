"""Upload page: drop an extract, see the validation report, confirm or discard."""

from __future__ import annotations

from typing import Any

import flask
from dash import Input, Output, State, dcc, html, no_update
from dash.exceptions import PreventUpdate

from etl.accounts.service import Account
from etl.app import Stores
from etl.errors import EtlError
from etl.uploads import service
from etl.uploads.records import Job, StoredUpload, ValidationReport
from i18n import DEFAULT_LANGUAGE
from i18n import translate as t
from portal import components, ids, reports
from portal.decode import decode_upload
from portal.security import current_account

ACCEPT = ".zip,.csv,.txt,.tsv,.xlsx,.parquet,.json"


def layout(stores: Stores, account: Account, search: str) -> html.Div:
    max_bytes = stores.settings.upload_max_bytes
    lang = components.lang_of(search, stores.settings.language)
    return html.Div(
        [
            html.H1(t("portal_upload_title", lang)),
            html.P(
                [
                    t("portal_upload_reports_for", lang),
                    html.Strong(", ".join(account.municipalities)),
                    ". ",
                    t("portal_upload_intro", lang),
                ]
            ),
            html.Section(
                [
                    html.H2(t("portal_upload_choose", lang), id="upload-heading"),
                    dcc.Upload(
                        id=ids.UPLOAD,
                        multiple=True,
                        max_size=max_bytes,
                        accept=ACCEPT,
                        className="dropzone",
                        children=html.Div(
                            [
                                html.P(t("portal_upload_drop", lang)),
                                # The drop zone itself takes no keyboard focus; a button does, and
                                # its click bubbles to the zone, which opens the file dialog.
                                html.Button(
                                    t("portal_choose_file", lang),
                                    type="button",
                                    className="secondary",
                                ),
                                html.P(
                                    t("portal_upload_max", lang, mb=max_bytes // 1_000_000),
                                    className="muted",
                                ),
                            ]
                        ),
                    ),
                ],
                className="card",
                **{"aria-labelledby": "upload-heading"},
            ),
            dcc.Store(id=ids.UPLOAD_JOB),
            dcc.Interval(id=ids.UPLOAD_POLL, interval=600, disabled=True),
            html.Section(
                [
                    html.H2(t("portal_report", lang)),
                    html.Div(
                        html.P(t("portal_upload_nothing_checked", lang), className="muted"),
                        id=ids.UPLOAD_STATUS,
                        **{"aria-live": "polite"},
                    ),
                    html.Div(
                        [
                            html.Button(
                                t("portal_upload_confirm", lang), id=ids.UPLOAD_CONFIRM, hidden=True
                            ),
                            html.Button(
                                t("portal_upload_discard", lang),
                                id=ids.UPLOAD_DISCARD,
                                hidden=True,
                                className="secondary",
                            ),
                        ],
                        className="actions",
                    ),
                ],
                className="card",
            ),
        ],
        lang=lang,
    )


def job_outcome(job: Job, lang: str = DEFAULT_LANGUAGE) -> tuple[Any, bool, bool]:
    """(what to show, stop polling, hide the confirm buttons) for a validate or store job."""
    if not job.finished:
        return reports.job_view(job, lang), False, True
    report = ValidationReport.from_json(job.result)  # a failed job's result reads as refused
    if job.state == "failed" and not report.errors:
        return components.notice(job.message, "error"), True, True
    if job.kind == "store":
        if not report.ok:
            return reports.errors_view(report, lang), True, True
        upload_id = StoredUpload.from_json(job.result).upload_id
        return reports.stored_view(upload_id, lang), True, True
    return reports.report_view(report, lang), True, not report.ok


def start(stores: Stores, contents: Any, names: Any) -> str:
    files = decode_upload(contents, names, stores.settings.upload_max_bytes)
    address = flask.request.remote_addr or ""
    return service.start_validation(stores, current_account(), files, remote_addr=address)


def register(app, stores: Stores) -> None:
    @app.callback(
        Output(ids.UPLOAD_JOB, "data"),
        Output(ids.UPLOAD_POLL, "disabled"),
        Output(ids.UPLOAD_STATUS, "children"),
        Output(ids.UPLOAD, "contents"),
        Input(ids.UPLOAD, "contents"),
        State(ids.UPLOAD, "filename"),
        State(ids.LOCATION, "search"),
        prevent_initial_call=True,
    )
    def on_upload(contents, names, search):
        if not contents:
            raise PreventUpdate
        lang = components.lang_of(search or "", stores.settings.language)
        try:
            job_id = start(stores, contents, names)
            return job_id, False, components.notice(t("portal_upload_checking", lang)), None
        except EtlError as error:
            return None, True, components.notice(str(error), "error"), None

    @app.callback(
        Output(ids.UPLOAD_JOB, "data", allow_duplicate=True),
        Output(ids.UPLOAD_POLL, "disabled", allow_duplicate=True),
        Input(ids.UPLOAD_CONFIRM, "n_clicks"),
        State(ids.UPLOAD_JOB, "data"),
        prevent_initial_call=True,
    )
    def on_confirm(clicks, job_id):
        if not clicks or not job_id:
            raise PreventUpdate
        return service.start_store(stores, current_account(), job_id), False

    @app.callback(
        Output(ids.UPLOAD_JOB, "data", allow_duplicate=True),
        Output(ids.UPLOAD_STATUS, "children", allow_duplicate=True),
        Output(ids.UPLOAD_CONFIRM, "hidden", allow_duplicate=True),
        Output(ids.UPLOAD_DISCARD, "hidden", allow_duplicate=True),
        Input(ids.UPLOAD_DISCARD, "n_clicks"),
        State(ids.UPLOAD_JOB, "data"),
        State(ids.LOCATION, "search"),
        prevent_initial_call=True,
    )
    def on_discard(clicks, job_id, search):
        if not clicks or not job_id:
            raise PreventUpdate
        service.discard_validation(stores, current_account(), job_id)
        lang = components.lang_of(search or "", stores.settings.language)
        return None, components.notice(t("portal_upload_discarded", lang)), True, True

    @app.callback(
        Output(ids.UPLOAD_STATUS, "children", allow_duplicate=True),
        Output(ids.UPLOAD_POLL, "disabled", allow_duplicate=True),
        Output(ids.UPLOAD_CONFIRM, "hidden"),
        Output(ids.UPLOAD_DISCARD, "hidden"),
        Input(ids.UPLOAD_POLL, "n_intervals"),
        State(ids.UPLOAD_JOB, "data"),
        State(ids.LOCATION, "search"),
        prevent_initial_call=True,
    )
    def on_poll(_, job_id, search):
        if not job_id:
            return no_update, True, True, True
        lang = components.lang_of(search or "", stores.settings.language)
        job = service.job_status(stores, current_account(), job_id)
        shown, stop, hide = job_outcome(job, lang)
        return shown, stop, hide, hide
