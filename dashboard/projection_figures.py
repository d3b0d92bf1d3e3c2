"""Pure chart builders and labels of the Prognose page: data in, plotly figures out.

Labels come from the shared gettext catalogs (`i18n`, keys `prog_*` and `grp_*`).
"""

from __future__ import annotations

import textwrap
from typing import Final

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.figures import ACCENT, FEMALE, FONT, GREY, MALE, plain
from dashboard.i18n import fmt_number, plotly_separators, t
from etl.symbols import PUBLISHED

SCENARIO_COLOURS: Final = {"low": "#7f7f7f", "middle": ACCENT, "high": "#7f7f7f"}
BAND: Final = "rgba(27, 120, 55, 0.18)"
VINTAGE: Final = "#6a3d9a"


def _layout(figure: go.Figure, lang: str, title: str, height: int = 420) -> go.Figure:
    figure.update_layout(
        template="simple_white",
        title={"text": plain(title), "x": 0, "font": {"size": 16}},
        separators=plotly_separators(lang),
        height=height,
        margin={"l": 60, "r": 20, "t": 56, "b": 40},
        font={"family": FONT, "size": 13, "color": "#1a1a1a"},
        legend={"orientation": "h", "y": -0.12, "x": 0},
        hovermode="x unified",
    )
    return figure


