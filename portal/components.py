"""Reusable layout pieces: the page shell, tables and notices (reports: `portal.reports`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlencode

from dash import dcc, html

from etl.accounts.service import Account
from i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, normalise_lang
from i18n import translate as t

# path -> (title key, permission)
PAGES: dict[str, tuple[str, str | None]] = {
    "/": (N_("portal_page_home"), None),
    "/hochladen": (N_("portal_page_upload"), "upload"),
    "/meldungen": (N_("portal_page_submissions"), "submissions"),
    "/pruefung": (N_("portal_page_review"), "review"),
    "/ortsteile": (N_("portal_page_subareas"), "review"),
    "/protokoll": (N_("portal_page_audit"), "audit"),
    "/konten": (N_("portal_page_users"), "users"),
}
ROLE_KEYS = {
    "admin": N_("portal_role_admin"),
    "statistician": N_("portal_role_statistician"),
    "uploader": N_("portal_role_uploader"),
    "viewer": N_("portal_role_viewer"),
}


def lang_of(search: str, default: str) -> str:
    """The language a portal URL asks for (`?lang=en`), else the configured default."""
    asked = parse_qs(search.lstrip("?")).get("lang", [None])[0]
    return normalise_lang(asked, normalise_lang(default))


def with_lang(href: str, lang: str, default: str) -> str:
    """`href` keeping the chosen language when it is not the default."""
    return href if lang == normalise_lang(default) else f"{href}?{urlencode({'lang': lang})}"


def role_label(role: str, lang: str) -> str:
    return t(ROLE_KEYS[role], lang) if role in ROLE_KEYS else role


def language_switch(path: str, lang: str) -> html.A:
    """A link to the same page in the other language, named in that language."""
    other = next(code for code in LANGUAGES if code != lang)
    return html.A(
        t("portal_switch_language", other),
        href=f"{path}?{urlencode({'lang': other})}",
        lang=other,
        hrefLang=other,
        id="portal-language",
    )


def permission_for(path: str) -> str | None:
    """The permission a portal path needs (None: any logged-in account)."""
    return PAGES.get(path.rstrip("/") or "/", (None, None))[1]


def header(
    account: Account | None, path: str, csrf: str, lang: str = "de", default: str = "de"
) -> html.Header:
    current = f" ({t('current_page', lang)})"
    links = [
        dcc.Link(
            [t(title, lang), html.Span(current, className="sr-only")]
            if href == path
            else t(title, lang),
            href=with_lang(href, lang, default),
            className="current" if href == path else "",
        )
        for href, (title, permission) in PAGES.items()
        if account and (permission is None or account.can(permission))
    ]
    who = f"{account.username} ({role_label(account.role, lang)})" if account else ""
    logout = html.Form(
        [
            dcc.Input(type="hidden", name="csrf_token", value=csrf),
            # the login form after logging out speaks the language the user chose
            dcc.Input(type="hidden", name="lang", value=lang),
            html.Button(t("portal_logout", lang), type="submit", className="secondary logout"),
        ],
        method="post",
        action="/auth/logout",
    )
    return html.Header(
        [
            html.A(t("skip_link", lang), href="#inhalt", className="skip"),
            html.Span(t("portal_title", lang), className="brand"),
            html.Nav(links, **{"aria-label": t("nav_label", lang)}),
            html.Span(who),
            language_switch(path, lang),
            logout,
        ],
        className="top",
        lang=lang,
    )


def table(
    rows: list[dict[str, Any]],
    columns: list[tuple[str, str]],
    *,
    caption: str,
    extra: Any = None,
    lang: str = DEFAULT_LANGUAGE,
) -> html.Table:
    """A plain accessible table; `extra(row)` adds a last cell (buttons).

    The labels of `columns` and the caption come translated; `lang` names the language of
    the texts the table adds itself (the action column, the empty-table line).
    """
    head = [html.Th(label, scope="col") for _, label in columns]
    if extra:
        head.append(html.Th(t("portal_table_action", lang), scope="col"))
    body = []
    for row in rows:
        cells = [
            html.Td(str(row.get(key, "") if row.get(key) is not None else "")) for key, _ in columns
        ]
        if extra:
            cells.append(html.Td(extra(row)))
        body.append(html.Tr(cells))
    if not body:
        body = [html.Tr(html.Td(t("portal_table_empty", lang), colSpan=len(head)))]
    return html.Table(
        [html.Caption(caption, className="muted"), html.Thead(html.Tr(head)), html.Tbody(body)]
    )


def labelled(columns: list[tuple[str, str]], lang: str) -> list[tuple[str, str]]:
    """Table columns (field, label key) with their labels in `lang`."""
    return [(field, t(key, lang)) for field, key in columns]


def notice(text: Any, kind: str = "") -> html.Div:
    return html.Div(text, className=f"notice {kind}".strip(), role="status")
