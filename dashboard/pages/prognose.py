"""Prognose: interactive projections from published figures and the archived official vintages.

Registered like the other pages (app.py passes PAGE to dash.register_page); the component ids
live here with the prefix `prognose-` until they move to dashboard/ids.py.
"""

from __future__ import annotations

import time
from typing import Any, Final

import pandas as pd
from dash import Dash, Input, Output, State, dcc, html

from dashboard.components.controls import dropdown
from dashboard.components.shell import page_frame
from dashboard.components.table import data_table, field
from dashboard.figures import graph_config
from dashboard.i18n import fmt_number, normalise_lang, t
from dashboard.pages.common import default_lang, split_keys
from dashboard.projection_figures import (
    add_prediction_interval,
    empty_figure,
    households_figure,
    key_groups_figure,
    pyramid_animation,
    vintage_figure,
)
from dashboard.projection_service import (
    KEY_GROUPS,
    MAX_AREAS,
    Params,
    RegionProjection,
    get_projection_service,
    key_groups_frame,
    project_inputs,
)
from dashboard.services import get_service
from etl.projection.outlook import SMALL_POPULATION, BaseValues, Outlook
from etl.symbols import PUBLISHED

PAGE = {"path": "/prognose", "name": "Prognose", "order": 5, "label_key": "page_prognose"}
STATE: Final = "prognose-state"
AREAS: Final = "prognose-areas"
TFR: Final = "prognose-tfr"
E0: Final = "prognose-e0"
MIGRATION: Final = "prognose-migration"
HORIZON: Final = "prognose-horizon"
SUMMARY: Final = "prognose-summary"
PYRAMID: Final = "prognose-pyramid"
GROUPS: Final = "prognose-groups"
GROUPS_TABLE: Final = "prognose-groups-table"
HOUSEHOLDS: Final = "prognose-households"
HOUSEHOLDS_TABLE: Final = "prognose-households-table"
VINTAGES: Final = "prognose-vintages"
VINTAGES_TABLE: Final = "prognose-vintages-table"
URL_SINK: Final = "prognose-url-sink"
SLIDERS: Final = (  # id, label key, min, max, step, default, mark labels
    (TFR, "prog_tfr", 1.0, 2.2, 0.05, Params.tfr, (1.0, 1.4, 1.8, 2.2)),
    (E0, "prog_e0", 0.0, 8.0, 0.5, Params.e0_gain, (0, 2, 4, 6, 8)),
    (MIGRATION, "prog_migration", -10.0, 10.0, 0.5, Params.migration_change, (-10, -5, 0, 5, 10)),
    (HORIZON, "prog_horizon", 5, 30, 5, Params.horizon, (5, 10, 15, 20, 25, 30)),
)


def _slider(lang: str, spec: tuple) -> Any:
    slider_id, label, low, high, step, default, marks = spec
    control = dcc.Slider(
        id=slider_id,
        min=low,
        max=high,
        step=step,
        value=default,
        updatemode="mouseup",
        marks={m: fmt_number(m, lang, 0 if float(m).is_integer() else 1) for m in marks},
        tooltip={"placement": "bottom", "always_visible": False},
        allow_direct_input=True,
    )
    return field(t(label, lang), slider_id, control)


def _chart(
    graph_id: str, table_id: str, lang: str, filename: str, note: str | None = None
) -> html.Section:
    """A chart panel with an optional note and the table alternative in a disclosure."""
    parts = [dcc.Graph(id=graph_id, config=graph_config(filename))]
    if note:
        parts.append(html.P(note, className="hint"))
    parts.append(html.Details([html.Summary(t("prog_table", lang)), html.Div(id=table_id)]))
    return html.Section(className="panel", children=parts)


def _controls(lang: str, areas: str | None) -> html.Section:
    picker = dropdown(lang, id=AREAS, multi=True, value=split_keys(areas))
    return html.Section(
        className="panel",
        children=[
            field(t("prog_areas", lang), AREAS, picker),
            html.P(t("prog_published_only", lang), className="hint"),
        ],
    )


def _assumptions(lang: str) -> html.Section:
    return html.Section(
        className="panel",
        children=[
            html.H2(t("prog_assumptions", lang)),
            *[_slider(lang, spec) for spec in SLIDERS],
            html.P(t("prog_band_hint", lang), className="hint"),
            html.P(id=SUMMARY, className="summary gap-box", **{"aria-live": "polite"}),
        ],
    )


