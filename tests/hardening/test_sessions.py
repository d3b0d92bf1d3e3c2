"""Sessions revoked on the server, same-site redirects, an atomic lockout, login only where
required, no cookies on cacheable responses (issue 11, hardening)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading

import pytest
from sqlalchemy import Engine

from dashboard.app import create_app as create_dashboard
from dashboard.security import security_setup
from etl.accounts.service import AuthError, authenticate, create_user
from etl.config import Settings
from etl.store.accounts import read_security_events
from portal.testing import PASSWORD, csrf_headers, login
from websecurity import safe_next


def test_a_copied_session_cookie_stops_working_at_logout(app, client):
    login(client, "altdorf", PASSWORD)
    stolen = client.get_cookie("demografie_portal").value
    other = app.server.test_client()  # another browser with the copied cookie
    other.set_cookie("demografie_portal", stolen)
    assert other.get("/hochladen").status_code == 200
    token = csrf_headers(client)["X-CSRF-Token"]
    assert client.post("/auth/logout", data={"csrf_token": token}).status_code == 302
    assert other.get("/hochladen").status_code == 302  # the server forgot the session


def test_disabling_an_account_ends_its_sessions(stores, client):
    from etl.accounts.service import set_disabled

    login(client, "altdorf", PASSWORD)
    set_disabled(stores.accounts, "altdorf", True)
    assert client.get("/hochladen").status_code == 302


@pytest.mark.parametrize(
    "target",
    [
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
        "/ /evil.example",
        "/\u3000/evil.example",
        "/\\evil.example",
        "//evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "evil.example",
        "/\x00/evil.example",
    ],
)
def test_next_must_be_a_same_site_path(target: str) -> None:
    assert safe_next(target) == "/"


@pytest.mark.parametrize("target", ["/", "/hochladen", "/meldungen?jahr=2023#x", "/a/b%20c"])
def test_same_site_paths_are_kept(target: str) -> None:
    assert safe_next(target) == target


def test_tab_encoded_next_does_not_leave_the_site(client) -> None:
    page = client.get("/auth/login?next=/%09/evil.example").get_data(as_text=True)
    assert 'name="next" value="/"' in page
    assert login(client, "altdorf", PASSWORD, "/\t/evil.example").headers["Location"] == "/"


def _parallel_wrong_logins(engine: Engine, count: int) -> list[str]:
    create_user(engine, "ziel", "viewer", (), PASSWORD)
    barrier, results = threading.Barrier(count), []

    def guess() -> None:
        barrier.wait()
        try:
            authenticate(engine, "ziel", "falsch-falsch-1", max_attempts=5, lockout_minutes=15)
        except AuthError as error:
            results.append(str(error))

    threads = [threading.Thread(target=guess) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_lockout_is_atomic_under_parallel_guesses(
    accounts_pg_settings: Settings, stores_for
) -> None:
    """15 parallel wrong passwords on PostgreSQL: exactly 5 are checked, 10 meet the lock."""
    engine = stores_for(accounts_pg_settings).accounts
    results = _parallel_wrong_logins(engine, 15)
    assert len(results) == 15
    events = read_security_events(engine)
    actions = [e["action"] for e in events if e["actor"] == "ziel"]
    assert actions.count("login-failed") == 5
    assert actions.count("login-locked") == 10
    assert sum("gesperrt" in r for r in results) == 10
    with pytest.raises(AuthError, match="gesperrt"):
        authenticate(engine, "ziel", PASSWORD, max_attempts=5, lockout_minutes=15)


def test_lockout_is_atomic_on_sqlite_too(settings: Settings, stores_for) -> None:
    engine = stores_for(settings).accounts
    _parallel_wrong_logins(engine, 12)
    actions = [e["action"] for e in read_security_events(engine)]
    assert actions.count("login-failed") == 5 and actions.count("login-locked") == 7


def test_public_dashboard_has_no_login_and_never_opens_the_accounts_store(settings, world):
    accounts_file = settings.home / "accounts.sqlite"
    accounts_file.unlink()
    app = create_dashboard(settings, extra_setup=security_setup(), warm=False)
    client = app.server.test_client()
    # Dash answers every GET path with its page shell; there is no login form behind it.
    assert 'type="password"' not in client.get("/auth/login").get_data(as_text=True)
    assert client.post("/auth/login", data={"username": "leser"}).status_code in (404, 405)
    response = client.get("/")
    assert response.status_code == 200 and not response.headers.getlist("Set-Cookie")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert not accounts_file.exists()


def _private(settings: Settings) -> Settings:
    return Settings(home=settings.home, public_dashboard=False, secret_key="k" * 40)


def _portal_session(settings: Settings):
    """Log in at the portal; returns (portal client, its session cookie value)."""
    from portal.app import create_app as create_portal

    portal = create_portal(settings).server.test_client()
    assert login(portal, "leser", PASSWORD).status_code == 302
    return portal, portal.get_cookie("demografie_portal").value


def test_private_dashboard_sends_logins_to_the_portal(settings, world):
    private = _private(settings)
    app = create_dashboard(private, extra_setup=security_setup(), warm=False)
    client = app.server.test_client()
    assert client.get("/").status_code == 302
    assert client.get("/api/v1/releases").status_code == 302
    redirect = client.get("/auth/login?next=/gebiet")
    assert redirect.headers["Location"].startswith(private.portal_url + "/auth/login?next=")
    assert "%2Fgebiet" in redirect.headers["Location"]
    assert client.post("/auth/login", data={"username": "leser"}).status_code == 405


def test_portal_login_returns_to_the_dashboard_only(settings, world):
    from portal.app import create_app as create_portal

    portal = create_portal(_private(settings)).server.test_client()
    back = "http://127.0.0.1:8050/gebiet"
    assert login(portal, "leser", PASSWORD, back).headers["Location"] == back
    other = create_portal(_private(settings)).server.test_client()
    evil = "http://127.0.0.1:8050.evil.example/"
    assert login(other, "leser", PASSWORD, evil).headers["Location"] == "/"


def test_private_dashboard_reads_the_portal_session_read_only(settings, world):
    private = _private(settings)
    portal, cookie = _portal_session(private)
    accounts_file = settings.home / "accounts.sqlite"
    before = accounts_file.read_bytes()
    app = create_dashboard(private, extra_setup=security_setup(), warm=False)
    client = app.server.test_client()
    client.set_cookie("demografie_portal", cookie)
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers.getlist("Set-Cookie") == []  # the dashboard writes no cookie
    assert accounts_file.read_bytes() == before  # nor the accounts store
    token = csrf_headers(portal)["X-CSRF-Token"]
    portal.post("/auth/logout", data={"csrf_token": token})
    assert client.get("/").status_code == 302  # logout at the portal ends it here too


def test_cacheable_geometry_sets_no_cookie(settings, world):
    private = _private(settings)
    _, cookie = _portal_session(private)
    app = create_dashboard(private, extra_setup=security_setup(), warm=False)
    client = app.server.test_client()
    client.set_cookie("demografie_portal", cookie)
    release = client.get("/api/v1/releases").get_json()["releases"][0]["release_id"]
    response = client.get(f"/api/v1/geometry/{release}/gemeinde.geojson")
    assert response.status_code == 200 and "immutable" in response.headers["Cache-Control"]
    assert response.headers.getlist("Set-Cookie") == []


def test_a_logged_in_cacheable_response_carries_no_cookie(stores, world) -> None:
    import flask

    import websecurity

    server = flask.Flask("cache-test")
    websecurity.install(server, stores, app_name="test", require_login=True)

    @server.get("/cacheable")
    def cacheable():
        flask.session["seen"] = True  # would normally make Flask send the session cookie
        response = flask.Response("x")
        response.headers["Cache-Control"] = "public, max-age=60"
        response.set_cookie("other", "1")
        return response

    @server.get("/private")
    def private():
        flask.session["seen"] = True
        return "y"

    client = server.test_client()
    assert login(client, "leser", PASSWORD).status_code == 302
    assert client.get("/cacheable").headers.getlist("Set-Cookie") == []
    assert client.get("/private").headers.getlist("Set-Cookie") != []


def test_dashboard_does_not_import_portal() -> None:
    code = (
        "import sys, dashboard.app, dashboard.security, dashboard.wsgi; "
        "print([m for m in sys.modules if m == 'portal' or m.startswith('portal.')])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"DEMOGRAFIE_HOME": "/nonexistent-demografie-home", "PATH": ""},
    )
    assert out.stdout.strip() == "[]"


def test_sessions_end_after_their_absolute_lifetime(stores, app, client) -> None:
    from etl.store.accounts import SESSION_MAX_AGE, end_stale_sessions, now, sessions

    login(client, "altdorf", PASSWORD)
    assert client.get("/hochladen").status_code == 200
    engine = stores.accounts
    with engine.begin() as connection:  # age the row as time would
        connection.execute(
            sessions.update().values(created_at=now() - SESSION_MAX_AGE - dt.timedelta(minutes=1))
        )
    assert client.get("/hochladen").status_code == 302
    stores.startup()
    assert end_stale_sessions(engine) == 0  # the start-up duty already deleted it
