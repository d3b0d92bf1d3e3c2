"""The login page (plain HTML form, no JavaScript needed) and logout."""

from __future__ import annotations

from pathlib import Path

import flask
import flask_login
from markupsafe import escape

from etl.accounts.service import AuthError, authenticate
from portal import security

STYLE = Path(__file__).with_name("assets") / "portal.css"
TITLES = {"portal": "Meldeportal Demografie", "dashboard": "Demografie-Dashboard"}

PAGE = """<!doctype html>
<html lang="de"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Anmelden – {title}</title><link rel="stylesheet" href="/auth/style.css"></head>
<body><main class="login" id="inhalt">
<h1>{title}</h1>
<p>Bitte melden Sie sich mit Ihrem Konto an.</p>
{error}
<form method="post" action="/auth/login" novalidate>
<input type="hidden" name="csrf_token" value="{token}">
<input type="hidden" name="next" value="{next}">
<label for="username">Benutzername</label>
<input id="username" name="username" autocomplete="username" required autofocus value="{user}">
<label for="password">Passwort</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Anmelden</button>
</form></main></body></html>"""


def safe_next(target: str | None) -> str:
    """Only same-site relative paths: no open redirect to another host."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def render_login(error: str = "", status: int = 200, user: str = "", target: str = "/"):
    title = TITLES.get(security.state().app_name, TITLES["portal"])
    alert = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    html = PAGE.format(
        title=escape(title),
        error=alert,
        token=escape(security.csrf_token()),
        next=escape(safe_next(target)),
        user=escape(user),
    )
    return flask.Response(html, status=status, mimetype="text/html")


def login():
    request = flask.request
    if request.method == "GET":
        return render_login(target=request.args.get("next", "/"))
    settings = security.state().settings
    username = request.form.get("username", "").strip().lower()[:80]
    target = request.form.get("next", "/")
    if not security.state().limiter.allow(request.remote_addr or ""):
        return render_login(
            "Zu viele Anmeldeversuche von dieser Adresse; bitte in einigen "
            "Minuten erneut versuchen.",
            429,
            username,
            target,
        )
    try:
        account = authenticate(
            security.state().accounts(),
            username,
            request.form.get("password", ""),
            max_attempts=settings.login_max_attempts,
            lockout_minutes=settings.lockout_minutes,
            remote_addr=request.remote_addr or "",
        )
    except AuthError as error:
        return render_login(str(error), 401, username, target)
    flask.session.clear()  # a new session on login: no fixation
    security.csrf_token()
    flask_login.login_user(security.PortalUser(account))
    flask.session.permanent = True
    return flask.redirect(safe_next(target))


def logout():
    account = security.current_account()
    flask_login.logout_user()
    flask.session.clear()
    if account:
        from etl.store.accounts import log_security_event

        log_security_event(
            security.state().accounts(),
            account.username,
            "logout",
            remote_addr=flask.request.remote_addr or "",
        )
    return flask.redirect(security.LOGIN_PATH)


def style():
    return flask.send_file(STYLE, mimetype="text/css", max_age=3600)


def register(server: flask.Flask) -> None:
    server.add_url_rule(security.LOGIN_PATH, "auth_login", login, methods=["GET", "POST"])
    server.add_url_rule(security.LOGOUT_PATH, "auth_logout", logout, methods=["POST"])
    server.add_url_rule("/auth/style.css", "auth_style", style)
