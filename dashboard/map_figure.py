"""Pure builders of the choropleth: data in, figure (or Patch) out. Works without any tiles.

The geometry is referenced by URL (plotly.js fetches GeoJSON URLs itself and keeps them in
`window.PlotlyGeoAssets`; the server marks them immutable), so a figure carries only keys,
names and values. Updates of indicator, year or classes patch z, customdata and hover texts.

Underneath all traces a MapLibre fill layer draws every area in light grey, "… not
available", from the cached geometry URL (so unavailable values cost nothing). Traces (bottom
to top): 0 empty (keeps the indices that patches address); 1 "dense" values for all areas (z = class
index, customdata = value, null elsewhere); 2 "sparse" values for few published areas (used
instead of 1 when under a quarter of the areas have a value, so an update never carries
thousands of nulls); 3 true zeros and suppressed cells with their symbols and bounds; 4 the
Land borders above everything.
"""

from __future__ import annotations

import math
from typing import Any, Final

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import Patch

from dashboard import classify
from dashboard.figures import plain_list
from dashboard.i18n import fmt_bounds, fmt_number, plotly_separators, status_label, t
from dashboard.indicators import BY_KEY
from dashboard.source_labels import source_label
from etl.symbols import NOT_AVAILABLE, PUBLISHED, SUPPRESSED, SYMBOLS, ZERO

STATUS_CODES: Final = {ZERO: 0, SUPPRESSED: 1, NOT_AVAILABLE: 2}
STATUS_COLOURS: Final = {ZERO: "#ffffff", SUPPRESSED: "#7f7f7f", NOT_AVAILABLE: "#d4d4d4"}
TRANSPARENT: Final = [[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]]
MAP_HEIGHT: Final = 620


SPARSE_SHARE: Final = 0.25
BASE, DENSE, SPARSE, STATUS, BORDERS = range(5)


def map_data(
    values: pd.DataFrame, upper_bounds: list[float], indicator: str, palette: str, lang: str
) -> dict[str, Any]:
    """Everything that changes with indicator, year or classes, as JSON-ready lists."""
    spec = BY_KEY[indicator]
    number = values["value"].to_numpy(dtype=float)
    published = (values["status"] == PUBLISHED).to_numpy() & np.isfinite(number)
    classes = classify.class_index(np.where(published, number, np.nan), upper_bounds)
    z = [None if math.isnan(c) else int(c) for c in classes]
    shown = [
        round(v, spec.decimals) if ok else None
        for v, ok in zip(number.tolist(), published, strict=True)
    ]
    sparse = published.sum() < SPARSE_SHARE * len(values)
    marked = values[values["status"].isin([ZERO, SUPPRESSED])]
    labels = _source_labels(values, lang)
    by_row = dict(zip(values.index, labels, strict=True))
    return {
        "dense_z": [] if sparse else z,
        "dense_customdata": [] if sparse else shown,
        "dense_hovertext": [] if sparse else labels,
        "sparse_hovertext": [v for v, ok in zip(labels, published, strict=True) if ok]
        if sparse
        else [],
        "sparse_locations": values["area_key"][published].tolist() if sparse else [],
        "sparse_text": plain_list(values["name"][published]) if sparse else [],
        "sparse_z": [v for v, ok in zip(z, published, strict=True) if ok] if sparse else [],
        "sparse_customdata": [v for v, ok in zip(shown, published, strict=True) if ok]
        if sparse
        else [],
        "status_locations": marked["area_key"].tolist(),
        "status_z": [STATUS_CODES[s] for s in marked["status"]],
        "status_text": plain_list(marked["name"]),
        "status_label": [
            _status_hover(row, indicator, lang)
            + (f"<br>{by_row[row.Index]}" if by_row[row.Index] else "")
            for row in marked.itertuples()
        ],
        "hovertemplate": _hovertemplate(indicator, lang),
        "colorscale": classify.discrete_colorscale(palette, max(len(upper_bounds), 1)),
        "zmax": max(len(upper_bounds), 1) - 0.5,
    }


