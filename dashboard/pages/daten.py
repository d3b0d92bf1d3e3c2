"""Daten: downloads of the current view (CSV UTF-8, CSV for German Excel, XLSX, GeoPackage)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import Dash, Input, Output, State, dcc, html

from dashboard import exports, ids
from dashboard.components.controls import dropdown
from dashboard.components.shell import page_frame
from dashboard.components.table import data_table, field
from dashboard.i18n import fmt_number, normalise_lang, t
from dashboard.indicators import BY_KEY, INDICATORS
from dashboard.pages.common import as_int, default_lang
from dashboard.services import MAP_LEVELS, get_service

PAGE = {"path": "/daten", "name": "Daten", "order": 4, "label_key": "page_daten"}
DATASETS = ("indicator", "population", "households", "events")
FORMATS = ("csv", "csv_excel", "xlsx", "gpkg")
EXTENSIONS = {"csv": "csv", "csv_excel": "csv", "xlsx": "xlsx", "gpkg": "gpkg"}
PREVIEW_ROWS = 12


def layout(
    dataset: str = "indicator",
    level: str = "gemeinde",
    indicator: str = "population",
    year: str | None = None,
    release: str | None = None,
    lang: str | None = None,
    **_: Any,
) -> html.Div:
    lang = normalise_lang(lang, default_lang())
    query = {
        "dataset": dataset,
        "level": level,
        "indicator": indicator,
        "year": year,
        "release": release,
        "lang": lang,
    }
    labels = {
        "indicator": "ds_indicator",
        "population": "ds_population",
        "households": "ds_households",
        "events": "ds_events",
    }
    controls = html.Section(
        className="panel profile-controls",
        children=[
            field(
                t("dataset", lang),
                ids.DATA_DATASET,
                dropdown(
                    lang,
                    id=ids.DATA_DATASET,
                    clearable=False,
                    searchable=False,
                    value=dataset if dataset in DATASETS else "indicator",
                    options=[{"label": t(labels[d], lang), "value": d} for d in DATASETS],
                ),
            ),
            field(
                t("level", lang),
                ids.DATA_LEVEL,
                dropdown(
                    lang,
                    id=ids.DATA_LEVEL,
                    clearable=False,
                    searchable=False,
                    value=level if level in MAP_LEVELS else "gemeinde",
                    options=[{"label": t("lvl_" + v, lang), "value": v} for v in MAP_LEVELS],
                ),
            ),
            field(
                t("indicator", lang),
                ids.DATA_INDICATOR,
                dropdown(
                    lang,
                    id=ids.DATA_INDICATOR,
                    clearable=False,
                    value=indicator if indicator in BY_KEY else "population",
                    options=[{"label": t(i.key, lang), "value": i.key} for i in INDICATORS],
                ),
            ),
            field(
                t("year", lang), ids.DATA_YEAR, dropdown(lang, id=ids.DATA_YEAR, clearable=False)
            ),
        ],
    )
    buttons = html.Div(
        className="button-row",
        children=[
            html.Button(
                t(key, lang), id={"type": ids.DATA_BUTTON, "format": fmt}, className="button"
            )
            for fmt, key in zip(FORMATS, ("csv_utf8", "csv_excel", "xlsx", "gpkg"), strict=True)
        ],
    )
    return page_frame(
        PAGE["path"],
        lang,
        query,
        [
            dcc.Store(id=ids.DATA_STATE, data=query),
            controls,
            html.Section(
                className="panel",
                children=[
                    html.H2(t("download_view", lang)),
                    buttons,
                    dcc.Download(id=ids.DATA_DOWNLOAD),
                    html.P(t("charts_note", lang), className="hint"),
                    html.P(
                        [
                            t("api_note", lang),
                            " ",
                            html.A("/api/v1/openapi.json", href="/api/v1/openapi.json"),
                        ]
                    ),
                ],
            ),
            html.Section(html.Div(id=ids.DATA_PREVIEW), className="panel"),
        ],
        t("page_daten", lang),
    )


def init_years(state):
    service = get_service()
    years = service.years(service.resolve_release(state.get("release")))
    year = as_int(state.get("year"), years[-1])
    return [{"label": str(y), "value": y} for y in years], year if year in years else years[-1]


def build_download(
    fmt: str, release: str, dataset: str, level: str, indicator: str, year: int
) -> dict[str, Any]:
    """The file of the chosen view as a dcc.Download payload (pure apart from the reads)."""
    service = get_service()
    frame = service.export_frame(release, dataset, level, indicator, year)
    view = f"{dataset} {indicator if dataset == 'indicator' else ''} {level} {year}".replace(
        "  ", " "
    )
    meta = exports.metadata_lines({**service.info(release), "release_id": release}, view)
    name = f"demografie-{dataset}-{level}-{year}-{release}.{EXTENSIONS[fmt]}"
    if fmt == "gpkg":
        geometries = service.geometries(release, level)
        return dcc.send_bytes(exports.to_geopackage(frame, geometries, meta), name)
    if fmt == "xlsx":
        return dcc.send_bytes(exports.to_xlsx(frame, meta), name)
    return dcc.send_bytes(exports.to_csv(frame, meta, excel_de=fmt == "csv_excel"), name)


def download(clicks, dataset, level, indicator, year, state):
    from dash import ctx

    service = get_service()
    release = service.resolve_release(state.get("release"))
    return build_download(ctx.triggered_id["format"], release, dataset, level, indicator, year)


def preview(dataset, level, indicator, year, state):
    service, lang = get_service(), normalise_lang(state.get("lang"))
    release = service.resolve_release(state.get("release"))
    frame = exports.with_symbols(service.export_frame(release, dataset, level, indicator, year))
    head = frame.head(PREVIEW_ROWS)
    decimals = BY_KEY[indicator].decimals if dataset == "indicator" else 0
    numeric = [pd.api.types.is_float_dtype(head[c]) for c in head.columns]
    rows = [
        [
            fmt_number(v, lang, decimals) if num and pd.notna(v) else ("" if pd.isna(v) else v)
            for v, num in zip(row, numeric, strict=True)
        ]
        for row in head.itertuples(index=False)
    ]
    note = f"{len(head)} / {len(frame)} – {release}"
    return data_table(
        t("download_view", lang), list(frame.columns), rows, note=note, numeric=numeric
    )


def register_callbacks(app: Dash) -> None:
    from dash import ALL

    app.callback(
        Output(ids.DATA_YEAR, "options"),
        Output(ids.DATA_YEAR, "value"),
        Input(ids.DATA_STATE, "data"),
    )(init_years)
    app.callback(
        Output(ids.DATA_DOWNLOAD, "data"),
        Input({"type": ids.DATA_BUTTON, "format": ALL}, "n_clicks"),
        State(ids.DATA_DATASET, "value"),
        State(ids.DATA_LEVEL, "value"),
        State(ids.DATA_INDICATOR, "value"),
        State(ids.DATA_YEAR, "value"),
        State(ids.DATA_STATE, "data"),
        prevent_initial_call=True,
    )(download)
    app.callback(
        Output(ids.DATA_PREVIEW, "children"),
        Input(ids.DATA_DATASET, "value"),
        Input(ids.DATA_LEVEL, "value"),
        Input(ids.DATA_INDICATOR, "value"),
        Input(ids.DATA_YEAR, "value"),
        State(ids.DATA_STATE, "data"),
    )(preview)
