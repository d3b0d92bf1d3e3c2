"""Audit log: logins, uploads, reviews and releases (admins and statisticians)."""

from __future__ import annotations

from dash import html

from etl.accounts.service import Account
from etl.app import Stores
from etl.uploads import workflow
from portal import components, ids

COLUMNS = [("at", "Zeit (UTC)"), ("actor", "wer"), ("action", "Aktion"), ("detail", "Details")]


def layout(stores: Stores, account: Account, search: str) -> html.Div:
    entries = workflow.audit_entries(stores, account)
    return html.Div(
        [
            html.H1("Protokoll"),
            html.Section(
                components.table(entries, COLUMNS, caption="Neueste 200 Einträge"),
                className="card",
                id=ids.AUDIT_TABLE,
            ),
        ]
    )