def shown_values(figure: go.Figure) -> dict[str, float | None]:
    """area_key -> value as displayed (dense or sparse trace), for tests and checks."""
    dense, sparse = figure.data[DENSE], figure.data[SPARSE]
    if dense.z is not None and len(dense.z):
        return dict(zip(dense.locations, dense.customdata, strict=True))
    shown = dict.fromkeys(dense.locations)
    shown.update(zip(sparse.locations, sparse.customdata, strict=True))
    return shown


def _source_labels(values: pd.DataFrame, lang: str) -> list[str]:
    """Per area: where its number comes from (empty when the release has no source column)."""
    if "source" not in values:
        return [""] * len(values)
    return [
        source_label(r.source, r.sources, r.reference_date, None, lang)
        if isinstance(r.source, str)
        else ""
        for r in values.itertuples()
    ]


def _hovertemplate(indicator: str, lang: str) -> str:
    spec = BY_KEY[indicator]
    unit = f" {spec.unit}" if spec.unit else ""
    value = f"%{{customdata:,.{spec.decimals}f}}{unit}"
    return f"<b>%{{text}}</b><br>{t(indicator, lang)}: {value}<br>%{{hovertext}}<extra></extra>"


def _status_hover(row: Any, indicator: str, lang: str) -> str:
    spec = BY_KEY[indicator]
    text = f"{SYMBOLS.get(row.status, '…')} {status_label(row.status, lang)}"
    if row.status == ZERO:
        return f"{text} (0)"
    bounds = fmt_bounds(row.lower, row.upper, lang, spec.decimals)
    return f"{text}: {bounds}" if bounds else text


def map_figure(
    areas: pd.DataFrame,
    data: dict[str, Any],
    geojson_url: str,
    borders: tuple[str, list[str]],
    bbox: tuple[float, float, float, float],
    lang: str,
) -> go.Figure:
    """The full map figure of one level (sent once per level)."""
    border_url, land_keys = borders
    keys, names = areas["area_key"].tolist(), plain_list(areas["name"])
    na = f"{SYMBOLS[NOT_AVAILABLE]} {status_label(NOT_AVAILABLE, lang)}"
    values = {
        "hovertemplate": data["hovertemplate"],
        "colorscale": data["colorscale"],
        "zmin": -0.5,
        "zmax": data["zmax"],
        "showscale": False,
        "marker": {"line": {"width": 0.6, "color": "#ffffff"}},
    }
    colour = STATUS_COLOURS[NOT_AVAILABLE]
    figure = go.Figure(
        [
            # The grey "not available" base is a MapLibre layer fed by the cached geometry
            # URL (see `_base_layer`), so the figure does not repeat every key and name; the
            # empty trace keeps the trace indices that patches address.
            go.Choroplethmap(
                geojson=geojson_url,
                locations=[],
                z=[],
                name="base",
                colorscale=[[0, colour], [1, colour]],
                showscale=False,
                hovertemplate=f"<b>%{{text}}</b><br>{na}<extra></extra>",
            ),
            go.Choroplethmap(
                geojson=geojson_url,
                locations=keys,
                text=names,
                z=data["dense_z"],
                customdata=data["dense_customdata"],
                hovertext=data["dense_hovertext"],
                name="dense",
                **values,
            ),
            go.Choroplethmap(
                geojson=geojson_url,
                locations=data["sparse_locations"],
                text=data["sparse_text"],
                z=data["sparse_z"],
                customdata=data["sparse_customdata"],
                hovertext=data["sparse_hovertext"],
                name="sparse",
                **values,
            ),
            go.Choroplethmap(
                geojson=geojson_url,
                locations=data["status_locations"],
                z=data["status_z"],
                text=data["status_text"],
                customdata=data["status_label"],
                hovertemplate="<b>%{text}</b><br>%{customdata}<extra></extra>",
                colorscale=_status_scale(),
                zmin=-0.5,
                zmax=2.5,
                showscale=False,
                name="status",
                marker={"line": {"width": 0.6, "color": "#555555"}},
            ),
            go.Choroplethmap(
                geojson=border_url,
                locations=land_keys,
                z=[0] * len(land_keys),
                colorscale=TRANSPARENT,
                showscale=False,
                hoverinfo="skip",
                name="borders",
                marker={"line": {"width": 2.6, "color": "#1b1b1b"}},
            ),
        ]
    )
    figure.update_layout(
        map={"style": "white-bg", "layers": [_base_layer(geojson_url)], **_view(bbox)},
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        height=MAP_HEIGHT,
        separators=plotly_separators(lang),
        uirevision=geojson_url,
        clickmode="event",
        paper_bgcolor="#ffffff",
        showlegend=False,
        hoverlabel={"bgcolor": "#ffffff", "font": {"color": "#111111", "size": 14}},
        annotations=[_attribution()],
    )
    return figure


