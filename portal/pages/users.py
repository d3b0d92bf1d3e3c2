"""Accounts (admins): list, create, disable, enable, reset passwords."""

from __future__ import annotations

from typing import Any

from dash import ALL, Input, Output, State, ctx, dcc, html
from dash.exceptions import PreventUpdate

from etl.accounts import admin
from etl.accounts.service import ROLES, Account
from etl.app import Stores
from etl.config import Settings
from etl.errors import EtlError
from i18n import DEFAULT_LANGUAGE, N_
from i18n import translate as t
from portal import components, ids
from portal.security import current_account

COLUMNS = [
    ("username", N_("portal_col_user")),
    ("role", N_("portal_col_role")),
    ("ags", N_("portal_col_municipalities")),
    ("status", N_("portal_col_status")),
]
# account disabled? -> the button that flips it, and the status shown
TOGGLE_KEYS = {True: N_("portal_users_enable"), False: N_("portal_users_disable")}
STATUS_KEYS = {True: N_("portal_users_disabled"), False: N_("portal_users_active")}
SECRET_KEYS = {True: N_("portal_users_secret_set"), False: N_("portal_users_secret_unset")}
SETTINGS_COLUMNS = [
    ("variable", N_("portal_col_variable")),
    ("value", N_("portal_col_value")),
    ("help", N_("portal_col_meaning")),
]


def _actions(row: dict[str, Any], lang: str) -> html.Div:
    name = row["username"]
    toggle = "enable" if row["disabled"] else "disable"
    return html.Div(
        [
            html.Button(
                t(TOGGLE_KEYS[row["disabled"]], lang),
                className="secondary",
                id={"type": ids.USERS_ACTION, "user": name, "action": toggle},
            ),
            html.Button(
                t("portal_users_reset", lang),
                className="secondary",
                id={"type": ids.USERS_ACTION, "user": name, "action": "reset"},
            ),
        ],
        className="actions",
    )


def users_view(stores: Stores, account: Account, lang: str = DEFAULT_LANGUAGE) -> html.Table:
    rows = [
        {
            **u,
            "ags": ", ".join(u["municipalities"]),
            "role": components.role_label(u["role"], lang),
            "status": _status(u["disabled"], lang),
        }
        for u in admin.accounts(stores, account)
    ]
    return components.table(
        rows,
        components.labelled(COLUMNS, lang),
        caption=t("portal_page_users", lang),
        extra=lambda row: _actions(row, lang),
        lang=lang,
    )


def _status(disabled: bool, lang: str) -> str:
    return t(STATUS_KEYS[disabled], lang)


SECRET_FIELDS = ("secret_key",)


def settings_rows(settings: Settings, lang: str = DEFAULT_LANGUAGE) -> list[dict[str, str]]:
    """Current settings for the admin, without secrets or database credentials.

    The meanings are the settings' own help texts (German, as `python -m etl` prints them).
    """
    import dataclasses

    from etl.store.engine import redacted_url

    rows = []
    for item, (variable, _, help_text) in zip(
        dataclasses.fields(settings), Settings.documentation(), strict=True
    ):
        value = getattr(settings, item.name)
        if item.name in SECRET_FIELDS:
            value = t(SECRET_KEYS[bool(value)], lang)
        elif item.name.endswith("_url") and value and "://" in str(value):
            value = redacted_url(str(value))
        rows.append({"variable": variable, "value": str(value), "help": help_text})
    return rows


def layout(stores: Stores, account: Account, search: str) -> html.Div:
    lang = components.lang_of(search, stores.settings.language)
    return html.Div(
        [
            html.H1(t("portal_page_users", lang)),
            html.Div(id=ids.USERS_MESSAGE, **{"aria-live": "polite"}),
            html.Section(users_view(stores, account, lang), id=ids.USERS_TABLE, className="card"),
            html.Section(
                [
                    html.H2(t("portal_users_create", lang)),
                    html.Label(t("portal_users_name", lang), htmlFor=ids.USERS_NAME),
                    dcc.Input(id=ids.USERS_NAME, type="text"),
                    html.Label(t("portal_col_role", lang), htmlFor=ids.USERS_ROLE),
                    dcc.RadioItems(
                        id=ids.USERS_ROLE,
                        value="uploader",
                        className="roles",
                        options=[
                            {"label": components.role_label(r, lang), "value": r} for r in ROLES
                        ],
                    ),
                    html.Label(t("portal_users_ags", lang), htmlFor=ids.USERS_AGS),
                    dcc.Input(id=ids.USERS_AGS, type="text"),
                    html.Div(
                        html.Button(t("portal_users_add", lang), id=ids.USERS_ADD),
                        className="actions",
                        style={"marginTop": "1rem"},
                    ),
                ],
                className="card",
            ),
            html.Section(
                [
                    html.H2(t("portal_users_settings", lang)),
                    html.P(t("portal_users_settings_intro", lang), className="muted"),
                    components.table(
                        settings_rows(stores.settings, lang),
                        components.labelled(SETTINGS_COLUMNS, lang),
                        caption=t("portal_users_settings_caption", lang),
                        lang=lang,
                    ),
                ],
                className="card",
            ),
        ],
        lang=lang,
    )


def register(app, stores: Stores) -> None:
    @app.callback(
        Output(ids.USERS_MESSAGE, "children"),
        Output(ids.USERS_TABLE, "children"),
        Input(ids.USERS_ADD, "n_clicks"),
        Input({"type": ids.USERS_ACTION, "user": ALL, "action": ALL}, "n_clicks"),
        State(ids.USERS_NAME, "value"),
        State(ids.USERS_ROLE, "value"),
        State(ids.USERS_AGS, "value"),
        State(ids.LOCATION, "search"),
        prevent_initial_call=True,
    )
    def on_change(add_clicks, action_clicks, name, role, ags, search):
        if not ctx.triggered_id or not (add_clicks or any(action_clicks)):
            raise PreventUpdate
        account, target = current_account(), ctx.triggered_id
        lang = components.lang_of(search or "", stores.settings.language)
        try:
            message = _apply(stores, account, target, (name, role, ags), lang)
        except EtlError as error:
            message = components.notice(str(error), "error")
        return message, users_view(stores, account, lang)


def _apply(
    stores: Stores,
    account: Account,
    target: Any,
    form: tuple[str | None, str | None, str | None],
    lang: str,
) -> html.Div:
    """Carry out the clicked action; `form` holds the new account's name, role and AGS list."""
    name, role, ags = form
    if target == ids.USERS_ADD:
        municipalities = [a.strip() for a in (ags or "").split(",") if a.strip()]
        password = admin.add_account(
            stores, account, (name or "").strip().lower(), role or "", municipalities
        )
        return _password_notice(t("portal_users_created", lang, user=name), password, lang)
    user, action = target["user"], target["action"]
    if action == "reset":
        password = admin.reset_password(stores, account, user)
        return _password_notice(t("portal_users_was_reset", lang, user=user), password, lang)
    admin.set_disabled(stores, account, user, action == "disable")
    status = _status(action == "disable", lang)
    return components.notice(t("portal_users_changed", lang, user=user, status=status))


def _password_notice(text: str, password: str, lang: str) -> html.Div:
    return components.notice(
        [text, " ", t("portal_users_one_time_password", lang), " ", html.Code(password)], "ok"
    )
