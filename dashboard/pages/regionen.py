"""Regionen: build a custom region from municipalities (list or map), across Land borders."""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import Dash, Input, Output, State, dcc, html, no_update

from dashboard import ids
from dashboard.components.controls import dropdown
from dashboard.components.shell import page_frame
from dashboard.components.table import data_table, field
from dashboard.figures import graph_config
from dashboard.i18n import fmt_bounds, fmt_cell, normalise_lang, status_label, t
from dashboard.map_figure import selection_figure, selection_patch
from dashboard.pages.common import as_int, default_lang, geometry_url, split_keys
from dashboard.services import get_service
from etl.symbols import SUPPRESSED, SYMBOLS

PAGE = {"path": "/regionen", "name": "Regionen", "order": 3, "label_key": "page_regionen"}


def layout(
    members: str | None = None,
    release: str | None = None,
    lang: str | None = None,
    year: str | None = None,
    **_: Any,
) -> html.Div:
    lang = normalise_lang(lang, default_lang())
    query = {"members": members, "release": release, "lang": lang, "year": year}
    controls = html.Section(
        className="panel",
        children=[
            field(
                t("region_pick", lang),
                ids.REGION_MEMBERS,
                dropdown(lang, id=ids.REGION_MEMBERS, multi=True),
            ),
            field(
                t("year", lang),
                ids.REGION_YEAR,
                dropdown(lang, id=ids.REGION_YEAR, clearable=False),
            ),
        ],
    )
    return page_frame(
        PAGE["path"],
        lang,
        query,
        [
            dcc.Store(id=ids.REGION_STATE, data=query),
            dcc.Store(id=ids.REGION_RESOLVED),
            dcc.Store(id=ids.REGION_DRAWN),
            html.Div(id=ids.REGION_URL_SINK, hidden=True),
            controls,
            html.Div(
                className="grid-2",
                children=[
                    html.Section(
                        className="panel",
                        children=[
                            html.P(t("region_click_hint", lang), className="hint"),
                            dcc.Graph(id=ids.REGION_MAP, config=graph_config("region")),
                        ],
                    ),
                    html.Section(
                        className="panel",
                        children=[
                            html.Div(id=ids.REGION_TABLE, **{"aria-live": "polite"}),
                            html.P(t("region_bounds_note", lang), className="hint"),
                        ],
                    ),
                ],
            ),
        ],
        t("page_regionen", lang),
    )


def init_controls(state):
    service = get_service()
    release = service.resolve_release(state.get("release"))
    municipalities = service.level_areas(release, "gemeinde").sort_values("name")
    options = [
        {"label": f"{r.name} ({r.area_key})", "value": r.area_key}
        for r in municipalities.itertuples()
    ]
    chosen = [k for k in split_keys(state.get("members")) if k in municipalities.index]
    years = service.years(release)
    year = as_int(state.get("year"), years[-1])
    return (
        options,
        chosen,
        [{"label": str(y), "value": y} for y in years],
        (year if year in years else years[-1]),
        {"release": release},
    )


def toggle_member(click, members):
    """A click on the map adds the municipality, or removes it when already chosen."""
    if not click or not click.get("points") or "location" not in click["points"][0]:
        return no_update
    key = click["points"][0]["location"]
    members = list(members or [])
    return [m for m in members if m != key] if key in members else [*members, key]


def update_region(members, year, state, drawn):
    """Membership map (full once, then Patch of z) and the region's figures with bounds."""
    service, lang = get_service(), normalise_lang(state.get("lang"))
    release = service.resolve_release(state.get("release"))
    members, areas = members or [], service.level_areas(release, "gemeinde")
    if drawn == release:
        figure = selection_patch(areas, members)
    else:
        lands = service.level_areas(release, "land")["area_key"].tolist()
        figure = selection_figure(
            areas,
            members,
            geometry_url(release, "gemeinde"),
            (geometry_url(release, "land"), lands),
            service.bbox(release, "gemeinde"),
            lang,
        )
    if not members:
        return figure, html.P(t("region_empty", lang)), release
    return figure, region_table(service.region_figures(release, members, year), year, lang), release


def region_table(figures: pd.DataFrame, year: int, lang: str) -> html.Div:
    """Pure: measures with value, or bounds (≥ lower, or lower – upper) where suppressed."""
    rows = []
    for r in figures.itertuples():
        if r.status == SUPPRESSED:
            shown = fmt_bounds(r.lower, r.upper, lang)
        else:
            shown = fmt_cell(r.value, r.status, lang)
        label = f"{SYMBOLS.get(r.status, '')} {status_label(r.status, lang)}".strip()
        rows.append((t(r.measure, lang), shown, label))
    return data_table(
        f"{t('region_result', lang)} {year}",
        [t("measure", lang), t("col_value", lang), t("col_status", lang)],
        rows,
        numeric=[False, True, False],
        table_id="region-table",
    )


def register_callbacks(app: Dash) -> None:
    app.callback(
        Output(ids.REGION_MEMBERS, "options"),
        Output(ids.REGION_MEMBERS, "value"),
        Output(ids.REGION_YEAR, "options"),
        Output(ids.REGION_YEAR, "value"),
        Output(ids.REGION_RESOLVED, "data"),
        Input(ids.REGION_STATE, "data"),
    )(init_controls)
    app.callback(
        Output(ids.REGION_MEMBERS, "value", allow_duplicate=True),
        Input(ids.REGION_MAP, "clickData"),
        State(ids.REGION_MEMBERS, "value"),
        prevent_initial_call=True,
    )(toggle_member)
    app.callback(
        Output(ids.REGION_MAP, "figure"),
        Output(ids.REGION_TABLE, "children"),
        Output(ids.REGION_DRAWN, "data"),
        Input(ids.REGION_MEMBERS, "value"),
        Input(ids.REGION_YEAR, "value"),
        State(ids.REGION_STATE, "data"),
        State(ids.REGION_DRAWN, "data"),
    )(update_region)
    app.clientside_callback(
        """function(members, year, resolved, state) {
            return window.dash_clientside.demografie.permalink({members: members, year: year,
                lang: state.lang, release: (resolved || {}).release || state.release});
        }""",
        Output(ids.REGION_URL_SINK, "children"),
        Input(ids.REGION_MEMBERS, "value"),
        Input(ids.REGION_YEAR, "value"),
        Input(ids.REGION_RESOLVED, "data"),
        State(ids.REGION_STATE, "data"),
    )
