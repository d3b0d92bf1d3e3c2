"""Ortsteile (statisticians): the registered sub-area keys per Gemeinde, and uploading a list.

Uploads may use only registered Ortsteil keys; a list uploaded here replaces the registered
Ortsteile of every Gemeinde it names (the same as `python -m etl import-subareas`).
"""

from __future__ import annotations

from dash import Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from etl.accounts.service import Account
from etl.app import Stores
from etl.errors import EtlError
from etl.uploads import registry
from i18n import DEFAULT_LANGUAGE, N_
from i18n import translate as t
from portal import components, ids
from portal.decode import decode_upload
from portal.security import current_account

ACCEPT = ".csv,.txt,.tsv,.xlsx,.parquet,.gpkg,.geojson,.json,.zip"
COLUMNS = [
    ("municipality", N_("portal_col_municipality")),
    ("municipality_name", N_("portal_col_municipality_name")),
    ("area_key", N_("portal_col_area_key")),
    ("name", N_("portal_col_subarea")),
    ("source", N_("portal_col_source")),
    ("registered_at", N_("portal_col_registered")),
    ("registered_by", N_("portal_col_by")),
]


def registry_view(stores: Stores, account: Account, lang: str = DEFAULT_LANGUAGE) -> html.Div:
    """One table per Gemeinde with its registered Ortsteile."""
    rows = registry.registered_subareas(stores, account)
    if not rows:
        return html.P(t("portal_subareas_none", lang), className="muted")
    by_municipality: dict[str, list[dict]] = {}
    for row in rows:
        by_municipality.setdefault(row["municipality"], []).append(row)
    return html.Div(
        [
            components.table(
                members,
                components.labelled(COLUMNS[2:], lang),
                caption=t(
                    "portal_subareas_caption",
                    lang,
                    municipality=f"{municipality} {members[0]['municipality_name']}",
                    count=len(members),
                ),
                lang=lang,
            )
            for municipality, members in sorted(by_municipality.items())
        ]
    )


def _field(label: str, component_id: str, value: str, placeholder: str = "") -> html.Div:
    return html.Div(
        [
            html.Label(label, htmlFor=component_id),
            dcc.Input(id=component_id, type="text", value=value, placeholder=placeholder),
        ]
    )


def layout(stores: Stores, account: Account, search: str) -> html.Div:
    lang = components.lang_of(search, stores.settings.language)
    return html.Div(
        [
            html.H1(t("portal_page_subareas", lang)),
            html.P(t("portal_subareas_intro", lang)),
            html.Section(
                [
                    html.H2(t("portal_subareas_upload", lang), id="subareas-heading"),
                    html.P(t("portal_subareas_formats", lang), className="muted"),
                    _field(t("portal_subareas_key_column", lang), ids.SUBAREAS_KEY, "key"),
                    _field(t("portal_subareas_name_column", lang), ids.SUBAREAS_NAME, "name"),
                    _field(
                        t("portal_subareas_layer", lang),
                        ids.SUBAREAS_LAYER,
                        "",
                        t("portal_subareas_layer_example", lang),
                    ),
                    dcc.Upload(
                        id=ids.SUBAREAS_UPLOAD,
                        multiple=False,
                        accept=ACCEPT,
                        className="dropzone",
                        children=html.Div(
                            [
                                html.P(t("portal_subareas_drop", lang)),
                                html.Button(
                                    t("portal_choose_file", lang),
                                    type="button",
                                    className="secondary",
                                ),
                            ]
                        ),
                    ),
                    html.Div(id=ids.SUBAREAS_MESSAGE, **{"aria-live": "polite"}),
                ],
                className="card",
                **{"aria-labelledby": "subareas-heading"},
            ),
            html.Section(
                [
                    html.H2(t("portal_subareas_registered", lang)),
                    html.Div(registry_view(stores, account, lang), id=ids.SUBAREAS_TABLE),
                ],
                className="card",
            ),
        ],
        lang=lang,
    )


def register_list(stores: Stores, contents, filename, key, name, layer, lang=DEFAULT_LANGUAGE):
    """(message, refreshed registry) after an uploaded list: registered, or why not."""
    account = current_account()
    try:
        (upload,) = decode_upload(contents, filename, registry.MAX_LIST_BYTES)
        done = registry.register_subareas(stores, account, upload, key=key, name=name, layer=layer)
        counts = ", ".join(f"{m}: {n}" for m, n in done.municipalities.items())
        message = components.notice(
            t("portal_subareas_done", lang, file=done.file, counts=counts), "ok"
        )
    except EtlError as error:
        message = components.notice(
            [html.Strong(t("portal_subareas_refused", lang)), " ", str(error)], "error"
        )
    return message, registry_view(stores, account, lang)


def register(app, stores: Stores) -> None:
    @app.callback(
        Output(ids.SUBAREAS_MESSAGE, "children"),
        Output(ids.SUBAREAS_TABLE, "children"),
        Output(ids.SUBAREAS_UPLOAD, "contents"),
        Input(ids.SUBAREAS_UPLOAD, "contents"),
        State(ids.SUBAREAS_UPLOAD, "filename"),
        State(ids.SUBAREAS_KEY, "value"),
        State(ids.SUBAREAS_NAME, "value"),
        State(ids.SUBAREAS_LAYER, "value"),
        State(ids.LOCATION, "search"),
        prevent_initial_call=True,
    )
    def on_list(contents, filename, key, name, layer, search):
        if not contents:
            raise PreventUpdate
        lang = components.lang_of(search or "", stores.settings.language)
        message, table = register_list(stores, contents, filename, key, name, layer, lang)
        return message, table, None
