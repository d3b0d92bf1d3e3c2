"""Pure chart builders for profile and comparison: frames in, plotly figures out.

Suppressed values are never drawn as numbers: bars leave a gap and a "•" marks the place;
not-available values show "…". Every chart gets de-DE separators in German.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Final

import pandas as pd
import plotly.graph_objects as go

from dashboard import indicators
from dashboard.i18n import fmt_number, plotly_separators, t
from dashboard.source_labels import source_label
from etl.symbols import PUBLISHED, SYMBOLS, ZERO
from etl.transform.ages import group_label
from etl.transform.census import FIRST_YEAR_ON_2011, series_break

FEMALE, MALE, ACCENT, GREY = "#b2182b", "#2166ac", "#1b7837", "#595959"
FONT: Final = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"


def plain(text: object) -> str:
    """Text Plotly shows as it is: its pseudo-HTML (<b>, <a href>, <br>) escaped.

    Plotly renders tags in titles, hover labels, axis and legend labels, and area or region
    names come from data; escaped, `<a href=...>` stays text (Plotly turns &lt; back into <).
    """
    return html.escape(str(text), quote=False)


def plain_list(texts: Iterable[object]) -> list[str]:
    return [plain(text) for text in texts]


def _layout(figure: go.Figure, lang: str, title: str, height: int = 360) -> go.Figure:
    figure.update_layout(
        template="simple_white",
        title={"text": plain(title), "x": 0, "font": {"size": 16}},
        separators=plotly_separators(lang),
        height=height,
        margin={"l": 60, "r": 20, "t": 50, "b": 40},
        font={"family": FONT, "size": 13, "color": "#1a1a1a"},
        legend={"orientation": "h", "y": -0.25, "x": 0},
    )
    return figure


def _known(frame: pd.DataFrame) -> pd.Series:
    return frame["status"].isin([PUBLISHED, ZERO])


def _group_rows(cells: pd.DataFrame, year: int, sex: str) -> pd.DataFrame:
    rows = cells[
        (cells["year"] == year)
        & (cells["sex"] == sex)
        & (cells["nationality"] == "total")
        & ~((cells["age_from"] == 0) & cells["age_to"].isna())
    ]
    rows = rows.sort_values("age_from")
    labels = [
        group_label(int(a), None if pd.isna(b) else int(b))
        for a, b in zip(rows["age_from"], rows["age_to"], strict=True)
    ]
    return rows.assign(label=labels, number=pd.to_numeric(rows["value"]).astype(float))


def pyramid(
    cells: pd.DataFrame,
    year: int,
    lang: str,
    overlay: pd.DataFrame | None = None,
    overlay_name: str = "",
) -> go.Figure:
    """Age pyramid (men left, women right); overlay: outline of another year or shape."""
    figure = go.Figure()
    for sex, colour, sign in (("male", MALE, -1), ("female", FEMALE, 1)):
        rows = _group_rows(cells, year, sex)
        figure.add_bar(
            y=rows["label"],
            x=sign * rows["number"].where(_known(rows)),
            orientation="h",
            name=t(sex, lang),
            marker_color=colour,
            customdata=rows["number"],
            hovertemplate="%{y}: %{customdata:,.0f}<extra>" + t(sex, lang) + "</extra>",
        )
        hidden = rows[~_known(rows)]
        if not hidden.empty:
            figure.add_scatter(
                y=hidden["label"],
                x=[sign * 0.5] * len(hidden),
                mode="text",
                showlegend=False,
                text=[SYMBOLS.get(s, "…") for s in hidden["status"]],
                hoverinfo="skip",
                textposition="middle left" if sign < 0 else "middle right",
            )
        if overlay is not None:
            other = overlay[overlay["sex"] == sex]
            figure.add_scatter(
                y=other["label"],
                x=sign * other["number"],
                mode="markers",
                marker={
                    "symbol": "line-ns-open",
                    "size": 16,
                    "color": "#111111",
                    "line": {"width": 3, "color": "#111111"},
                },
                name=plain(overlay_name),
                showlegend=sex == "female",
                legendgroup="overlay",
            )
    figure.update_layout(barmode="overlay", bargap=0.05)
    figure.update_xaxes(title=t("persons", lang), **_symmetric_ticks(figure, lang))
    return _layout(figure, lang, f"{t('pyramid', lang)} {year}", height=460)


def _symmetric_ticks(figure: go.Figure, lang: str) -> dict:
    """Ticks on both sides of the pyramid labelled with absolute numbers."""
    values = [
        abs(v)
        for trace in figure.data
        if trace.x is not None
        for v in trace.x
        if v is not None and v == v
    ]
    top = max(values, default=1.0)
    step = 10 ** max(0, len(str(int(top))) - 1)
    step = step * 2 if top / step > 5 else step
    ticks = [i * step for i in range(0, int(top // step) + 1)]
    vals = sorted({-v for v in ticks} | set(ticks))
    return {
        "tickvals": vals,
        "ticktext": [fmt_number(abs(v), lang) for v in vals],
        "range": [-top * 1.08, top * 1.08],
    }


def overlay_year(cells: pd.DataFrame, year: int) -> pd.DataFrame:
    """Outline of another year: sex, label, number (suppressed groups left out)."""
    rows = pd.concat([_group_rows(cells, year, sex) for sex in ("female", "male")])
    return rows[_known(rows)][["sex", "label", "number"]]


def overlay_shape(parent_cells: pd.DataFrame, year: int, area_total: float) -> pd.DataFrame:
    """The parent area's age structure scaled to this area's population."""
    rows = pd.concat([_group_rows(parent_cells, year, sex) for sex in ("female", "male")])
    rows = rows[_known(rows)]
    share = rows["number"] / rows["number"].sum() if rows["number"].sum() else rows["number"]
    return rows.assign(number=share * area_total)[["sex", "label", "number"]]


def time_series(totals: pd.DataFrame, lang: str, official: pd.DataFrame | None = None) -> go.Figure:
    """Population by year; suppressed years are gaps marked with the symbol."""
    rows = totals.sort_values("year")
    numbers = pd.to_numeric(rows["value"]).astype(float).where(_known(rows))
    sources = rows["source"] if "source" in rows else pd.Series("register", index=rows.index)
    only_official = bool(len(rows)) and bool((sources == "official").all())
    figure = go.Figure(
        go.Scatter(
            x=rows["year"],
            y=numbers,
            mode="lines+markers+text",
            name=t("official" if only_official else "register", lang),
            line={"color": ACCENT, "width": 3},
            text=[SYMBOLS.get(s, "") for s in rows["status"]],
            textposition="top center",
            hovertext=[
                source_label(r.source, r.sources, r.reference_date, int(r.year), lang)
                for r in rows.assign(source=sources, sources=rows.get("sources", "")).itertuples()
            ],
            hovertemplate="%{x}: %{y:,.0f}<br>%{hovertext}<extra></extra>",
        )
    )
    if "source" in rows and series_break(rows).any():
        _mark_census_break(figure, lang)
    if official is not None and not official.empty:
        figure.add_scatter(
            x=official["year"],
            y=pd.to_numeric(official["value"]).astype(float),
            mode="lines+markers",
            name=t("official", lang),
            line={"color": GREY, "dash": "dash"},
        )
    figure.update_xaxes(dtick=1, title=t("year", lang))
    figure.update_yaxes(tickformat=",.0f", title=t("persons", lang), rangemode="tozero")
    return _layout(figure, lang, t("timeseries", lang))


def _bound_text(row: pd.Series) -> str:
    """The hover of a suppressed balance: the bound the published cells allow."""
    if pd.notna(row["lower"]) and pd.notna(row["upper"]):
        return f"{row['lower']:+,.0f} … {row['upper']:+,.0f}"
    if pd.notna(row["lower"]):
        return f"≥ {row['lower']:+,.0f}"
    if pd.notna(row["upper"]):
        return f"≤ {row['upper']:+,.0f}"
    return SYMBOLS.get(row["status"], "")


CENSUS_BREAK_LABEL: Final = {"de": "Zensus 2011 (Bruch)", "en": "Census 2011 (break)"}


def _mark_census_break(figure: go.Figure, lang: str) -> None:
    """A dashed line between 2010 and 2011: the official series is re-based on the census."""
    label = CENSUS_BREAK_LABEL.get(lang, CENSUS_BREAK_LABEL["de"])
    figure.add_vline(
        x=FIRST_YEAR_ON_2011 - 0.5,
        line={"color": GREY, "dash": "dot", "width": 2},
        annotation_text=label,
        annotation_position="top left",
        name="census-break",
    )


def components_of_change(events: pd.DataFrame, lang: str) -> go.Figure:
    """Natural change (births - deaths) and net migration (in - out) per year.

    Where a count is suppressed the bar is left out and marked •; its hover shows the bound
    (`indicators.balance`), never a value computed as if the suppressed count were 0.
    """
    figure = go.Figure()
    for key, plus, minus, colour in (
        ("natural_change", "birth", "death", FEMALE),
        ("net_migration", "move_in", "move_out", MALE),
    ):
        if not {plus, minus} <= set(events["event"]):
            continue
        values = indicators.balance(events, plus, minus)
        shown = values["status"] == PUBLISHED
        figure.add_bar(
            x=values.index,
            y=values["value"].where(shown),
            name=t(key, lang),
            marker_color=colour,
            text=[
                "" if ok else SYMBOLS.get(st, "")
                for ok, st in zip(shown, values["status"], strict=True)
            ],
            textposition="outside",
            hovertext=[
                f"{v:+,.0f}" if ok else _bound_text(row)
                for ok, v, (_, row) in zip(shown, values["value"], values.iterrows(), strict=True)
            ],
            hovertemplate="%{x}: %{hovertext}<extra></extra>",
        )
    figure.update_xaxes(dtick=1, title=t("year", lang))
    figure.update_yaxes(tickformat="+,.0f", title=t("persons", lang), zeroline=True)
    figure.update_layout(barmode="group")
    return _layout(figure, lang, t("components", lang))


def households_by_size(households: pd.DataFrame, year: int, lang: str) -> go.Figure:
    rows = households[(households["year"] == year) & (households["size"] > 0)].sort_values("size")
    labels = [t("hh_size_label", lang, n=f"{s}+" if s == 5 else s) for s in rows["size"]]
    figure = go.Figure(
        go.Bar(
            x=labels,
            y=pd.to_numeric(rows["value"]).astype(float).where(_known(rows)),
            marker_color=ACCENT,
            text=[SYMBOLS.get(s, "") for s in rows["status"]],
            textposition="outside",
            hovertemplate="%{x}: %{y:,.0f}<extra></extra>",
        )
    )
    figure.update_yaxes(tickformat=",.0f", title=t("households", lang))
    return _layout(figure, lang, f"{t('households_by_size', lang)} {year}")


def compare_bars(values: pd.DataFrame, indicator: str, lang: str, decimals: int) -> go.Figure:
    """One bar per area; suppressed or missing values shown as their symbol."""
    numbers = pd.to_numeric(values["value"]).astype(float).where(values["status"] == PUBLISHED)
    texts = [SYMBOLS.get(s, "") for s in values["status"]]
    figure = go.Figure(
        go.Bar(
            x=numbers,
            y=plain_list(values["name"]),
            orientation="h",
            marker_color=ACCENT,
            text=texts,
            textposition="outside",
            hovertemplate=f"%{{y}}: %{{x:,.{decimals}f}}<extra></extra>",
        )
    )
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(tickformat=f",.{decimals}f")
    return _layout(figure, lang, t(indicator, lang), height=120 + 40 * len(values))


def graph_config(filename: str) -> dict:
    """Modebar with offline PNG/SVG export and no plotly branding."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2},
        "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    }


def load_chart_types() -> str:
    """Build and serialise one small figure with every chart type and part the pages use.

    Plotly imports and checks a trace type's classes on its first use in a process (about a
    second of CPU per worker for these, more without compiled bytecode); a worker does this in
    its warm-up thread, so no visitor waits for it. Returns the JSON (to be serialised here).
    """
    from plotly.subplots import make_subplots  # the same module the Prognose charts use

    figure = make_subplots(rows=1, cols=2)
    figure.add_bar(x=["a"], y=[1], error_y={"type": "data", "array": [0]}, row=1, col=1)
    figure.add_scatter(x=[0], y=[1], fill="tonexty", row=1, col=2)
    figure.add_annotation(text="", x=0, y=0)
    figure.add_vline(x=0)
    figure.add_trace(go.Choroplethmap(geojson={}, locations=[], z=[]))
    figure.frames = [go.Frame(data=[go.Bar(x=[1], y=["a"], orientation="h")], name="0")]
    return _layout(figure, "de", "").to_json()