MAP_ATTRIBUTION: Final = (
    "© GeoBasis-DE / BKG · © Statistische Ämter des Bundes und der Länder · dl-de/by-2-0"
)


def _attribution() -> dict[str, Any]:
    """The licence notice of boundaries and official statistics, bottom right on the map."""
    return {
        "text": MAP_ATTRIBUTION,
        "xref": "paper",
        "yref": "paper",
        "x": 1,
        "y": 0,
        "xanchor": "right",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": 11, "color": "#333333"},
        "bgcolor": "rgba(255,255,255,0.85)",
    }


def _base_layer(geojson_url: str) -> dict[str, Any]:
    """Every area in the "not available" grey with white outlines, below the traces."""
    return {
        "sourcetype": "geojson",
        "source": geojson_url,
        "type": "fill",
        "below": "traces",
        "color": STATUS_COLOURS[NOT_AVAILABLE],
        "fill": {"outlinecolor": "#ffffff"},
    }


def _status_scale() -> list[list]:
    colours = [STATUS_COLOURS[ZERO], STATUS_COLOURS[SUPPRESSED], STATUS_COLOURS[NOT_AVAILABLE]]
    scale: list[list] = []
    for i, colour in enumerate(colours):
        scale += [[i / 3, colour], [(i + 1) / 3, colour]]
    return scale


def _view(
    bbox: tuple[float, float, float, float], width_px: float = 760, height_px: float = MAP_HEIGHT
) -> dict[str, Any]:
    """Centre and zoom that fit the bounding box (MapLibre: the world is 512 px at zoom 0)."""
    west, south, east, north = bbox
    span_lon = max(east - west, 1e-3)
    y_south, y_north = (
        math.log(math.tan(math.pi / 4 + math.radians(v) / 2)) for v in (south, north)
    )
    span_y = max(math.degrees(y_north - y_south), 1e-3)
    zoom = min(
        math.log2(width_px * 360 / (512 * span_lon)), math.log2(height_px * 360 / (512 * span_y))
    )
    return {
        "center": {"lon": (west + east) / 2, "lat": (south + north) / 2},
        "zoom": max(0.0, zoom - 0.15),
    }


def map_patch(data: dict[str, Any]) -> Patch:
    """Values-only update of an existing map figure (no geometry, no names of dense areas)."""
    patch = Patch()
    for trace, prefix in ((DENSE, "dense_"), (SPARSE, "sparse_")):
        patch["data"][trace]["z"] = data[prefix + "z"]
        patch["data"][trace]["customdata"] = data[prefix + "customdata"]
        patch["data"][trace]["hovertext"] = data[prefix + "hovertext"]
        patch["data"][trace]["hovertemplate"] = data["hovertemplate"]
        patch["data"][trace]["colorscale"] = data["colorscale"]
        patch["data"][trace]["zmax"] = data["zmax"]
    patch["data"][SPARSE]["locations"] = data["sparse_locations"]
    patch["data"][SPARSE]["text"] = data["sparse_text"]
    patch["data"][STATUS]["locations"] = data["status_locations"]
    patch["data"][STATUS]["z"] = data["status_z"]
    patch["data"][STATUS]["text"] = data["status_text"]
    patch["data"][STATUS]["customdata"] = data["status_label"]
    return patch