def five_year_groups(population: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Labels and values (.., 21 groups) of 5-year groups 0-4 .. 95-99 and 100+."""
    edges = list(range(0, 101, 5))
    values = np.add.reduceat(population, edges, axis=-1)
    labels = [f"{a}–{a + 4}" for a in edges[:-1]] + ["100+"]
    return labels, values


def pyramid_animation(
    population: np.ndarray, years: tuple[int, ...], lang: str, every: int = 1
) -> dict:
    """Animated pyramid of one scenario (years, sex, age): frames per year, slider, play.

    A plain figure dict, as dcc.Graph takes it: the first year is built and checked as a
    plotly figure, the frames (one per year, the same two bar traces with other numbers) are
    added as dicts of that shape, because checking 2 traces × 30 frames in plotly took more
    CPU than the projection itself.
    """
    labels, grouped = five_year_groups(population)
    top = float(grouped.max()) * 1.08 or 1.0
    sides = ((1, "male", MALE, -1), (0, "female", FEMALE, 1))

    def bars(k: int) -> list[dict]:
        return [
            {
                "type": "bar",
                "y": labels,
                "x": (sign * grouped[k, s]).tolist(),
                "orientation": "h",
                "name": t(name, lang),
                "marker": {"color": colour},
                "customdata": grouped[k, s].tolist(),
                "hovertemplate": "%{y}: %{customdata:,.0f}<extra>" + t(name, lang) + "</extra>",
            }
            for s, name, colour, sign in sides
        ]

    shown = list(range(0, len(years), every))
    figure = go.Figure(data=bars(0))
    figure.update_layout(
        barmode="overlay", bargap=0.05, **_animation_controls([str(years[k]) for k in shown], lang)
    )
    ticks = _symmetric_ticks(top, lang)
    figure.update_xaxes(title=t("persons", lang), range=[-top, top], **ticks)
    _layout(figure, lang, t("prog_pyramid", lang), height=560)
    figure.update_layout(
        legend={"y": 1.03, "x": 0, "xanchor": "left", "yanchor": "bottom"},
        title={"y": 0.97, "yref": "container", "yanchor": "top"},
        hovermode="closest",
        margin={"t": 100, "b": 120},
    )
    frames = [{"data": bars(k), "name": str(years[k])} for k in shown]
    return {**figure.to_plotly_json(), "frames": frames}


def _animation_controls(names: list[str], lang: str) -> dict:
    """Play/pause buttons above the chart and a year slider below it."""
    steps = [
        {
            "label": name,
            "method": "animate",
            "args": [
                [name],
                {"mode": "immediate", "frame": {"duration": 0}, "transition": {"duration": 0}},
            ],
        }
        for name in names
    ]
    play = {
        "label": "▶ " + t("prog_play", lang),
        "method": "animate",
        "args": [
            None,
            {
                "frame": {"duration": 350, "redraw": False},
                "fromcurrent": True,
                "transition": {"duration": 150},
            },
        ],
    }
    pause = {
        "label": "❚❚ " + t("prog_pause", lang),
        "method": "animate",
        "args": [[None], {"mode": "immediate", "frame": {"duration": 0}}],
    }
    return {
        "updatemenus": [
            {
                "type": "buttons",
                "direction": "left",
                "x": 1,
                "y": 1.03,
                "xanchor": "right",
                "yanchor": "bottom",
                "buttons": [play, pause],
                "pad": {"b": 6},
            }
        ],
        "sliders": [
            {
                "active": 0,
                "steps": steps,
                "x": 0,
                "len": 1.0,
                "y": -0.1,
                "currentvalue": {"prefix": t("year", lang) + ": ", "xanchor": "right"},
                "pad": {"t": 30},
            }
        ],
    }


def _symmetric_ticks(top: float, lang: str) -> dict:
    raw = top / 3
    magnitude = 10 ** int(np.floor(np.log10(raw))) if raw > 0 else 1
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    ticks = [i * step for i in range(int(top // step) + 1)]
    values = sorted({-v for v in ticks} | set(ticks))
    return {"tickvals": values, "ticktext": [fmt_number(abs(v), lang) for v in values]}


def _axes(panel: int) -> dict[str, str]:
    """The axis pair of subplot `panel` (1-based, row by row), as plotly names them."""
    suffix = "" if panel == 1 else str(panel)
    return {"xaxis": f"x{suffix}", "yaxis": f"y{suffix}"}


def _band(rows: pd.DataFrame, lang: str, panel: int, first: bool) -> list[dict]:
    """Low-high band and the three scenario lines of one key group, as trace dicts."""
    wide = rows.pivot(index="year", columns="scenario", values="value")
    years = wide.index.tolist()
    axes = _axes(panel)
    edge = {"type": "scatter", "x": years, "mode": "lines", "line": {"width": 0}, **axes}
    traces = [
        {**edge, "y": wide["high"].tolist(), "showlegend": False, "hoverinfo": "skip"},
        {
            **edge,
            "y": wide["low"].tolist(),
            "fill": "tonexty",
            "fillcolor": BAND,
            "name": t("prog_range", lang),
            "legendgroup": "band",
            "showlegend": first,
            "hoverinfo": "skip",
        },
    ]
    for scenario, dash in (("low", "dot"), ("high", "dot"), ("middle", "solid")):
        line = {"color": SCENARIO_COLOURS[scenario], "dash": dash}
        traces.append(
            {
                **edge,
                "y": wide[scenario].tolist(),
                "name": t(scenario, lang),
                "line": {**line, "width": 2.5 if scenario == "middle" else 1},
                "legendgroup": scenario,
                "showlegend": first and scenario != "high",
                "hovertemplate": "%{y:,.0f}",
            }
        )
    return traces


def key_groups_figure(groups: pd.DataFrame, lang: str) -> dict:
    """Small multiples: total and key age groups, middle line in a low-high band.

    A figure dict: the grid of panels is built by plotly, the 5 traces per panel are added as
    dicts (plotly's check of 30 line traces cost more CPU than the projection itself).
    """
    keys = list(dict.fromkeys(groups["group"]))
    grid = make_subplots(
        rows=2,
        cols=3,
        subplot_titles=[t(k, lang) for k in keys],
        vertical_spacing=0.16,
        horizontal_spacing=0.08,
    )
    grid.update_yaxes(rangemode="tozero", tickformat=",.0f")
    grid.update_annotations(font_size=13)
    _layout(grid, lang, t("prog_groups", lang), height=560).update_layout(legend={"y": -0.1})
    traces = [
        trace
        for i, key in enumerate(keys)
        for trace in _band(groups[groups["group"] == key], lang, i + 1, i == 0)
    ]
    return {**grid.to_plotly_json(), "data": traces}


def add_prediction_interval(
    figure: dict, years: tuple[int, ...], lower: np.ndarray, upper: np.ndarray, lang: str
) -> dict:
    """The calibrated 80 % interval of the total as dashed lines in the first panel."""
    for values, first in ((upper, True), (lower, False)):
        figure["data"].append(
            {
                "type": "scatter",
                "x": list(years),
                "y": [float(v) for v in values],
                "mode": "lines",
                "name": t("prog_interval", lang),
                "line": {"color": "#b15928", "dash": "dash", "width": 1.5},
                "legendgroup": "interval",
                "showlegend": first,
                "hovertemplate": "%{y:,.0f}",
                **_axes(1),
            }
        )
    return figure


def households_figure(households: np.ndarray, years: tuple[int, ...], lang: str) -> go.Figure:
    """Households by size in the base year and at the horizon (middle), with low-high range."""
    sizes = [t("hh_size_label", lang, n=f"{k}" if k < 5 else "5+") for k in range(1, 6)]
    figure = go.Figure()
    figure.add_bar(
        x=sizes,
        y=households[1, 0],
        name=str(years[0]),
        marker_color="#9ecae1",
        hovertemplate="%{y:,.0f}",
    )
    end = households[:, -1]
    figure.add_bar(
        x=sizes,
        y=end[1],
        name=f"{years[-1]} ({t('middle', lang)})",
        marker_color=ACCENT,
        error_y={
            "type": "data",
            "symmetric": False,
            "array": end[2] - end[1],
            "arrayminus": end[1] - end[0],
            "color": GREY,
        },
        hovertemplate="%{y:,.0f}",
    )
    figure.update_layout(barmode="group")
    figure.update_yaxes(title=t("households", lang), tickformat=",.0f")
    return _layout(figure, lang, t("prog_households", lang), height=380)


def vintage_figure(
    vintage_rows: pd.DataFrame, actual: pd.DataFrame, lang: str, labels: dict[str, str]
) -> go.Figure:
    """Archived official totals (middle line, low-high band) against actual published totals."""
    figure = go.Figure()
    totals = vintage_rows[(vintage_rows["age_from"] == 0) & vintage_rows["age_to"].isna()]
    for vintage_id, rows in totals.groupby("vintage_id"):
        wide = rows.pivot_table(index="year", columns="scenario", values="value")
        years = wide.index.tolist()
        if {"low", "high"} <= set(wide.columns):
            figure.add_scatter(
                x=years,
                y=wide["high"],
                mode="lines",
                line={"width": 0},
                showlegend=False,
                hoverinfo="skip",
            )
            figure.add_scatter(
                x=years,
                y=wide["low"],
                mode="lines",
                line={"width": 0},
                fill="tonexty",
                fillcolor="rgba(106, 61, 154, 0.15)",
                showlegend=False,
                hoverinfo="skip",
            )
        figure.add_scatter(
            x=years,
            y=wide.get("middle", wide.iloc[:, 0]),
            mode="lines",
            name=plain(labels.get(str(vintage_id), str(vintage_id))),
            line={"color": VINTAGE, "width": 2},
            hovertemplate="%{y:,.0f}",
        )
    known = actual[actual["status"] == PUBLISHED]
    figure.add_scatter(
        x=known["year"],
        y=pd.to_numeric(known["value"]),
        mode="markers+lines",
        name=t("prog_actual", lang),
        marker={"color": "#111", "size": 8},
        line={"color": "#111", "width": 1},
        hovertemplate="%{y:,.0f}",
    )
    figure.update_yaxes(title=t("persons", lang), tickformat=",.0f")
    return _layout(figure, lang, t("prog_vintages", lang), height=380)


def empty_figure(message: str, lang: str) -> go.Figure:
    """A blank chart carrying a message (no data, nothing chosen)."""
    figure = go.Figure()
    wrapped = "<br>".join(plain(line) for line in textwrap.wrap(message, 60))
    figure.add_annotation(text=wrapped, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return _layout(figure, lang, "", height=240)
