"""Gebiet: the profile of one area (pyramid, time series, components, households, context)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import Dash, Input, Output, State, dcc, html

from dashboard import figures, ids
from dashboard.components.controls import dropdown
from dashboard.components.shell import page_frame
from dashboard.components.table import data_table, field
from dashboard.i18n import fmt_cell, fmt_number, normalise_lang, t
from dashboard.indicators import INDICATORS
from dashboard.pages.common import as_int, default_lang
from dashboard.profile import AreaProfile
from dashboard.services import get_service
from etl.symbols import NOT_AVAILABLE, PUBLISHED

PAGE = {"path": "/gebiet", "name": "Gebiet", "order": 1, "label_key": "page_gebiet"}
OVERLAYS = ("none", "year", "parent")


def layout(
    area: str | None = None,
    release: str | None = None,
    lang: str | None = None,
    year: str | None = None,
    overlay: str = "none",
    **_: Any,
) -> html.Div:
    lang = normalise_lang(lang, default_lang())
    query = {"area": area, "release": release, "lang": lang, "year": year, "overlay": overlay}
    controls = html.Section(
        className="panel profile-controls",
        children=[
            field(
                t("area", lang),
                ids.AREA_SELECT,
                dropdown(lang, id=ids.AREA_SELECT, clearable=False),
            ),
            field(
                t("year", lang),
                ids.AREA_YEAR,
                dropdown(lang, id=ids.AREA_YEAR, clearable=False, searchable=False),
            ),
            field(
                t("overlay", lang),
                ids.AREA_OVERLAY,
                dcc.RadioItems(
                    id=ids.AREA_OVERLAY,
                    value=overlay if overlay in OVERLAYS else "none",
                    options=[
                        {"label": t("overlay_none", lang), "value": "none"},
                        {"label": t("overlay_year", lang), "value": "year"},
                        {"label": t("overlay_parent", lang), "value": "parent"},
                    ],
                ),
            ),
        ],
    )
    charts = html.Div(
        className="grid-2",
        children=[
            html.Section(
                dcc.Graph(id=ids.AREA_PYRAMID, config=figures.graph_config("pyramide")),
                className="panel",
            ),
            html.Section(
                dcc.Graph(id=ids.AREA_SERIES, config=figures.graph_config("zeitreihe")),
                className="panel",
            ),
            html.Section(
                dcc.Graph(id=ids.AREA_COMPONENTS, config=figures.graph_config("komponenten")),
                className="panel",
            ),
            html.Section(
                dcc.Graph(id=ids.AREA_HOUSEHOLDS, config=figures.graph_config("haushalte")),
                className="panel",
            ),
        ],
    )
    return page_frame(
        PAGE["path"],
        lang,
        query,
        [
            dcc.Store(id=ids.AREA_STATE, data=query),
            dcc.Store(id=ids.AREA_RESOLVED),
            html.Div(id=ids.AREA_URL_SINK, hidden=True),
            controls,
            html.H2(id=ids.AREA_TITLE, className="area-title"),
            html.P(id=ids.AREA_SUMMARY, className="summary", **{"aria-live": "polite"}),
            charts,
            html.Div(
                className="grid-2",
                children=[
                    html.Section(html.Div(id=ids.AREA_INDICATORS), className="panel"),
                    html.Section(
                        [html.H2(t("register_vs_official", lang)), html.Div(id=ids.AREA_OFFICIAL)],
                        className="panel",
                    ),
                ],
            ),
        ],
        t("page_gebiet", lang),
    )


def init_controls(state):
    """Area list (all levels) and years; defaults: first municipality, latest year."""
    service, lang = get_service(), normalise_lang(state.get("lang"))
    release = service.resolve_release(state.get("release"))
    areas = service.areas(release).sort_values(["level", "name"])
    options = [
        {"label": f"{r.name} ({t('lvl_' + r.level, lang)}, {r.area_key})", "value": r.area_key}
        for r in areas.itertuples()
    ]
    municipalities = areas[areas["level"] == "gemeinde"]["area_key"]
    area = state.get("area") if state.get("area") in areas.index else municipalities.iloc[0]
    years = service.years(release)
    year = as_int(state.get("year"), years[-1])
    return (
        options,
        area,
        [{"label": str(y), "value": y} for y in years],
        (year if year in years else years[-1]),
        {"release": release},
    )


def update_profile(area, year, overlay, state):
    service, lang = get_service(), normalise_lang(state.get("lang"))
    release = service.resolve_release(state.get("release"))
    profile = service.profile(release, area)
    table = service.area_indicators(release, list(profile.keys), year)
    return render_profile(profile, table, year, overlay, lang)


def render_profile(
    profile: AreaProfile, table: pd.DataFrame, year: int, overlay: str, lang: str
) -> tuple:
    """Pure: profile frames to (title, summary, 4 figures, indicator table, official block)."""
    key = profile.area_key
    own = profile.population_of(key)
    all_ages = own[
        (own["sex"] == "total")
        & (own["nationality"] == "total")
        & (own["age_from"] == 0)
        & own["age_to"].isna()
    ]
    pyramid = figures.pyramid(
        own, year, lang, *_overlay(profile, own, all_ages, year, overlay, lang)
    )
    official = _official_rows(profile.official)
    register = all_ages[all_ages["source"] == "register"] if "source" in all_ages else all_ages
    # The official overlay compares; when the series itself is official it would repeat it.
    overlay_official = official if not official.empty and not register.empty else None
    title = f"{profile.name} ({t('lvl_' + profile.level, lang)}, {key})"
    return (
        title,
        _summary(all_ages, year, lang),
        pyramid,
        figures.time_series(all_ages, lang, overlay_official),
        figures.components_of_change(profile.events, lang),
        figures.households_by_size(profile.households, year, lang),
        indicator_table(table, list(profile.keys), list(profile.names), year, lang),
        official_block(register, official, lang),
    )


def _overlay(
    profile: AreaProfile,
    own: pd.DataFrame,
    all_ages: pd.DataFrame,
    year: int,
    overlay: str,
    lang: str,
) -> tuple[pd.DataFrame | None, str]:
    years = sorted(own["year"].unique())
    if overlay == "year" and len(years) > 1:
        other = years[0] if years[0] != year else years[-1]
        return figures.overlay_year(own, int(other)), f"{t('year', lang)} {other}"
    if overlay == "parent" and profile.parent is not None:
        parent_key, parent_name = profile.parent
        total = pd.to_numeric(all_ages.loc[all_ages["year"] == year, "value"]).sum()
        return (
            figures.overlay_shape(profile.population_of(parent_key), year, float(total)),
            parent_name,
        )
    return None, ""


def _summary(all_ages: pd.DataFrame, year: int, lang: str) -> str:
    row = all_ages[all_ages["year"] == year]
    if row.empty:
        return ""
    value = fmt_cell(row["value"].iloc[0], row["status"].iloc[0], lang)
    return f"{t('population', lang)} {year}: {value}."


def indicator_table(
    table: pd.DataFrame, keys: list[str], names: list[str], year: int, lang: str
) -> html.Div:
    """Rows = indicators, columns = the area and its Kreis, Land and regions."""
    rows = []
    for spec in INDICATORS:
        cells = table[table["indicator"] == spec.key].set_index("area_key")
        row: list[object] = [t(spec.key, lang)]
        for key in keys:
            cell = cells.loc[key] if key in cells.index else None
            row.append(
                "…"
                if cell is None
                else fmt_cell(cell["value"], cell["status"], lang, spec.decimals)
            )
        rows.append(row)
    return data_table(
        f"{t('key_indicators', lang)} {year}",
        [t("indicator", lang), *names],
        rows,
        numeric=[False] + [True] * len(keys),
    )


def _official_rows(official: pd.DataFrame) -> pd.DataFrame:
    rows = official[
        (official["measure"] == "population")
        & (official["sex"] == "total")
        & (official["age_from"] == 0)
        & official["age_to"].isna()
    ]
    # Several tables carry the same total (12411-01-01 and 12411-02-03): one row per year.
    return rows.sort_values(["year", "table_code"]).drop_duplicates("year")


def official_block(register: pd.DataFrame, official: pd.DataFrame, lang: str) -> html.Div:
    """Register versus official count by year, with the gap explained."""
    if official.empty:
        return html.Div(
            [html.P(t("no_official", lang)), html.P(t("gap_explained", lang), className="gap-box")]
        )
    merged = official.merge(
        register, on="year", how="left", suffixes=("_off", "_reg"), validate="1:1"
    ).fillna({"status_reg": NOT_AVAILABLE})
    rows = []
    for r in merged.itertuples():
        reg, off = r.value_reg, r.value_off
        both = r.status_reg == PUBLISHED and r.status_off == PUBLISHED
        diff = fmt_number(reg - off, lang) if both else "…"
        share = fmt_number((reg - off) / off * 100, lang, 1) + " %" if both and off else "…"
        rows.append(
            (
                r.year,
                fmt_cell(reg, r.status_reg, lang),
                fmt_cell(off, r.status_off, lang),
                diff,
                share,
            )
        )
    return html.Div(
        [
            data_table(
                t("register_vs_official", lang),
                [
                    t("year", lang),
                    t("register", lang),
                    t("official", lang),
                    t("difference", lang),
                    "%",
                ],
                rows,
                numeric=[False, True, True, True, True],
            ),
            html.P(t("gap_explained", lang), className="gap-box"),
        ]
    )


def register_callbacks(app: Dash) -> None:
    app.callback(
        Output(ids.AREA_SELECT, "options"),
        Output(ids.AREA_SELECT, "value"),
        Output(ids.AREA_YEAR, "options"),
        Output(ids.AREA_YEAR, "value"),
        Output(ids.AREA_RESOLVED, "data"),
        Input(ids.AREA_STATE, "data"),
    )(init_controls)
    app.callback(
        Output(ids.AREA_TITLE, "children"),
        Output(ids.AREA_SUMMARY, "children"),
        Output(ids.AREA_PYRAMID, "figure"),
        Output(ids.AREA_SERIES, "figure"),
        Output(ids.AREA_COMPONENTS, "figure"),
        Output(ids.AREA_HOUSEHOLDS, "figure"),
        Output(ids.AREA_INDICATORS, "children"),
        Output(ids.AREA_OFFICIAL, "children"),
        Input(ids.AREA_SELECT, "value"),
        Input(ids.AREA_YEAR, "value"),
        Input(ids.AREA_OVERLAY, "value"),
        State(ids.AREA_STATE, "data"),
    )(update_profile)
    app.clientside_callback(
        """function(area, year, overlay, resolved, state) {
            return window.dash_clientside.demografie.permalink(
                {area: area, year: year, overlay: overlay, lang: state.lang,
                 release: (resolved || {}).release || state.release});
        }""",
        Output(ids.AREA_URL_SINK, "children"),
        Input(ids.AREA_SELECT, "value"),
        Input(ids.AREA_YEAR, "value"),
        Input(ids.AREA_OVERLAY, "value"),
        Input(ids.AREA_RESOLVED, "data"),
        State(ids.AREA_STATE, "data"),
    )