def layout(
    areas: str | None = None, release: str | None = None, lang: str | None = None, **_: Any
) -> html.Div:
    lang = normalise_lang(lang, default_lang())
    query = {"areas": areas, "release": release, "lang": lang}
    pyramid = html.Section(
        dcc.Graph(id=PYRAMID, config=graph_config("prognose-pyramide")), className="panel"
    )
    vintages = _chart(
        VINTAGES, VINTAGES_TABLE, lang, "prognose-jahrgaenge", t("prog_vintage_note", lang)
    )
    households = _chart(HOUSEHOLDS, HOUSEHOLDS_TABLE, lang, "prognose-haushalte")
    content = [
        dcc.Store(id=STATE, data=query),
        html.Div(id=URL_SINK, hidden=True),
        _controls(lang, areas),
        html.Div([_assumptions(lang), pyramid], className="grid-2"),
        _chart(GROUPS, GROUPS_TABLE, lang, "prognose-altersgruppen"),
        html.Div([households, vintages], className="grid-2"),
    ]
    return page_frame(PAGE["path"], lang, query, content, t("page_prognose", lang))


def init_controls(state: dict) -> tuple[list[dict], list[str]]:
    """Areas of every level (municipalities first); default: the largest municipality."""
    service, lang = get_service(), normalise_lang(state.get("lang"))
    release = service.resolve_release(state.get("release"))
    areas = service.areas(release)
    order = {"gemeinde": 0, "region": 1, "kreis": 2, "land": 3, "ortsteil": 4}
    areas = areas.assign(rank=areas["level"].map(order).fillna(9)).sort_values(["rank", "name"])
    options = [
        {"label": f"{r.name} ({t('lvl_' + r.level, lang)}, {r.area_key})", "value": r.area_key}
        for r in areas.itertuples()
        if r.level in order
    ]
    chosen = [k for k in split_keys(state.get("areas")) if k in areas.index]
    if not chosen:
        chosen = [largest_municipality(service, release)] if options else []
    return options, chosen


def largest_municipality(service, release: str) -> str:
    """The municipality with the most inhabitants in the latest year (published totals)."""
    cells = service.population_year(release, service.years(release)[-1])
    municipalities = service.areas(release).query("level == 'gemeinde'")["area_key"]
    totals = cells[
        cells["area_key"].isin(municipalities)
        & (cells["sex"] == "total")
        & (cells["nationality"] == "total")
        & (cells["age_from"] == 0)
        & cells["age_to"].isna()
    ]
    ranked = totals.assign(number=pd.to_numeric(totals["value"]).fillna(0))
    return str(ranked.sort_values("number").iloc[-1]["area_key"]) if len(ranked) else ""


def update_projection(areas, tfr, e0_gain, migration, horizon, state):
    """Recompute for the chosen areas and assumptions: summary, 3 charts, 2 tables."""
    lang = normalise_lang((state or {}).get("lang"))
    if not areas:
        blank = empty_figure(t("prog_pick", lang), lang)
        return t("prog_pick", lang), blank, blank, None, blank, None
    service = get_projection_service()
    release = service.service.resolve_release((state or {}).get("release"))
    params = Params.parse(tfr, e0_gain, migration, horizon)
    chosen, capped = capped_areas(areas)  # bounded work per request
    inputs = service.inputs(release, chosen)  # cached: read and imputed once per region
    started = time.perf_counter()
    projection = project_inputs(inputs, params)
    elapsed_ms = (time.perf_counter() - started) * 1000
    imputed = inputs.imputed_cells
    name = _region_name(service.service.areas(release), list(chosen), lang)
    rendered = render_projection(projection, name, elapsed_ms, imputed, lang)
    outlook = service.outlook(release, chosen, params.horizon)
    if outlook is not None:
        add_prediction_interval(rendered[2], outlook.years, outlook.lower, outlook.upper, lang)
    base = float(projection.population[0, 0].sum())  # (scenarios, years, sex, age)
    notes = [
        outlook_text(outlook, lang, base),
        base_values_text(service.base_values(release, chosen), lang),
    ]
    if capped:
        notes.insert(0, t("prog_capped", lang, n=MAX_AREAS))
    return (" ".join([rendered[0], *notes]), *rendered[1:])


