"""Start page: what this account can do, and the live release."""

from __future__ import annotations

from dash import dcc, html

from etl.accounts.service import ROLE_LABELS, Account
from etl.app import Stores
from etl.uploads import workflow
from portal import components


def layout(stores: Stores, account: Account, search: str) -> html.Div:
    links = [
        html.Li(dcc.Link(title, href=href))
        for href, (title, permission) in components.PAGES.items()
        if href != "/" and permission and account.can(permission)
    ]
    live = workflow.live_release(stores)
    return html.Div(
        [
            html.H1("Meldeportal Demografie"),
            html.P(f"Angemeldet als {account.username} – {ROLE_LABELS[account.role]}."),
            html.Section(
                [
                    html.H2("Aktuelle Veröffentlichung"),
                    html.P(live or "Noch keine Veröffentlichung.", id="home-live"),
                ],
                className="card",
            ),
            html.Section(
                [
                    html.H2("Ihre Aufgaben"),
                    html.Ul(links)
                    if links
                    else html.P(
                        "Mit diesem Konto können Sie das Dashboard lesen; "
                        "Aufgaben im Portal gibt es nicht."
                    ),
                ],
                className="card",
            ),
        ]
    )
