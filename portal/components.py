"""Reusable layout pieces: the page shell, tables, the validation report, job progress."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlencode

from dash import dcc, html

from etl.accounts.service import Account
from etl.uploads.records import Job
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
LEVEL_LABELS = {"ok": "in Ordnung", "warning": "Hinweis", "info": "Information", "error": "Fehler"}


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


def errors_view(report: dict[str, Any]) -> html.Div:
    items = [html.Li(error["message"]) for error in report.get("errors", [])]
    title = (
        "Abgelehnt: personenbezogene Daten"
        if report.get("person_level")
        else "Die Datei wurde nicht angenommen"
    )
    return html.Div(
        [
            html.H3(title),
            html.Ul(items),
            html.P(
                "Die Datei wurde nicht gespeichert. Bitte korrigieren und erneut hochladen.",
                className="muted",
            ),
        ],
        className="notice error",
        role="alert",
        id="report-refused",
    )


def checks_view(checks: list[dict[str, str]]) -> html.Div:
    rows = [
        html.Li(
            [
                html.Span(LEVEL_LABELS[c["level"]], className=f"badge level-{c['level']}"),
                " ",
                html.Strong(c["title"]),
                ": ",
                c["explanation"],
            ]
        )
        for c in checks
    ]
    return html.Div([html.H3("Plausibilität"), html.Ul(rows)])


def diff_view(replaces: str | None, diff: list[dict] | None) -> html.Div:
    if not diff:
        return html.Div(
            [
                html.H3("Vergleich mit der letzten Meldung"),
                html.P("Erste Meldung für diese Gemeinde und diesen Stichtag."),
            ]
        )
    rows = [
        {
            "table": d["table"],
            "added": d["added"],
            "removed": d["removed"],
            "changed": d["changed"],
            "total": f"{d['total_old']} → {d['total_new']}",
        }
        for d in diff
    ]
    return html.Div(
        [
            html.H3("Vergleich mit der letzten Meldung"),
            html.P(
                f"Ersetzt Meldung {replaces}; die alte bleibt in der Historie.", className="muted"
            ),
            table(
                rows,
                [
                    ("table", "Tabelle"),
                    ("added", "neue Zeilen"),
                    ("removed", "entfallen"),
                    ("changed", "geändert"),
                    ("total", "Summe alt → neu"),
                ],
                caption="Zeilen je Tabelle",
            ),
        ]
    )


def preview_view(preview: dict[str, Any] | None) -> html.Div:
    title = html.H3("Vorschau der Geheimhaltung")
    if not preview or not preview.get("available"):
        reason = (preview or {}).get("reason", "nicht berechnet")
        return html.Div([title, html.P(f"Keine Vorschau verfügbar ({reason}).", className="muted")])
    rows = [{**t, "suppressed": t["primary"] + t["secondary"]} for t in preview["tables"]]
    return html.Div(
        [
            title,
            table(
                rows,
                [
                    ("table", "Tabelle"),
                    ("cells", "Zellen"),
                    ("primary", "primär"),
                    ("secondary", "sekundär"),
                    ("suppressed", "gesperrt (•)"),
                ],
                caption=f"Mindestfallzahl k = {preview['min_count']}",
            ),
            html.P(preview["note"], className="muted"),
        ]
    )


def report_view(report: dict[str, Any]) -> html.Div:
    """The validation report of one upload."""
    if not report.get("ok"):
        return errors_view(report)
    summary = report["summary"]
    name = f"{summary['municipality']} {summary['name']}".strip()
    rows = ", ".join(f"{k}: {v}" for k, v in summary["rows"].items())
    return html.Div(
        [
            html.Div(
                [
                    html.H3("Formal in Ordnung"),
                    html.P(
                        f"{name}, Stichtag {summary['reference_date']}: "
                        f"{summary['persons']} Einwohner "
                        f"mit Hauptwohnung; Zeilen {rows}."
                    ),
                ],
                className="notice ok",
                role="status",
            ),
            checks_view(report["checks"]),
            diff_view(report["replaces"], report["diff"]),
            preview_view(report["preview"]),
        ],
        id="report-ok",
    )


def job_view(job: Job) -> html.Div:
    """Progress of a running job (the result is shown by the page)."""
    return html.Div(
        [
            html.Label("Fortschritt", htmlFor="job-progress"),
            html.Progress(value=str(job.progress), max="100", id="job-progress"),
            html.P(job.message or "in der Warteschlange …", className="muted"),
        ],
        role="status",
        **{"aria-live": "polite"},
    )
