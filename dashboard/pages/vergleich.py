"""Vergleich: up to six areas side by side on one indicator, plus all indicators as a table."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, dcc, html

from dashboard import figures, ids
from dashboard.components.controls import dropdown
from dashboard.components.shell import page_frame
from dashboard.components.table import data_table, field
from dashboard.i18n import fmt_cell, normalise_lang, t
from dashboard.indicators import BY_KEY, INDICATORS
from dashboard.pages.common import as_int, default_lang, split_keys
from dashboard.services import get_service
from etl.symbols import NOT_AVAILABLE

PAGE = {"path": "/vergleich", "name": "Vergleich", "order": 2, "label_key": "page_vergleich"}
MAX_AREAS = 6


def layout(
    areas: str | None = None,
    release: str | None = None,
    lang: str | None = None,
    indicator: str = "population",
    year: str | None = None,
    **_: Any,
) -> html.Div:
    lang = normalise_lang(lang, default_lang())
    query = {"areas": areas, "release": release, "lang": lang, "indicator": indicator, "year": year}
    controls = html.Section(
        className="panel compare-controls",
        children=[
            field(
                t("compare_pick", lang),
                ids.COMPARE_AREAS,
                dropdown(lang, id=ids.COMPARE_AREAS, multi=True),
            ),
            field(
                t("indicator", lang),
                ids.COMPARE_INDICATOR,
                dropdown(
                    lang,
                    id=ids.COMPARE_INDICATOR,
                    clearable=False,
                    value=indicator if indicator in BY_KEY else "population",
                    options=[{"label": t(i.key, lang), "value": i.key} for i in INDICATORS],
                ),
            ),
            field(
                t("year", lang),
                ids.COMPARE_YEAR,
                dropdown(lang, id=ids.COMPARE_YEAR, clearable=False),
            ),
        ],
    )
    return page_frame(
        PAGE["path"],
        lang,
        query,
        [
            dcc.Store(id=ids.COMPARE_STATE, data=query),
            dcc.Store(id=ids.COMPARE_RESOLVED),
            html.Div(id=ids.COMPARE_URL_SINK, hidden=True),
            controls,
            html.Section(
                dcc.Graph(id=ids.COMPARE_GRAPH, config=figures.graph_config("vergleich")),
                className="panel",
            ),
            html.Section(html.Div(id=ids.COMPARE_TABLE), className="panel"),
        ],
        t("page_vergleich", lang),
    )


def init_controls(state):
    service, lang = get_service(), normalise_lang(state.get("lang"))
    release = service.resolve_release(state.get("release"))
    areas = service.areas(release).sort_values(["level", "name"])
    options = [
        {"label": f"{r.name} ({t('lvl_' + r.level, lang)})", "value": r.area_key}
        for r in areas.itertuples()
    ]
    chosen = [k for k in split_keys(state.get("areas")) if k in areas.index][:MAX_AREAS]
    if not chosen:
        chosen = areas[areas["level"] == "gemeinde"]["area_key"].head(3).tolist()
    years = service.years(release)
    year = as_int(state.get("year"), years[-1])
    return (
        options,
        chosen,
        [{"label": str(y), "value": y} for y in years],
        (year if year in years else years[-1]),
        {"release": release},
    )


def update_compare(keys, indicator, year, state):
    service, lang = get_service(), normalise_lang(state.get("lang"))
    release = service.resolve_release(state.get("release"))
    keys = (keys or [])[:MAX_AREAS]
    table = service.area_indicators(release, keys, year)
    names = service.areas(release)["name"].reindex(keys).tolist()
    return render_compare(table, keys, names, indicator, year, lang)


def render_compare(
    table: Any, keys: list[str], names: list[str], indicator: str, year: int, lang: str
) -> tuple:
    """Pure: bar chart of one indicator and a table of all indicators for the chosen areas."""
    spec = BY_KEY[indicator]
    one = table[table["indicator"] == indicator].set_index("area_key").reindex(keys)
    one = one.assign(name=names, status=one["status"].fillna(NOT_AVAILABLE)).reset_index()
    figure = figures.compare_bars(one, indicator, lang, spec.decimals)
    # one lookup table instead of a filter of the whole frame per indicator (cheaper per visit)
    cells = dict(
        zip(
            zip(table["indicator"], table["area_key"], strict=True),
            zip(table["value"], table["status"], strict=True),
            strict=True,
        )
    )
    rows = [
        [t(item.key, lang)]
        + [
            fmt_cell(*cells[(item.key, k)], lang, item.decimals) if (item.key, k) in cells else "…"
            for k in keys
        ]
        for item in INDICATORS
    ]
    caption = f"{t('key_indicators', lang)} {year}"
    return figure, data_table(
        caption,
        [t("indicator", lang), *names],
        rows,
        numeric=[False] + [True] * len(keys),
        note=t("compare_limit", lang),
    )


def register_callbacks(app: Dash) -> None:
    app.callback(
        Output(ids.COMPARE_AREAS, "options"),
        Output(ids.COMPARE_AREAS, "value"),
        Output(ids.COMPARE_YEAR, "options"),
        Output(ids.COMPARE_YEAR, "value"),
        Output(ids.COMPARE_RESOLVED, "data"),
        Input(ids.COMPARE_STATE, "data"),
    )(init_controls)
    app.callback(
        Output(ids.COMPARE_GRAPH, "figure"),
        Output(ids.COMPARE_TABLE, "children"),
        Input(ids.COMPARE_AREAS, "value"),
        Input(ids.COMPARE_INDICATOR, "value"),
        Input(ids.COMPARE_YEAR, "value"),
        State(ids.COMPARE_STATE, "data"),
    )(update_compare)
    app.clientside_callback(
        """function(areas, indicator, year, resolved, state) {
            return window.dash_clientside.demografie.permalink({areas: areas,
                indicator: indicator, year: year, lang: state.lang,
                release: (resolved || {}).release || state.release});
        }""",
        Output(ids.COMPARE_URL_SINK, "children"),
        Input(ids.COMPARE_AREAS, "value"),
        Input(ids.COMPARE_INDICATOR, "value"),
        Input(ids.COMPARE_YEAR, "value"),
        Input(ids.COMPARE_RESOLVED, "data"),
        State(ids.COMPARE_STATE, "data"),
    )