def capped_areas(areas: list[str], limit: int = MAX_AREAS) -> tuple[tuple[str, ...], bool]:
    """The distinct chosen areas, at most `limit`, and whether any were left out."""
    distinct = tuple(dict.fromkeys(areas))
    return distinct[:limit], len(distinct) > limit


def outlook_text(outlook: Outlook | None, lang: str, base_population: float) -> str:
    """The calibrated statistical forecast at the horizon, its 80 % interval and a warning."""
    warning = f" {t('prog_small', lang)}" if base_population < SMALL_POPULATION else ""
    if outlook is None:
        return t("prog_no_outlook", lang) + warning
    text = t(
        "prog_outlook",
        lang,
        year=outlook.years[-1],
        value=fmt_number(outlook.forecast[-1], lang),
        low=fmt_number(outlook.lower[-1], lang),
        high=fmt_number(outlook.upper[-1], lang),
        n=fmt_number(outlook.backtest_errors, lang),
    )
    return text + warning


def base_values_text(values: BaseValues, lang: str) -> str:
    """The region's own starting values, their source and period, and what the controls do."""
    return t(
        "prog_base_values",
        lang,
        tfr=fmt_number(values.tfr, lang, 2),
        e0f=fmt_number(values.life_expectancy[0], lang, 1),
        e0m=fmt_number(values.life_expectancy[1], lang, 1),
        migration=fmt_number(values.net_migration_per_1000, lang, 1),
        first=values.first_year,
        last=values.last_year,
    )


def _region_name(areas: pd.DataFrame, keys: list[str], lang: str) -> str:
    if len(keys) == 1:
        return str(areas["name"].get(keys[0], keys[0]))
    return t("prog_region", lang, n=len(keys))


def render_projection(
    projection: RegionProjection, name: str, elapsed_ms: float, imputed: int, lang: str
) -> tuple:
    """Pure: a region's projection to (summary, pyramid, groups, table, households, table)."""
    groups = key_groups_frame(projection)
    middle = projection.scenarios.index("middle")
    return (
        summary_text(groups, name, elapsed_ms, imputed, lang),
        pyramid_animation(projection.population[middle], projection.years, lang),
        key_groups_figure(groups, lang),
        groups_table(groups, lang),
        households_figure(projection.households, projection.years, lang),
        households_table(projection, lang),
    )


def summary_text(groups: pd.DataFrame, name: str, elapsed_ms: float, imputed: int, lang: str):
    """One sentence: base and end totals, the range, the oldest group, the compute time."""
    value = groups.set_index(["group", "scenario", "year"])["value"]
    y0, y1 = int(groups["year"].min()), int(groups["year"].max())
    base, mid = value[("grp_total", "middle", y0)], value[("grp_total", "middle", y1)]
    change = fmt_number((mid / base - 1) * 100 if base else 0.0, lang, 1)
    return t(
        "prog_summary",
        lang,
        region=name,
        base=fmt_number(base, lang),
        y0=y0,
        y1=y1,
        mid=fmt_number(mid, lang),
        change=f"{'+' if mid >= base else ''}{change}\u00a0%",
        low=fmt_number(value[("grp_total", "low", y1)], lang),
        high=fmt_number(value[("grp_total", "high", y1)], lang),
        old0=fmt_number(value[("grp_80plus", "middle", y0)], lang),
        old1=fmt_number(value[("grp_80plus", "middle", y1)], lang),
        ms=fmt_number(elapsed_ms, lang),
        imputed=t("prog_imputed", lang, n=imputed) if imputed else "",
    )


def groups_table(groups: pd.DataFrame, lang: str) -> html.Div:
    """Table alternative of the key-groups chart: every 5th year, low / middle / high."""
    years = sorted(groups["year"].unique())
    shown = [y for y in years if (y - years[0]) % 5 == 0 or y == years[-1]]
    wide = groups[groups["year"].isin(shown)].pivot_table(
        index=["group", "year"], columns="scenario", values="value"
    )
    rows = [
        (
            f"{t(key, lang)} {year}",
            *(fmt_number(wide.loc[(key, year), s], lang) for s in ("low", "middle", "high")),
        )
        for key in KEY_GROUPS
        for year in shown
    ]
    header = [t("prog_groups", lang), t("low", lang), t("middle", lang), t("high", lang)]
    return data_table(t("prog_groups", lang), header, rows, numeric=[False, True, True, True])


