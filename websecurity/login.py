"""The login form (plain HTML, no JavaScript needed) and logout; mounted by `setup.install`
only on servers that require a login."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import flask
import flask_login
from markupsafe import escape

from etl.accounts.service import AuthError, authenticate
from etl.store.accounts import create_session, end_session, log_security_event
from etl.store.login_limits import allow_login_attempt
from i18n import LANGUAGES, N_, normalise_lang
from i18n import translate as t
from websecurity.csrf import csrf_token
from websecurity.language import keep_lang, request_lang
from websecurity.redirects import safe_next
from websecurity.sessions import SessionUser, current_user
from websecurity.state import LOGIN_PATH, LOGOUT_PATH, state

# Login attempts per client address, counted in the accounts store (shared by every worker).
ATTEMPTS_PER_ADDRESS = 20
ATTEMPT_WINDOW = dt.timedelta(minutes=10)
TITLES = {"portal": N_("portal_title"), "dashboard": N_("app_title")}
PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{login} – {title}</title><link rel="stylesheet" href="/auth/style.css"></head>
<body><main class="login" id="inhalt">
<p class="language">{switch}</p>
<h1>{title}</h1>
<p>{intro}</p>
{error}
<form method="post" action="/auth/login" novalidate>
<input type="hidden" name="csrf_token" value="{token}">
<input type="hidden" name="next" value="{next}">
<input type="hidden" name="lang" value="{lang}">
<label for="username">{username}</label>
<input id="username" name="username" autocomplete="username" required autofocus value="{user}">
<label for="password">{password}</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">{login}</button>
</form></main></body></html>"""


def _language_switch(lang: str, target: str) -> str:
    """A link to this form in the other language, named in that language."""
    other = next(code for code in LANGUAGES if code != lang)
    href = f"{LOGIN_PATH}?{urlencode({'lang': other, 'next': target})}"
    label = t("portal_switch_language", other)
    return f'<a href="{escape(href)}" lang="{other}" hreflang="{other}">{escape(label)}</a>'


def render_login(error: str = "", status: int = 200, user: str = "", target: str = "/"):
    security = state()
    lang = request_lang(security.settings.language)
    title = t(TITLES.get(security.app_name, TITLES["portal"]), lang)
    alert = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    target = safe_next(target, security.return_origins)
    html = PAGE.format(
        lang=lang,
        title=escape(title),
        login=escape(t("login_submit", lang)),
        intro=escape(t("login_intro", lang)),
        username=escape(t("login_username", lang)),
        password=escape(t("login_password", lang)),
        switch=_language_switch(lang, target),
        error=alert,
        token=escape(csrf_token()),
        next=escape(target),
        user=escape(user),
    )
    return flask.Response(html, status=status, mimetype="text/html")


def refusal(error: AuthError, lang: str) -> str:
    """Why a login failed, in `lang`: locked for some minutes, or name or password wrong."""
    if error.locked_minutes is not None:
        return t("login_locked", lang, minutes=error.locked_minutes)
    return t("login_wrong", lang)


def login():
    request, security = flask.request, state()
    lang = request_lang(security.settings.language)
    if request.method == "GET":
        return render_login(target=request.args.get("next", "/"))
    username = request.form.get("username", "").strip().lower()[:80]
    target = request.form.get("next", "/")
    allowed = allow_login_attempt(
        security.accounts(),
        request.remote_addr or "",
        limit=ATTEMPTS_PER_ADDRESS,
        window=ATTEMPT_WINDOW,
    )
    if not allowed:
        return render_login(t("login_too_many", lang), 429, username, target)
    try:
        account = authenticate(
            security.accounts(),
            username,
            request.form.get("password", ""),
            max_attempts=security.settings.login_max_attempts,
            lockout_minutes=security.settings.lockout_minutes,
            remote_addr=request.remote_addr or "",
        )
    except AuthError as error:
        return render_login(refusal(error, lang), 401, username, target)
    flask.session.clear()  # a new session on login: no fixation
    csrf_token()
    session_id = create_session(security.accounts(), account.user_id)
    flask_login.login_user(SessionUser(account, session_id))
    flask.session.permanent = True
    # a language chosen on the form carries over to the page after the login
    target = keep_lang(safe_next(target, security.return_origins), lang, security.settings.language)
    return flask.redirect(target)


def logout():
    user, security = current_user(), state()
    flask_login.logout_user()
    flask.session.clear()
    if user:
        end_session(security.accounts(), user.session_id)
        log_security_event(
            security.accounts(),
            user.account.username,
            "logout",
            remote_addr=flask.request.remote_addr or "",
        )
    lang = request_lang(security.settings.language)
    query = "" if lang == normalise_lang(security.settings.language) else f"?lang={lang}"
    return flask.redirect(LOGIN_PATH + query)


def to_portal():
    """A session reader's login: the portal's form, returning here afterwards."""
    security, request = state(), flask.request
    here = request.host_url.rstrip("/") + safe_next(request.args.get("next", "/"))
    return flask.redirect(f"{security.login_at}{LOGIN_PATH}?{urlencode({'next': here})}")


def style():
    return flask.send_file(state().login_stylesheet, mimetype="text/css", max_age=3600)


def register_redirect(server: flask.Flask) -> None:
    """Mount only a redirect to the portal's login (no form, no writes)."""
    server.add_url_rule(LOGIN_PATH, "auth_login", to_portal, methods=["GET"])


def register(server: flask.Flask) -> None:
    server.add_url_rule(LOGIN_PATH, "auth_login", login, methods=["GET", "POST"])
    server.add_url_rule(LOGOUT_PATH, "auth_logout", logout, methods=["POST"])
    server.add_url_rule("/auth/style.css", "auth_style", style)
