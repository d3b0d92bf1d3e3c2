"""Review queue and release: accept or reject pending uploads, publish a release."""

from __future__ import annotations

from typing import Any

from dash import ALL, Input, Output, State, ctx, dcc, html
from dash.exceptions import PreventUpdate

from etl.accounts.service import Account
from etl.app import Stores
from etl.errors import EtlError
from etl.uploads import service, workflow
from etl.uploads.records import Job
from portal import components, ids, reports
from portal.security import current_account

COLUMNS = [
    ("municipality", "Gemeinde"),
    ("reference_date", "Stichtag"),
    ("uploaded_by", "von"),
    ("received_at", "Eingang (UTC)"),
    ("hints", "Hinweise"),
]


def _buttons(row: dict[str, Any]) -> html.Div:
    upload = row["upload_id"]
    return html.Div(
        [
            dcc.Link("Bericht", href=f"/meldungen?id={upload}"),
            html.Button(
                "Annehmen",
                id={"type": ids.REVIEW_DECIDE, "upload": upload, "state": "accepted"},
                **{"aria-label": f"{upload} annehmen"},
            ),
            html.Button(
                "Zurückweisen",
                className="danger",
                id={"type": ids.REVIEW_DECIDE, "upload": upload, "state": "rejected"},
                **{"aria-label": f"{upload} zurückweisen"},
            ),
        ],
        className="actions",
    )


def queue_view(stores: Stores, account: Account) -> html.Table:
    rows = [{**s.to_dict(), "hints": s.hints} for s in workflow.review_queue(stores, account)]
    return components.table(
        rows, COLUMNS, caption="Meldungen, die auf Prüfung warten", extra=_buttons
    )


def live_text(stores: Stores) -> str:
    live = workflow.live_release(stores)
    return f"Live: {live}" if live else "Noch keine Veröffentlichung."


def layout(stores: Stores, account: Account, search: str) -> html.Div:
    return html.Div(
        [
            html.H1("Prüfung und Freigabe"),
            html.Section(
                [
                    html.H2("Warteschlange"),
                    html.Div(id=ids.REVIEW_MESSAGE),
                    html.Div(queue_view(stores, account), id=ids.REVIEW_QUEUE),
                ],
                className="card",
            ),
            html.Section(
                [
                    html.H2("Veröffentlichen"),
                    html.P(live_text(stores), id=ids.LIVE_RELEASE),
                    html.P(
                        "Veröffentlicht werden alle angenommenen Meldungen: geheim gehalten, "
                        "geprüft (LP-Audit) und in einem Schritt freigeschaltet – wie "
                        "`python -m etl publish`.",
                        className="muted",
                    ),
                    html.Label("Vermerk zur Veröffentlichung", htmlFor=ids.PUBLISH_NOTE),
                    dcc.Input(id=ids.PUBLISH_NOTE, type="text", maxLength=500, debounce=False),
                    html.Div(
                        html.Button("Veröffentlichung erstellen", id=ids.PUBLISH_BUTTON),
                        className="actions",
                        style={"marginTop": "1rem"},
                    ),
                    dcc.Store(id=ids.PUBLISH_JOB),
                    dcc.Interval(id=ids.PUBLISH_POLL, interval=1000, disabled=True),
                    html.Div(id=ids.PUBLISH_STATUS, **{"aria-live": "polite"}),
                ],
                className="card",
            ),
        ]
    )


def publish_outcome(job: Job, lang: str = "de") -> tuple[Any, bool]:
    """(what to show, stop polling) for a publish job."""
    if not job.finished:
        return reports.job_view(job, lang), False
    return reports.published_view(job, lang), True


def register(app, stores: Stores) -> None:
    @app.callback(
        Output(ids.REVIEW_QUEUE, "children"),
        Output(ids.REVIEW_MESSAGE, "children"),
        Input({"type": ids.REVIEW_DECIDE, "upload": ALL, "state": ALL}, "n_clicks"),
        prevent_initial_call=True,
    )
    def on_decide(clicks):
        if not ctx.triggered_id or not any(clicks):
            raise PreventUpdate
        account, target = current_account(), ctx.triggered_id
        try:
            workflow.decide(stores, account, target["upload"], target["state"])
            verdict = "angenommen" if target["state"] == "accepted" else "zurückgewiesen"
            message = components.notice(f"Meldung {target['upload']} {verdict}.", "ok")
        except EtlError as error:
            message = components.notice(str(error), "error")
        return queue_view(stores, account), message

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
        return shown, stop, live_text(stores)