def households_table(projection: RegionProjection, lang: str) -> html.Div:
    """Households by size: base year and horizon in three variants."""
    labels = [t("hh_size_label", lang, n=str(k) if k < 5 else "5+") for k in range(1, 6)]
    base, end = projection.households[1, 0], projection.households[:, -1]
    rows = [
        (label, fmt_number(base[k], lang), *(fmt_number(end[i, k], lang) for i in range(3)))
        for k, label in enumerate(labels)
    ]
    y0, y1 = projection.years[0], projection.years[-1]
    header = [t("size", lang), str(y0)] + [f"{y1} {t(s, lang)}" for s in ("low", "middle", "high")]
    return data_table(t("prog_households", lang), header, rows, numeric=[False] + [True] * 4)


def update_vintages(areas, state):
    """Archived official vintages of the first chosen area against actual published totals."""
    lang = normalise_lang((state or {}).get("lang"))
    if not areas:
        return empty_figure(t("prog_pick", lang), lang), None
    service = get_projection_service()
    release = service.service.resolve_release((state or {}).get("release"))
    vintages = service.vintages()
    rows = service.vintage_rows(areas[0])
    if rows.empty:
        text = no_vintage_text(vintages, lang)
        return empty_figure(text, lang), html.P(text)
    actual = service.actual_totals(release, areas[0])
    labels = vintage_labels(vintages, lang)
    return vintage_figure(rows, actual, lang, labels), vintage_table(rows, actual, labels, lang)


def no_vintage_text(vintages: pd.DataFrame, lang: str) -> str:
    """Why an area has no vintage: none archived at all, or the archived ones' size rules."""
    if vintages.empty:
        return t("prog_no_vintages", lang)
    smallest = int(vintages["min_population"].min())
    return t("prog_no_vintage", lang, min=fmt_number(smallest, lang))


def vintage_labels(vintages: pd.DataFrame, lang: str) -> dict[str, str]:
    return {
        str(r.vintage_id): t("prog_vintage_label", lang, id=r.vintage_id, year=r.base_year)
        for r in vintages.itertuples()
    }


def vintage_table(
    rows: pd.DataFrame, actual: pd.DataFrame, labels: dict[str, str], lang: str
) -> html.Div:
    """Projected totals (middle, low-high) by vintage and year, with the actual value."""
    totals = rows[(rows["age_from"] == 0) & rows["age_to"].isna()]
    wide = totals.pivot_table(index=["vintage_id", "year"], columns="scenario", values="value")
    known = actual[actual["status"] == PUBLISHED].set_index("year")["value"]
    body = []
    for (vintage_id, year), row in wide.iterrows():
        observed = known.get(year)
        body.append(
            (
                f"{labels.get(vintage_id, vintage_id)}: {year}",
                fmt_number(row.get("middle"), lang),
                f"{fmt_number(row.get('low'), lang)} – {fmt_number(row.get('high'), lang)}",
                fmt_number(observed, lang) if observed is not None else "…",
            )
        )
    header = [t("year", lang), t("middle", lang), t("prog_range", lang), t("prog_actual", lang)]
    return data_table(
        t("prog_vintages", lang),
        header,
        body,
        numeric=[False, True, True, True],
        note=t("prog_vintage_note", lang),
    )


def register_callbacks(app: Dash) -> None:
    app.callback(Output(AREAS, "options"), Output(AREAS, "value"), Input(STATE, "data"))(
        init_controls
    )
    app.callback(
        Output(SUMMARY, "children"),
        Output(PYRAMID, "figure"),
        Output(GROUPS, "figure"),
        Output(GROUPS_TABLE, "children"),
        Output(HOUSEHOLDS, "figure"),
        Output(HOUSEHOLDS_TABLE, "children"),
        Input(AREAS, "value"),
        Input(TFR, "value"),
        Input(E0, "value"),
        Input(MIGRATION, "value"),
        Input(HORIZON, "value"),
        State(STATE, "data"),
    )(update_projection)
    app.callback(
        Output(VINTAGES, "figure"),
        Output(VINTAGES_TABLE, "children"),
        Input(AREAS, "value"),
        State(STATE, "data"),
    )(update_vintages)
    app.clientside_callback(
        """function(areas, state) {
            return window.dash_clientside.demografie.permalink({areas: (areas || []).join(","),
                lang: state.lang, release: state.release});
        }""",
        Output(URL_SINK, "children"),
        Input(AREAS, "value"),
        State(STATE, "data"),
    )
