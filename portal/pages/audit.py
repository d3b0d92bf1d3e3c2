"""Audit log: logins, uploads, reviews and releases (admins and statisticians)."""

from __future__ import annotations

from dash import html

from etl.accounts.service import Account
from etl.app import Stores
from etl.uploads import workflow
from i18n import N_
from i18n import translate as t
from portal import components, ids

COLUMNS = [
    ("at", N_("portal_col_time")),
    ("actor", N_("portal_col_actor")),
    ("action", N_("portal_col_action")),
    ("detail", N_("portal_col_detail")),
]


def layout(stores: Stores, account: Account, search: str) -> html.Div:
    entries = workflow.audit_entries(stores, account)
    lang = components.lang_of(search, stores.settings.language)
    return html.Div(
        [
            html.H1(t("portal_page_audit", lang)),
            html.Section(
                components.table(
                    entries,
                    components.labelled(COLUMNS, lang),
                    caption=t("portal_audit_caption", lang),
                    lang=lang,
                ),
                className="card",
                id=ids.AUDIT_TABLE,
            ),
        ],
        lang=lang,
    )
