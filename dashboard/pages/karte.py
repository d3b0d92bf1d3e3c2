"""Karte: choropleth of any indicator at any level, with legend, summary and table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dash import Dash, Input, Output, State, dcc, html, no_update

from dashboard import classify, ids
from dashboard.components.controls import dropdown
from dashboard.components.shell import page_frame
from dashboard.components.table import data_table, field
from dashboard.figures import graph_config
from dashboard.i18n import fmt_bounds, fmt_cell, fmt_number, normalise_lang, t
from dashboard.indicators import BY_KEY, INDICATORS
from dashboard.map_figure import (
    STATUS,
    legend_entries,
    map_data,
    map_figure,
    map_patch,
    map_summary,
)
from dashboard.pages.common import default_lang, geometry_url, year_marks
from dashboard.services import MAP_LEVELS, DashboardService, get_service
from dashboard.source_labels import SOURCE_HEADER, SOURCE_NAMES, short_source

PAGE = {"path": "/", "name": "Karte", "order": 0, "label_key": "page_karte"}
TABLE_ROWS = 150  # the complete table is one click away (Daten)


@dataclass(frozen=True)
class MapParams:
    release: str
    level: str
    indicator: str
    year: int
    method: str
    k: int
    palette: str
    lang: str

    @classmethod
    def parse(cls, service: DashboardService, raw: dict[str, Any]) -> MapParams:
        release = service.resolve_release(raw.get("release"))
        years = service.years(release)
        year = int(raw.get("year") or years[-1])
        return cls(
            release=release,
            level=raw.get("level") if raw.get("level") in MAP_LEVELS else "gemeinde",
            indicator=raw.get("indicator") if raw.get("indicator") in BY_KEY else "population",
            year=year if year in years else years[-1],
            method=raw.get("method") if raw.get("method") in classify.METHODS else "quantiles",
            k=max(classify.MIN_CLASSES, min(classify.MAX_CLASSES, int(raw.get("k") or 5))),
            palette=raw.get("palette") if raw.get("palette") in classify.PALETTES else "viridis",
            lang=normalise_lang(raw.get("lang")),
        )


def layout(
    release: str | None = None,
    lang: str | None = None,
    level: str = "gemeinde",
    indicator: str = "population",
    year: str | None = None,
    method: str = "quantiles",
    k: str = "5",
    palette: str = "viridis",
    **_: Any,
) -> html.Div:
    lang = normalise_lang(lang, default_lang())
    query = {
        "release": release,
        "lang": lang,
        "level": level,
        "indicator": indicator,
        "year": year,
        "method": method,
        "k": k,
        "palette": palette,
    }
    controls = html.Section(
        className="panel",
        **{"aria-label": t("indicator", lang)},
        children=[
            field(
                t("indicator", lang),
                ids.MAP_INDICATOR,
                dropdown(
                    lang,
                    id=ids.MAP_INDICATOR,
                    value=indicator if indicator in BY_KEY else "population",
                    clearable=False,
                    options=[{"label": t(i.key, lang), "value": i.key} for i in INDICATORS],
                ),
            ),
            field(
                t("level", lang),
                ids.MAP_LEVEL,
                dropdown(
                    lang,
                    id=ids.MAP_LEVEL,
                    value=level,
                    clearable=False,
                    searchable=False,
                    options=[{"label": t("lvl_" + v, lang), "value": v} for v in MAP_LEVELS],
                ),
            ),
            field(
                t("year", lang),
                ids.MAP_YEAR,
                dcc.Slider(
                    id=ids.MAP_YEAR,
                    min=0,
                    max=1,
                    step=1,
                    value=int(year) if year else None,
                    marks=None,
                    included=False,
                ),
            ),
            field(
                t("classification", lang),
                ids.MAP_METHOD,
                dcc.RadioItems(
                    id=ids.MAP_METHOD,
                    value=method,
                    className="radio-list",
                    options=[{"label": t(m, lang), "value": m} for m in classify.METHODS],
                ),
            ),
            field(
                t("classes", lang),
                ids.MAP_CLASSES,
                dcc.Slider(
                    id=ids.MAP_CLASSES,
                    min=classify.MIN_CLASSES,
                    max=classify.MAX_CLASSES,
                    step=1,
                    value=int(k) if str(k).isdigit() else 5,
                    included=False,
                    marks={
                        n: str(n) for n in range(classify.MIN_CLASSES, classify.MAX_CLASSES + 1)
                    },
                ),
            ),
            field(
                t("palette", lang),
                ids.MAP_PALETTE,
                dropdown(
                    lang,
                    id=ids.MAP_PALETTE,
                    value=palette,
                    clearable=False,
                    searchable=False,
                    options=[
                        {"label": v, "value": k_} for k_, v in classify.PALETTE_LABELS.items()
                    ],
                ),
            ),
            html.P(
                html.A(
                    t("downloads", lang),
                    id=ids.MAP_DOWNLOAD_LINK,
                    href="/daten",
                    className="button",
                )
            ),
        ],
    )
    centre = html.Section(
        className="panel",
        **{"aria-label": t("map_label", lang)},
        children=[
            html.P(t("click_hint", lang), className="hint"),
            dcc.Loading(
                dcc.Graph(
                    id=ids.MAP_GRAPH, config=graph_config("karte"), style={"height": "620px"}
                ),
                type="circle",
            ),
            html.H2(t("summary", lang)),
            html.P(id=ids.MAP_SUMMARY, className="summary", **{"aria-live": "polite"}),
            html.P(
                [t("permalink", lang), ": ", html.A(id=ids.MAP_PERMALINK, className="permalink")]
            ),
        ],
    )
    side = html.Aside(
        className="side",
        **{"aria-label": t("legend", lang)},
        children=[
            html.Section(
                className="panel",
                children=[html.H2(t("legend", lang)), html.Div(id=ids.MAP_LEGEND)],
            ),
            html.Section(
                className="panel",
                children=[html.H2(t("table_view", lang)), html.Div(id=ids.MAP_TABLE)],
            ),
        ],
    )
    return page_frame(
        PAGE["path"],
        lang,
        query,
        [
            dcc.Store(id=ids.MAP_STATE, data=query),
            dcc.Store(id=ids.MAP_RESOLVED),
            dcc.Store(id=ids.MAP_DRAWN),
            html.Div(id=ids.MAP_URL_SINK, hidden=True),
            html.Div([controls, centre, side], className="map-layout"),
        ],
        t("map_label", lang),
    )


MAP_INPUTS = [
    Input(ids.MAP_LEVEL, "value"),
    Input(ids.MAP_INDICATOR, "value"),
    Input(ids.MAP_YEAR, "value"),
    Input(ids.MAP_METHOD, "value"),
    Input(ids.MAP_CLASSES, "value"),
    Input(ids.MAP_PALETTE, "value"),
]


def _raw(
    state: dict, level: str, indicator: str, year: int | None, method: str, k: int, palette: str
) -> dict[str, Any]:
    return {
        **state,
        "level": level,
        "indicator": indicator,
        "year": year,
        "method": method,
        "k": k,
        "palette": palette,
    }


def update_map(level, indicator, year, method, k, palette, state, drawn):
    """Full figure when the level (or release) is new to the browser; else a values Patch."""
    service = get_service()
    params = MapParams.parse(service, _raw(state, level, indicator, year, method, k, palette))
    values, bounds = service.map_layer(
        params.release, params.level, params.indicator, params.year, params.method, params.k
    )
    data = map_data(values, bounds, params.indicator, params.palette, params.lang)
    layer = {"release": params.release, "level": params.level}
    figure = map_patch(data) if drawn == layer else full_map(service, params, data)
    legend = legend_view(
        legend_entries(values, bounds, params.palette, params.indicator, params.lang)
    )
    summary = map_summary(values, params.indicator, params.year, params.level, params.lang)
    return figure, legend, summary, layer


def full_map(service: DashboardService, params: MapParams, data: dict[str, Any]) -> Any:
    """The complete figure of a level: geometry by URL, Land borders on top."""
    lands = service.level_areas(params.release, "land")["area_key"].tolist()
    return map_figure(
        service.level_areas(params.release, params.level),
        data,
        geometry_url(params.release, params.level),
        (geometry_url(params.release, "land"), lands),
        service.bbox(params.release, params.level),
        params.lang,
    )


def legend_view(entries: list[tuple[str, str, int]]) -> html.Ul:
    return html.Ul(
        [
            html.Li(
                [
                    html.Span(className="swatch", style={"background": colour}),
                    html.Span(label),
                    html.Span(f"({n})", className="legend-count"),
                ]
            )
            for colour, label, n in entries
        ],
        className="legend-list",
    )


def update_table(level, indicator, year, method, k, palette, state):
    """The same values as the map, as an accessible table (largest first)."""
    service = get_service()
    params = MapParams.parse(service, _raw(state, level, indicator, year, method, k, palette))
    values, _ = service.map_layer(
        params.release, params.level, params.indicator, params.year, params.method, params.k
    )
    return map_table(values, params)


def map_table(values: Any, params: MapParams) -> html.Div:
    """Pure: the map's values as a table (highest first); bounds column only when needed."""
    spec, lang = BY_KEY[params.indicator], params.lang
    ordered = values.sort_values("value", ascending=False, na_position="last")
    with_bounds = bool(values["lower"].notna().any())
    labels = _source_cells(ordered, lang)
    # One source for all rows (the usual case) is a note; mixed sources get a short column.
    with_source = labels.nunique() > 1
    header = [t("col_area", lang), t("col_key", lang), t("col_value", lang)]
    rows = []
    for r in ordered.head(TABLE_ROWS).itertuples():
        row = [r.name, r.area_key, fmt_cell(r.value, r.status, lang, spec.decimals)]
        if with_bounds:
            row.append(fmt_bounds(r.lower, r.upper, lang, spec.decimals))
        if with_source:
            row.append(SOURCE_NAMES.get(lang, SOURCE_NAMES["de"]).get(r.source, ""))
        rows.append(row)
    note = None
    if len(values) > TABLE_ROWS:
        note = t("table_truncated", lang, n=TABLE_ROWS, total=fmt_number(len(values), lang))
    if not with_source and len(labels.dropna()):
        shared = f"{SOURCE_HEADER.get(lang, 'Quelle')}: {labels.dropna().iloc[0]}"
        note = f"{note} {shared}" if note else shared
    return data_table(
        f"{t(params.indicator, lang)} {params.year}",
        header
        + ([t("col_bounds", lang)] if with_bounds else [])
        + ([SOURCE_HEADER.get(lang, "Quelle")] if with_source else []),
        rows,
        numeric=[False, False, True]
        + ([True] if with_bounds else [])
        + ([False] if with_source else []),
        note=note,
        table_id="karte-data-table",
    )


