"""The frame around every page: skip link, banner, navigation, language switch, footer.

Navigation is built from `dash.page_registry`, so pages registered later (Prognose, login,
upload) appear without touching this module; a page opts out with `nav=False`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import dash
from dash import dcc, html

from dashboard import ids
from dashboard.components.controls import dropdown
from dashboard.i18n import t
from dashboard.services import get_service

KEEP_IN_NAV = ("release", "lang")


def _query(params: dict[str, Any], **changes: Any) -> str:
    merged = {k: v for k, v in {**params, **changes}.items() if v not in (None, "")}
    return f"?{urlencode(merged)}" if merged else ""


def nav_links(current: str, lang: str, release: str | None) -> list:
    keep = {"release": release, "lang": lang}
    links = []
    for page in dash.page_registry.values():
        if not page.get("nav", True):
            continue
        label = t(page["label_key"], lang) if page.get("label_key") else page["name"]
        is_current = page["path"] == current
        text = [label, html.Span(f" ({t('current_page', lang)})", className="visually-hidden")]
        links.append(
            html.Li(
                dcc.Link(
                    text if is_current else label,
                    href=page["path"] + _query(keep),
                    className="nav-link current" if is_current else "nav-link",
                )
            )
        )
    return links


def _portal_link(lang: str) -> html.P | None:
    """Link to the separate upload portal (municipalities, statisticians)."""
    try:
        url = get_service().settings.portal_url
    except (RuntimeError, KeyError):  # outside a request: plain-function tests
        return None
    return html.P(html.A(t("portal_link", lang), href=url, className="portal-link"))


def withdrawn_notice(release: str | None, lang: str) -> html.Div | None:
    """Why a permalink's release is no longer shown, and which release is shown instead."""
    found = get_service().withdrawal(release) if release else None
    if found is None:
        return None
    text = t("release_withdrawn", lang).format(
        release=found.release_id,
        date=f"{found.withdrawn_at:%d.%m.%Y}",
        reason=found.reason,
        current=found.replaced_by,
    )
    return html.Div(text, role="alert", className="notice notice-withdrawn")


def page_frame(path: str, lang: str, query: dict[str, Any], children: list, title: str) -> html.Div:
    """Landmarks (banner, navigation, main, contentinfo) around a page's content."""
    other = "en" if lang == "de" else "de"
    release = query.get("release")
    notice = withdrawn_notice(release, lang)
    if notice is not None:
        release = None  # the live release is served; the notice says why
    return html.Div(
        className="app",
        lang=lang,
        children=[
            html.A(t("skip_link", lang), href="#main", className="skip-link"),
            dcc.Store(id=ids.SHELL_STATE, data={"lang": lang, "release": release}),
            html.Div(id=ids.SHELL_LANG_SINK, hidden=True),
            html.Div(id=ids.SHELL_RELEASE_SINK, hidden=True),
            html.Header(
                className="banner",
                children=[
                    html.Div(
                        className="brand",
                        children=[
                            html.Span("▦", className="brand-mark", **{"aria-hidden": "true"}),
                            html.Div(
                                [
                                    html.P(t("app_title", lang), className="brand-title"),
                                    html.P(t("app_subtitle", lang), className="brand-sub"),
                                ]
                            ),
                        ],
                    ),
                    html.Div(
                        className="banner-tools",
                        children=[
                            html.Label(
                                t("release", lang),
                                htmlFor=ids.SHELL_RELEASE,
                                className="tool-label",
                            ),
                            dropdown(
                                lang,
                                id=ids.SHELL_RELEASE,
                                clearable=False,
                                searchable=False,
                                className="release-select",
                                value=release,
                            ),
                            html.A(
                                other.upper(),
                                href=path + _query(query, lang=other),
                                lang=other,
                                className="lang-switch",
                                title=t("language", other),
                                **{"aria-label": f"{t('language', other)}: {other.upper()}"},
                            ),
                        ],
                    ),
                ],
            ),
            html.Nav(
                html.Ul(nav_links(path, lang, release), className="nav-list"),
                className="nav",
                **{"aria-label": t("nav_label", lang)},
            ),
            html.Main(
                id="main",
                tabIndex="-1",
                className="main",
                children=[
                    html.H1(title, className="page-title"),
                    *([notice] if notice is not None else []),
                    *children,
                ],
            ),
            html.Footer([html.P(t("footer", lang)), _portal_link(lang)], className="footer"),
        ],
    )
