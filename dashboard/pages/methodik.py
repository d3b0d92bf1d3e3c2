"""Methodik: privacy method and attacker model in plain language, symbols, release, sources."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, dcc, html

from dashboard import ids
from dashboard.components.shell import page_frame
from dashboard.components.table import data_table
from dashboard.i18n import fmt_number, normalise_lang, status_label, t
from dashboard.methods_text import INDICATOR_NOTES, METHOD_PARAGRAPHS
from dashboard.pages.common import default_lang
from dashboard.services import get_service
from etl.symbols import NOT_AVAILABLE, SUPPRESSED, SYMBOLS, ZERO
from etl.transform import attacker_model
from i18n import N_

PAGE = {"path": "/methodik", "name": "Methodik", "order": 6, "label_key": "page_methodik"}


def layout(release: str | None = None, lang: str | None = None, **_: Any) -> html.Div:
    lang = normalise_lang(lang, default_lang())
    query = {"release": release, "lang": lang}
    paragraphs = METHOD_PARAGRAPHS["en" if lang == "en" else "de"]
    symbols = html.Ul(
        [
            html.Li([html.Span(SYMBOLS[s], className="symbol"), status_label(s, lang)])
            for s in (ZERO, SUPPRESSED, NOT_AVAILABLE)
        ]
    )
    return page_frame(
        PAGE["path"],
        lang,
        query,
        [
            dcc.Store(id=ids.METHOD_STATE, data=query),
            html.Article(
                className="panel methods",
                children=[
                    *[
                        child
                        for title, text in paragraphs
                        for child in (html.H2(title), html.P(text))
                    ],
                    html.H2(t("symbols", lang)),
                    symbols,
                    html.H2(t("indicators_defs", lang)),
                    html.Ul(
                        [html.Li(note) for note in INDICATOR_NOTES["en" if lang == "en" else "de"]]
                    ),
                    html.Div(id=ids.METHOD_RELEASE),
                ],
            ),
        ],
        t("methods_title", lang),
    )


def release_section(state):
    service, lang = get_service(), normalise_lang(state.get("lang"))
    release = service.resolve_release(state.get("release"))
    return render_release(service.info(release), lang)


TABLE_LABELS = {
    "population": N_("population"),
    "households": N_("households"),
    "events": N_("audit_events"),
}


def _table_label(table: str, lang: str) -> str:
    return t(TABLE_LABELS[table], lang) if table in TABLE_LABELS else table


def audit_rows(audit: dict[str, Any], lang: str) -> list[tuple[str, str, str, str]]:
    """Pure: per year and table, the cells shown and how many of them are suppressed.

    Only counts a visitor can make from the cells (`attacker_model.public_audit`): an older
    record that still holds restricted figures is cut here as well.
    """
    public = attacker_model.public_audit(audit)
    return [
        (
            str(entry.get("year", "")),
            _table_label(str(entry.get("table", "")), lang),
            fmt_number(entry["cells"], lang) if "cells" in entry else "–",
            fmt_number(entry["suppressed"], lang) if "suppressed" in entry else "–",
        )
        for entry in public["tables"]
    ]


def render_release(info: dict[str, Any], lang: str) -> html.Div:
    """Pure: the parameters, audit and sources (with attribution) of one release."""
    audit = info.get("audit", {})
    verdict = t("audit_safe", lang) if audit.get("safe") else t("audit_unsafe", lang)
    rows = [
        (t("release", lang), info["release_id"]),
        (t("min_count", lang), str(info["min_count"])),
        (t("protection", lang), fmt_number(info["protection"], lang, 2)),
        (t("territorial_status", lang), str(info.get("territorial_status", ""))),
        (t("years", lang), ", ".join(str(y) for y in info.get("years", []))),
        (t("audit", lang), f"{verdict} ({audit.get('method', '')})"),
    ]
    sources = info.get("sources", {})
    items = [
        html.Li(f"{kind}: {', '.join(map(str, values)) if isinstance(values, list) else values}")
        for kind, values in sources.items()
    ]
    columns = [t("year", lang), t("audit_table", lang), t("audit_cells", lang)]
    return html.Div(
        [
            html.H2(t("release_params", lang)),
            data_table(t("release_params", lang), [t("measure", lang), t("col_value", lang)], rows),
            html.H3(t("audit_by_table", lang)),
            data_table(
                t("audit_by_table", lang),
                [*columns, t("audit_suppressed", lang)],
                audit_rows(audit, lang),
            ),
            html.H2(t("sources", lang)),
            html.Ul(items),
            html.P([html.Strong(t("attribution", lang) + ": "), info.get("attribution", "")]),
        ]
    )


def register_callbacks(app: Dash) -> None:
    app.callback(Output(ids.METHOD_RELEASE, "children"), Input(ids.METHOD_STATE, "data"))(
        release_section
    )
