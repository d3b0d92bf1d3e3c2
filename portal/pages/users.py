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
from portal import components, ids
from portal.security import current_account

COLUMNS = [("username", "Benutzer"), ("role", "Rolle"), ("ags", "Gemeinden"), ("status", "Status")]


def _actions(row: dict[str, Any]) -> html.Div:
    name = row["username"]
    toggle = "enable" if row["disabled"] else "disable"
    return html.Div(
        [
            html.Button(
                "Entsperren" if row["disabled"] else "Sperren",
                className="secondary",
                id={"type": ids.USERS_ACTION, "user": name, "action": toggle},
            ),
            html.Button(
                "Passwort neu",
                className="secondary",
                id={"type": ids.USERS_ACTION, "user": name, "action": "reset"},
            ),
        ],
        className="actions",
    )


def users_view(stores: Stores, account: Account) -> html.Table:
    rows = [
        {
            **u,
            "ags": ", ".join(u["municipalities"]),
            "role": components.role_label(u["role"], "de"),
            "status": "gesperrt" if u["disabled"] else "aktiv",
        }
        for u in admin.accounts(stores, account)
    ]
    return components.table(rows, COLUMNS, caption="Konten", extra=_actions)


SECRET_FIELDS = ("secret_key",)


def settings_rows(settings: Settings) -> list[dict[str, str]]:
    """Current settings for the admin, without secrets or database credentials."""
    import dataclasses

    from etl.store.engine import redacted_url

    rows = []
    for item, (variable, _, help_text) in zip(
        dataclasses.fields(settings), Settings.documentation(), strict=True
    ):
        value = getattr(settings, item.name)
        if item.name in SECRET_FIELDS:
            value = "gesetzt" if value else "nicht gesetzt (zufällig je Start)"
        elif item.name.endswith("_url") and value and "://" in str(value):
            value = redacted_url(str(value))
        rows.append({"variable": variable, "value": str(value), "help": help_text})
    return rows


def layout(stores: Stores, account: Account, search: str) -> html.Div:
    return html.Div(
        [
            html.H1("Konten"),
            html.Div(id=ids.USERS_MESSAGE, **{"aria-live": "polite"}),
            html.Section(users_view(stores, account), id=ids.USERS_TABLE, className="card"),
            html.Section(
                [
                    html.H2("Konto anlegen"),
                    html.Label("Benutzername", htmlFor=ids.USERS_NAME),
                    dcc.Input(id=ids.USERS_NAME, type="text"),
                    html.Label("Rolle", htmlFor=ids.USERS_ROLE),
                    dcc.RadioItems(
                        id=ids.USERS_ROLE,
                        value="uploader",
                        className="roles",
                        options=[
                            {"label": components.role_label(r, "de"), "value": r} for r in ROLES
                        ],
                    ),
                    html.Label(
                        "Gemeinden (AGS, durch Komma getrennt; nur Meldestellen)",
                        htmlFor=ids.USERS_AGS,
                    ),
                    dcc.Input(id=ids.USERS_AGS, type="text"),
                    html.Div(
                        html.Button("Anlegen", id=ids.USERS_ADD),
                        className="actions",
                        style={"marginTop": "1rem"},
                    ),
                ],
                className="card",
            ),
            html.Section(
                [
                    html.H2("Einstellungen"),
                    html.P(
                        "Gesetzt über Umgebungsvariablen beim Start (siehe docs/security.md); "
                        "hier nur zur Ansicht.",
                        className="muted",
                    ),
                    components.table(
                        settings_rows(stores.settings),
                        [("variable", "Variable"), ("value", "Wert"), ("help", "Bedeutung")],
                        caption="Aktuelle Einstellungen (ohne Geheimnisse)",
                    ),
                ],
                className="card",
            ),
        ]
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
        prevent_initial_call=True,
    )
    def on_change(add_clicks, action_clicks, name, role, ags):
        if not ctx.triggered_id or not (add_clicks or any(action_clicks)):
            raise PreventUpdate
        account, target = current_account(), ctx.triggered_id
        try:
            message = _apply(stores, account, target, name, role, ags)
        except EtlError as error:
            message = components.notice(str(error), "error")
        return message, users_view(stores, account)


def _apply(
    stores: Stores,
    account: Account,
    target: Any,
    name: str | None,
    role: str | None,
    ags: str | None,
) -> html.Div:
    if target == ids.USERS_ADD:
        municipalities = [a.strip() for a in (ags or "").split(",") if a.strip()]
        password = admin.add_account(
            stores, account, (name or "").strip().lower(), role or "", municipalities
        )
        return _password_notice(f"Konto {name} angelegt.", password)
    user, action = target["user"], target["action"]
    if action == "reset":
        return _password_notice(
            f"Passwort von {user} neu gesetzt.", admin.reset_password(stores, account, user)
        )
    admin.set_disabled(stores, account, user, action == "disable")
    return components.notice(f"Konto {user}: {'gesperrt' if action == 'disable' else 'aktiv'}.")


def _password_notice(text: str, password: str) -> html.Div:
    return components.notice(
        [
            text,
            " Einmalpasswort (nur jetzt sichtbar, bitte sicher übermitteln): ",
            html.Code(password),
        ],
        "ok",
    )
