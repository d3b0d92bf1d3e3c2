"""Login, sessions, CSRF and headers of the portal through Flask's test client."""

from __future__ import annotations

import flask
import pytest

from etl.accounts.service import reset_password
from etl.app import Stores
from etl.config import Settings
from portal import security
from portal.app import create_app
from portal.testing import PASSWORD, TOKEN, csrf_headers, login

PAGES = ["/", "/hochladen", "/meldungen", "/pruefung", "/protokoll", "/konten"]


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_users_are_sent_to_the_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/auth/login?next={path}")


@pytest.mark.parametrize("path", ["/_dash-layout", "/_dash-dependencies"])
def test_anonymous_users_get_no_layout(client, path):
    assert client.get(path).status_code == 401


def test_anonymous_callbacks_are_refused(client):
    client.get("/auth/login")
    assert client.post("/_dash-update-component", json={}).status_code == 403  # no token
    response = client.post("/_dash-update-component", json={}, headers=csrf_headers(client))
    assert response.status_code == 401


def test_login_page_and_headers(client):
    page = client.get("/auth/login")
    assert page.status_code == 200 and 'lang="de"' in page.get_data(as_text=True)
    csp = page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    script_src = next(part for part in csp.split(";") if "script-src" in part)
    assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert page.headers["Cache-Control"] == "no-store"


def test_login_sets_a_new_httponly_samesite_session(client):
    client.get("/auth/login")
    before = client.get_cookie("demografie_portal").value
    response = login(client, "altdorf", PASSWORD, "/hochladen")
    assert response.status_code == 302 and response.headers["Location"] == "/hochladen"
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("demografie_portal="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    assert "Secure" not in session_cookie  # http demo
    assert client.get_cookie("demografie_portal").value != before
    assert client.get("/hochladen").status_code == 200


def test_secure_cookies_with_https(settings, world):
    https = Settings(home=settings.home, portal_url="https://portal.example.org")
    client = create_app(https).server.test_client()
    response = client.get("/auth/login", base_url="https://portal.example.org")
    assert all("Secure" in c for c in response.headers.getlist("Set-Cookie"))
    assert "max-age" in response.headers["Strict-Transport-Security"]


def test_wrong_password_is_refused_without_saying_why(client):
    response = login(client, "altdorf", "falsch-falsch-falsch")
    assert response.status_code == 401
    assert "Benutzername oder Passwort ist falsch" in response.get_data(as_text=True)


def test_login_without_csrf_token_or_from_elsewhere_is_refused(client):
    client.get("/auth/login")
    form = {"username": "altdorf", "password": PASSWORD}
    assert client.post("/auth/login", data=form).status_code == 403
    token = TOKEN.search(client.get("/auth/login").get_data(as_text=True)).group(1)
    form["csrf_token"] = token
    evil = {"Origin": "https://evil.example"}
    assert client.post("/auth/login", data=form, headers=evil).status_code == 403
    cross = {"Sec-Fetch-Site": "cross-site"}
    assert client.post("/auth/login", data=form, headers=cross).status_code == 403
    assert client.post("/auth/login", data=form).status_code == 302


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example", "/\\evil"])
def test_no_open_redirect_after_login(client, target):
    assert login(client, "altdorf", PASSWORD, target).headers["Location"] == "/"


def test_login_rate_limit_per_address(client):
    for _ in range(20):
        login(client, "niemand", "falsch-falsch-falsch")
    response = login(client, "altdorf", PASSWORD)
    assert response.status_code == 429
    assert "Zu viele Anmeldeversuche" in response.get_data(as_text=True)


def test_account_lockout_through_the_form(client):
    for _ in range(5):
        login(client, "leser", "falsch-falsch-falsch")
    response = login(client, "leser", PASSWORD)
    assert response.status_code == 401 and "gesperrt" in response.get_data(as_text=True)


def test_logout_needs_post_with_token_and_ends_the_session(client):
    login(client, "altdorf", PASSWORD)
    assert client.get("/auth/logout").status_code == 405
    assert client.post("/auth/logout").status_code == 403
    assert (
        client.post(
            "/auth/logout",
            data={"csrf_token": csrf_headers(client)["X-CSRF-Token"]},
        ).status_code
        == 302
    )
    assert client.get("/hochladen").status_code == 302


def test_password_reset_ends_existing_sessions(stores, client):
    login(client, "altdorf", PASSWORD)
    assert client.get("/hochladen").status_code == 200
    reset_password(stores.accounts, "altdorf", "ganz-neues-passwort-1")
    assert client.get("/hochladen").status_code == 302


@pytest.mark.parametrize(
    "username, allowed, forbidden",
    [
        ("altdorf", ["/", "/hochladen", "/meldungen"], ["/pruefung", "/protokoll", "/konten"]),
        ("statistik", ["/meldungen", "/pruefung", "/protokoll"], ["/hochladen", "/konten"]),
        ("admin", ["/protokoll", "/konten"], ["/hochladen", "/meldungen", "/pruefung"]),
        ("leser", ["/"], ["/hochladen", "/meldungen", "/pruefung", "/protokoll", "/konten"]),
    ],
)
def test_pages_by_role(client, username, allowed, forbidden):
    login(client, username, PASSWORD)
    assert [client.get(p).status_code for p in allowed] == [200] * len(allowed)
    assert [client.get(p).status_code for p in forbidden] == [403] * len(forbidden)


def _dashboard_server(stores: Stores) -> flask.Flask:
    server = flask.Flask("dashboard")
    server.add_url_rule("/", "index", lambda: "Karte")
    security.install(server, stores, app_name="dashboard", login_stylesheet=None)
    return server


def test_dashboard_is_public_by_default_with_headers(stores, world):
    client = _dashboard_server(stores).test_client()
    response = client.get("/")
    assert response.status_code == 200 and response.get_data(as_text=True) == "Karte"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_dashboard_login_when_not_public(settings, stores_for, world):
    private = Settings(home=settings.home, public_dashboard=False)
    client = _dashboard_server(stores_for(private)).test_client()
    assert client.get("/").status_code == 302
    login(client, "leser", PASSWORD)
    assert client.get("/").status_code == 200
    assert client.get_cookie("demografie_dashboard") is not None
