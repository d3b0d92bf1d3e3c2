"""Start page: what this account can do, and the live release."""

from __future__ import annotations

from dash import dcc, html

from etl.accounts.service import Account
from etl.app import Stores
from etl.uploads import workflow
from i18n import translate as t
from portal import components


def layout(stores: Stores, account: Account, search: str) -> html.Div:
    settings = stores.settings
    lang = components.lang_of(search, settings.language)
    links = [
        html.Li(dcc.Link(t(title, lang), href=components.with_lang(href, lang, settings.language)))
        for href, (title, permission) in components.PAGES.items()
        if href != "/" and permission and account.can(permission)
    ]
    live = workflow.live_release(stores)
    role = components.role_label(account.role, lang)
    return html.Div(
        [
            html.H1(t("portal_title", lang)),
            html.P(t("portal_signed_in_as", lang, user=account.username, role=role)),
            html.Section(
                [
                    html.H2(t("portal_live_release", lang)),
                    html.P(live or t("portal_no_release", lang), id="home-live"),
                ],
                className="card",
            ),
            html.Section(
                [
                    html.H2(t("portal_tasks", lang)),
                    html.Ul(links) if links else html.P(t("portal_no_tasks", lang)),
                ],
                className="card",
            ),
        ],
        lang=lang,
    )