def _source_cells(values: Any, lang: str) -> Any:
    """Per row 'amtliche Statistik 12411-01-01-5-B, Stand 31.12.2013' (None without source)."""
    if "source" not in values or values.empty:
        return values["area_key"].map(lambda _: None)
    return values.apply(
        lambda r: short_source(r["source"], r["sources"], r["reference_date"], lang) or None,
        axis=1,
    )


def init_controls(state):
    """Year slider range and the levels that have geometry in this release."""
    service = get_service()
    params = MapParams.parse(service, state)
    years = service.years(params.release)
    levels = service.levels(params.release)
    options = [{"label": t("lvl_" + v, params.lang), "value": v} for v in levels]
    level = params.level if params.level in levels else (levels[-1] if levels else None)
    resolved = {"release": params.release}
    return years[0], years[-1], year_marks(years), params.year, options, level, resolved


def open_profile(click, state, year):
    """Clicking an area opens its profile (same release, language and year)."""
    if not click or not click.get("points"):
        return no_update
    point = click["points"][0]
    if point.get("curveNumber", 0) > STATUS or "location" not in point:
        return no_update
    lang = normalise_lang(state.get("lang"))
    release = state.get("release") or get_service().resolve_release(None)
    return f"/gebiet?area={point['location']}&release={release}&lang={lang}&year={year}"