def legend_entries(
    values: pd.DataFrame, upper_bounds: list[float], palette: str, indicator: str, lang: str
) -> list[tuple[str, str, int]]:
    """(colour, label, number of areas) per class and per status present."""
    spec = BY_KEY[indicator]
    number = values["value"].to_numpy(dtype=float)
    published = (values["status"] == PUBLISHED).to_numpy() & np.isfinite(number)
    classes = classify.class_index(np.where(published, number, np.nan), upper_bounds)
    colours = classify.colors(palette, len(upper_bounds))
    low = float(np.nanmin(number[published])) if published.any() else 0.0
    entries = []
    for i, (colour, upper) in enumerate(zip(colours, upper_bounds, strict=True)):
        lower = low if i == 0 else upper_bounds[i - 1]
        label = (
            f"{'' if i == 0 else '> '}{fmt_number(lower, lang, spec.decimals)} – "
            f"{fmt_number(upper, lang, spec.decimals)}"
        )
        entries.append((colour, label, int((classes == i).sum())))
    for status, colour in STATUS_COLOURS.items():
        n = int((values["status"] == status).sum())
        if n:
            entries.append((colour, f"{SYMBOLS[status]} {status_label(status, lang)}", n))
    return entries


def map_summary(values: pd.DataFrame, indicator: str, year: int, level: str, lang: str) -> str:
    """A one-paragraph text alternative of the map."""
    spec = BY_KEY[indicator]
    shown = values[values["status"] == PUBLISHED].dropna(subset=["value"])
    counts = values["status"].value_counts()
    parts = [
        f"{t(indicator, lang)}, {year}, {t('lvl_' + level, lang)}: {len(values)} "
        + ("Gebiete" if lang == "de" else "areas")
    ]
    if not shown.empty:
        top, bottom = shown.loc[shown["value"].idxmax()], shown.loc[shown["value"].idxmin()]
        fmt = lambda v: fmt_number(v, lang, spec.decimals)  # noqa: E731
        word = ("höchster Wert", "niedrigster Wert") if lang == "de" else ("highest", "lowest")
        parts.append(
            f"{word[0]} {fmt(top['value'])} ({top['name']}), "
            f"{word[1]} {fmt(bottom['value'])} ({bottom['name']})"
        )
    for status in (SUPPRESSED, ZERO, NOT_AVAILABLE):
        if counts.get(status, 0):
            parts.append(f"{counts[status]} × {SYMBOLS[status]} {status_label(status, lang)}")
    return "; ".join(parts) + "."


def selection_figure(
    areas: pd.DataFrame,
    selected: list[str],
    geojson_url: str,
    borders: tuple[str, list[str]],
    bbox: tuple[float, float, float, float],
    lang: str,
) -> go.Figure:
    """Municipalities coloured by membership of a custom region (click toggles)."""
    chosen = set(selected)
    figure = go.Figure(
        [
            go.Choroplethmap(
                geojson=geojson_url,
                locations=areas["area_key"].tolist(),
                z=[1 if k in chosen else 0 for k in areas["area_key"]],
                text=plain_list(areas["name"]),
                colorscale=[[0, "#e8ecf1"], [0.5, "#e8ecf1"], [0.5, "#0b6aa2"], [1, "#0b6aa2"]],
                zmin=0,
                zmax=1,
                showscale=False,
                hovertemplate="<b>%{text}</b><extra></extra>",
                marker={"line": {"width": 0.8, "color": "#5b6770"}},
            ),
            go.Choroplethmap(
                geojson=borders[0],
                locations=borders[1],
                z=[0] * len(borders[1]),
                colorscale=TRANSPARENT,
                showscale=False,
                hoverinfo="skip",
                marker={"line": {"width": 2.6, "color": "#1b1b1b"}},
            ),
        ]
    )
    figure.update_layout(
        map={"style": "white-bg", **_view(bbox, 600, 520)},
        height=520,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        uirevision=geojson_url,
        separators=plotly_separators(lang),
    )
    return figure


def selection_patch(areas: pd.DataFrame, selected: list[str]) -> Patch:
    chosen = set(selected)
    patch = Patch()
    patch["data"][0]["z"] = [1 if k in chosen else 0 for k in areas["area_key"]]
    return patch
