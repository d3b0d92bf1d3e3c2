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
from portal import components, ids
from portal.decode import decode_upload
from portal.security import current_account

ACCEPT = ".csv,.txt,.tsv,.xlsx,.parquet,.gpkg,.geojson,.json,.zip"
COLUMNS = [
    ("municipality", "Gemeinde"),
    ("municipality_name", "Name der Gemeinde"),
    ("area_key", "Ortsteil-Schlüssel"),
    ("name", "Ortsteil"),
    ("source", "Quelle"),
    ("registered_at", "registriert (UTC)"),
    ("registered_by", "von"),
]


def registry_view(stores: Stores, account: Account) -> html.Div:
    """One table per Gemeinde with its registered Ortsteile."""
    rows = registry.registered_subareas(stores, account)
    if not rows:
        return html.P("Noch keine Ortsteile registriert.", className="muted")
    by_municipality: dict[str, list[dict]] = {}
    for row in rows:
        by_municipality.setdefault(row["municipality"], []).append(row)
    return html.Div(
        [
            components.table(
                members,
                COLUMNS[2:],
                caption=f"{municipality} {members[0]['municipality_name']}: "
                f"{len(members)} Ortsteile",
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
    return html.Div(
        [
            html.H1("Ortsteile"),
            html.P(
                "Meldungen dürfen nur registrierte Ortsteil-Schlüssel (<AGS>-<Code>) "
                "verwenden; alles andere wird abgelehnt. Eine hochgeladene Liste ersetzt die "
                "registrierten Ortsteile jeder Gemeinde, die sie nennt."
            ),
            html.Section(
                [
                    html.H2("Liste hochladen", id="subareas-heading"),
                    html.P(
                        "CSV oder XLSX mit Schlüssel- und Namensspalte, oder Ortsteilgrenzen "
                        "(GeoPackage, GeoJSON) mit diesen Spalten. Codes sind kurze Nummern "
                        "(001, 12, 4a); Namen oder Personennummern als Code werden abgelehnt.",
                        className="muted",
                    ),
                    _field("Schlüsselspalte", ids.SUBAREAS_KEY, "key"),
                    _field("Namensspalte", ids.SUBAREAS_NAME, "name"),
                    _field("Ebene (nur GeoPackage)", ids.SUBAREAS_LAYER, "", "z. B. ortsteile"),
                    dcc.Upload(
                        id=ids.SUBAREAS_UPLOAD,
                        multiple=False,
                        accept=ACCEPT,
                        className="dropzone",
                        children=html.Div(
                            [
                                html.P("Liste hierher ziehen oder"),
                                html.Button(
                                    "Datei auswählen …", type="button", className="secondary"
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
                    html.H2("Registrierte Ortsteile"),
                    html.Div(registry_view(stores, account), id=ids.SUBAREAS_TABLE),
                ],
                className="card",
            ),
        ]
    )


def register_list(stores: Stores, contents, filename, key, name, layer):
    """(message, refreshed registry) after an uploaded list: registered, or why not."""
    account = current_account()
    try:
        (upload,) = decode_upload(contents, filename, registry.MAX_LIST_BYTES)
        done = registry.register_subareas(stores, account, upload, key=key, name=name, layer=layer)
        message = components.notice(done.text(), "ok")
    except EtlError as error:
        message = components.notice(
            [html.Strong("Nicht registriert; nichts wurde geändert. "), str(error)], "error"
        )
    return message, registry_view(stores, account)


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
        prevent_initial_call=True,
    )
    def on_list(contents, filename, key, name, layer):
        if not contents:
            raise PreventUpdate
        message, table = register_list(stores, contents, filename, key, name, layer)
        return message, table, None
