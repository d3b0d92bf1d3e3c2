"""Helpers for tests of the portal through Flask's test client."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def login(client: FlaskClient, username: str, password: str, next_path: str = "/"):
    """Log in through the real form (with its CSRF token); returns the response."""
    page = client.get("/auth/login")
    token = TOKEN.search(page.get_data(as_text=True)).group(1)
    return client.post(
        "/auth/login",
        data={"username": username, "password": password, "csrf_token": token, "next": next_path},
    )


def csrf_headers(client: FlaskClient, cookie: str = "portal_csrf") -> dict[str, str]:
    found = client.get_cookie(cookie)
    return {"X-CSRF-Token": found.value if found else ""}


def _key(component: Any) -> str:
    import json

    if isinstance(component, dict):
        return json.dumps(component, sort_keys=True, separators=(",", ":"))
    return component


def _prop(item: tuple[Any, str, Any]) -> dict[str, Any] | list[dict[str, Any]]:
    component, prop, value = item
    if isinstance(component, list):  # a pattern-matching ALL input: one entry per match
        return [
            {"id": c, "property": prop, "value": v} for c, v in zip(component, value, strict=True)
        ]
    return {"id": component, "property": prop, "value": value}


def _output_key(app: Any, outputs: list[tuple[Any, str]]) -> str:
    """The callback's key in Dash's callback map (duplicate outputs carry a hash suffix)."""
    plain = "...".join(f"{_key(c)}.{p}" for c, p in outputs)
    wanted = f"..{plain}.." if len(outputs) > 1 else plain
    for key in app.callback_map:
        if re.sub(r"@[0-9a-f]{64}", "", key) == wanted:
            return key
    raise KeyError(f"no callback with outputs {wanted}")


def dash_callback(
    client: FlaskClient,
    app: Any,
    outputs: list[tuple[Any, str]],
    inputs: list[tuple[Any, str, Any]],
    state: list[tuple[Any, str, Any]] = (),
    *,
    headers: dict[str, str] | None = None,
    changed: int = 0,
    search: str = "",
):
    """POST one callback to /_dash-update-component as the browser would.

    A callback that reads the page's query (the language, `State(LOCATION, "search")`) gets
    `search` for it, as the browser sends the address it shows.
    """
    trigger, prop = inputs[changed][0], inputs[changed][1]
    output = _output_key(app, outputs)
    state = [*state, *_location(app, output, state, search)]
    first = trigger[0] if isinstance(trigger, list) else trigger
    body = {
        "output": output,
        "outputs": [{"id": c, "property": p} for c, p in outputs]
        if len(outputs) > 1
        else {"id": outputs[0][0], "property": outputs[0][1]},
        "inputs": [_prop(i) for i in inputs],
        "changedPropIds": [f"{_key(first)}.{prop}"],
        "state": [_prop(s) for s in state],
    }
    return client.post(
        "/_dash-update-component", json=body, headers={**csrf_headers(client), **(headers or {})}
    )


def _location(app: Any, output: str, state: Any, search: str) -> list[tuple[str, str, str]]:
    from portal.ids import LOCATION

    declared = [s["id"] for s in app.callback_map[output].get("state", [])]
    given = [s[0] for s in state]
    return [(LOCATION, "search", search)] if LOCATION in declared and LOCATION not in given else []


USERS = {  # username: (role, municipalities)
    "admin": ("admin", []),
    "statistik": ("statistician", []),
    "altdorf": ("uploader", ["03901001"]),
    "weserhaven": ("uploader", ["04021000"]),
    "leser": ("viewer", []),
}
PASSWORD = "test-passwort-2026"


def build_world(stores, *, restricted: bool = True, release: bool = True) -> dict[str, Any]:
    """A tiny restricted store, a published release and one account per role in `stores`
    (an `etl.app.Stores`; its stores are migrated here, as the portal's start-up does).

    Returns {username: Account}; every password is PASSWORD.
    """
    from etl.accounts.service import authenticate, create_user
    from etl.testing import tiny_restricted_store, write_tiny_release

    settings = stores.settings
    if restricted:
        tiny_restricted_store(settings)
    if release:
        write_tiny_release(settings)
    stores.migrate()
    engine = stores.accounts
    accounts = {}
    for username, (role, municipalities) in USERS.items():
        create_user(engine, username, role, municipalities, PASSWORD)
        accounts[username] = authenticate(
            engine, username, PASSWORD, max_attempts=5, lockout_minutes=1
        )
    return accounts