def register_callbacks(app: Dash) -> None:
    app.callback(
        Output(ids.MAP_YEAR, "min"),
        Output(ids.MAP_YEAR, "max"),
        Output(ids.MAP_YEAR, "marks"),
        Output(ids.MAP_YEAR, "value"),
        Output(ids.MAP_LEVEL, "options"),
        Output(ids.MAP_LEVEL, "value"),
        Output(ids.MAP_RESOLVED, "data"),
        Input(ids.MAP_STATE, "data"),
    )(init_controls)
    app.callback(
        Output(ids.MAP_GRAPH, "figure"),
        Output(ids.MAP_LEGEND, "children"),
        Output(ids.MAP_SUMMARY, "children"),
        Output(ids.MAP_DRAWN, "data"),
        *MAP_INPUTS,
        State(ids.MAP_STATE, "data"),
        State(ids.MAP_DRAWN, "data"),
    )(update_map)
    app.callback(Output(ids.MAP_TABLE, "children"), *MAP_INPUTS, State(ids.MAP_STATE, "data"))(
        update_table
    )
    app.callback(
        Output(ids.NAVIGATE, "href", allow_duplicate=True),
        Input(ids.MAP_GRAPH, "clickData"),
        State(ids.MAP_STATE, "data"),
        State(ids.MAP_YEAR, "value"),
        prevent_initial_call=True,
    )(open_profile)
    app.clientside_callback(
        """function(level, indicator, year, method, k, palette, resolved, state) {
            if (!resolved) { return window.dash_clientside.no_update; }
            var s = {release: resolved.release, lang: state.lang,
                     level: level, indicator: indicator, year: year, method: method, k: k,
                     palette: palette};
            var url = window.dash_clientside.demografie.permalink(s);
            var data = "/daten?" + new URLSearchParams({dataset: "indicator", level: level,
                indicator: indicator, year: year || "", release: s.release || "",
                lang: state.lang}).toString();
            return [url, url, data];
        }""",
        Output(ids.MAP_PERMALINK, "href"),
        Output(ids.MAP_PERMALINK, "children"),
        Output(ids.MAP_DOWNLOAD_LINK, "href"),
        *MAP_INPUTS,
        Input(ids.MAP_RESOLVED, "data"),
        State(ids.MAP_STATE, "data"),
    )
