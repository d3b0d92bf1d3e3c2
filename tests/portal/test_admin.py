"""The admin page through real callbacks: create, lock and reset accounts; settings view."""

from __future__ import annotations

import json
import re

from etl.config import Settings
from portal import ids
from portal.pages.users import settings_rows
from portal.testing import PASSWORD, dash_callback, login

OUTPUTS = [(ids.USERS_MESSAGE, "children"), (ids.USERS_TABLE, "children")]


def users_callback(
    client, app, trigger: str | dict, name: str = "", role: str = "viewer", ags: str = ""
):
    actions = [trigger] if isinstance(trigger, dict) else []
    response = dash_callback(
        client,
        app,
        OUTPUTS,
        [
            (ids.USERS_ADD, "n_clicks", 1 if trigger == ids.USERS_ADD else None),
            (actions, "n_clicks", [1] * len(actions)),
        ],
        [
            (ids.USERS_NAME, "value", name),
            (ids.USERS_ROLE, "value", role),
            (ids.USERS_AGS, "value", ags),
        ],
        changed=1 if actions else 0,
    )
    return response


def text_of(response) -> str:
    return json.dumps(response.get_json(), ensure_ascii=False)


def test_admin_creates_an_uploader_who_can_log_in(app, client):
    login(client, "admin", PASSWORD)
    response = users_callback(client, app, ids.USERS_ADD, "brinkum", "uploader", "03901002")
    assert response.status_code == 200
    generated = re.search(r'"children": "([A-Za-z0-9]{20})"', text_of(response)).group(1)
    other = app.server.test_client()
    assert login(other, "brinkum", generated).status_code == 302
    assert other.get("/hochladen").status_code == 200


def test_admin_locks_an_account(app, client):
    login(client, "admin", PASSWORD)
    lock = {"type": ids.USERS_ACTION, "user": "leser", "action": "disable"}
    response = dash_callback(
        client,
        app,
        OUTPUTS,
        [(ids.USERS_ADD, "n_clicks", None), ([lock], "n_clicks", [1])],
        [
            (ids.USERS_NAME, "value", ""),
            (ids.USERS_ROLE, "value", "viewer"),
            (ids.USERS_AGS, "value", ""),
        ],
        changed=1,
    )
    assert "Konto leser: gesperrt" in text_of(response)
    assert login(app.server.test_client(), "leser", PASSWORD).status_code == 401


def test_admin_sees_errors_for_bad_input(app, client):
    login(client, "admin", PASSWORD)
    response = users_callback(client, app, ids.USERS_ADD, "brinkum", "uploader", "")
    assert "mindestens einen AGS" in text_of(response)


def test_settings_view_hides_secrets(settings):
    shown = Settings(
        home=settings.home,
        secret_key="sehr-geheim",
        restricted_url="postgresql+psycopg://etl:pw123@db/x",
    )
    rows = {r["variable"]: r["value"] for r in settings_rows(shown)}
    assert rows["DEMOGRAFIE_SECRET_KEY"] == "gesetzt"
    assert "pw123" not in rows["DEMOGRAFIE_RESTRICTED_URL"]
    assert "sehr-geheim" not in json.dumps(rows)
