"""Reusable layout pieces: the page shell, tables, the validation report, job progress."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from etl.accounts.service import ROLE_LABELS, Account
from etl.uploads.records import Job

PAGES: dict[str, tuple[str, str | None]] = {
    "/": ("Übersicht", None),
    "/hochladen": ("Hochladen", "upload"),
    "/meldungen": ("Meldungen", "submissions"),
    "/pruefung": ("Prüfung und Freigabe", "review"),
    "/ortsteile": ("Ortsteile", "review"),
    "/protokoll": ("Protokoll", "audit"),
    "/konten": ("Konten", "users"),
}
LEVEL_LABELS = {"ok": "in Ordnung", "warning": "Hinweis", "info": "Information", "error": "Fehler"}


def permission_for(path: str) -> str | None:
    """The permission a portal path needs (None: any logged-in account)."""
    return PAGES.get(path.rstrip("/") or "/", (None, None))[1]


def header(account: Account | None, path: str, csrf: str) -> html.Header:
    links = [
        dcc.Link(
            [title, html.Span(" (aktuelle Seite)", className="sr-only")] if href == path else title,
            href=href,
            className="current" if href == path else "",
        )
        for href, (title, permission) in PAGES.items()
        if account and (permission is None or account.can(permission))
    ]
    who = f"{account.username} ({ROLE_LABELS[account.role]})" if account else ""
    logout = html.Form(
        [
            dcc.Input(type="hidden", name="csrf_token", value=csrf),
            html.Button("Abmelden", type="submit", className="secondary"),
        ],
        method="post",
        action="/auth/logout",
    )
    return html.Header(
        [
            html.A("Zum Inhalt springen", href="#inhalt", className="skip"),
            html.Span("Meldeportal Demografie", className="brand"),
            html.Nav(links, **{"aria-label": "Hauptnavigation"}),
            html.Span(who),
            logout,
        ],
        className="top",
    )


def table(
    rows: list[dict[str, Any]], columns: list[tuple[str, str]], *, caption: str, extra: Any = None
) -> html.Table:
    """A plain accessible table; `extra(row)` adds a last cell (buttons)."""
    head = [html.Th(label, scope="col") for _, label in columns]
    if extra:
        head.append(html.Th("Aktion", scope="col"))
    body = []
    for row in rows:
        cells = [
            html.Td(str(row.get(key, "") if row.get(key) is not None else "")) for key, _ in columns
        ]
        if extra:
            cells.append(html.Td(extra(row)))
        body.append(html.Tr(cells))
    if not body:
        body = [html.Tr(html.Td("Keine Einträge.", colSpan=len(head)))]
    return html.Table(
        [html.Caption(caption, className="muted"), html.Thead(html.Tr(head)), html.Tbody(body)]
    )


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
