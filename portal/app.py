"""`create_app(settings, stores=...) -> Dash`: the portal; no data is read at import or creation.

The process's application object (`etl.app.Stores`) is built by the caller (`python -m
portal`, portal.wsgi), which also runs its start-up duties (`stores.startup()`), and passed
on to every page; `create_app` builds one only when none is given (and runs no duties then).
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import flask
from dash import Dash, Input, Output, dcc, html

from etl.accounts.service import Account
from etl.app import EXTENSION as STORES_KEY
from etl.app import Stores
from etl.config import Settings
from etl.errors import EtlError
from i18n import translate as t
from portal import components, ids, security
from portal.pages import audit, home, review, subareas, submissions, upload, users
from websecurity.redirects import origin

ASSETS = Path(__file__).with_name("assets")
VIEWPORT = {"name": "viewport", "content": "width=device-width, initial-scale=1"}
INDEX = """<!DOCTYPE html>
<html lang="{%lang%}">
<head>{%metas%}<title>{%title%}</title>{%favicon%}{%css%}</head>
<body>{%app_entry%}<footer hidden>{%config%}{%scripts%}{%renderer%}</footer></body>
</html>"""
HEADER = "portal-header"
PAGE_MODULES: dict[str, ModuleType] = {
    "/": home,
    "/hochladen": upload,
    "/meldungen": submissions,
    "/pruefung": review,
    "/ortsteile": subareas,
    "/protokoll": audit,
    "/konten": users,
}


class PortalDash(Dash):
    """Dash whose first page names the chosen language in `<html lang>` and the title.

    The language is switched by a full page load (`?lang=`), so the page served for that
    URL is where `lang` is decided; navigation inside the portal keeps the query.
    """

    def __init__(self, *args: object, default_language: str, **kwargs: object) -> None:
        self.default_language = default_language
        super().__init__(*args, **kwargs)

    def interpolate_index(self, **kwargs: str) -> str:
        query = flask.request.query_string.decode("latin-1") if flask.has_request_context() else ""
        lang = components.lang_of(query, self.default_language)
        kwargs["title"] = t("portal_title", lang)
        return super().interpolate_index(**kwargs).replace("{%lang%}", lang)


def shell() -> html.Div:
    return html.Div(
        [
            dcc.Location(id=ids.LOCATION),
            html.Div(id=HEADER),
            html.Main(html.Div(id=ids.CONTENT), id="inhalt", tabIndex="-1"),
        ]
    )


def validation_layout(stores: Stores) -> html.Div:
    """Every component a callback names, without data: lets Dash check the callbacks."""
    dummy = Account(0, "x", "statistician", ("00000000",), False, "")
    skeleton = [
        upload.layout(stores, dummy, ""),
        html.Div(id=ids.REVIEW_QUEUE),
        html.Div(id=ids.REVIEW_MESSAGE),
        html.P(id=ids.LIVE_RELEASE),
        dcc.Input(id=ids.PUBLISH_NOTE),
        html.Button(id=ids.PUBLISH_BUTTON),
        dcc.Store(id=ids.PUBLISH_JOB),
        dcc.Interval(id=ids.PUBLISH_POLL),
        html.Div(id=ids.PUBLISH_STATUS),
        html.Div(id=ids.USERS_MESSAGE),
        html.Div(id=ids.USERS_TABLE),
        dcc.Input(id=ids.USERS_NAME),
        dcc.RadioItems(id=ids.USERS_ROLE),
        dcc.Input(id=ids.USERS_AGS),
        html.Button(id=ids.USERS_ADD),
        html.Div(id=ids.SUBAREAS_MESSAGE),
        html.Div(id=ids.SUBAREAS_TABLE),
        dcc.Upload(id=ids.SUBAREAS_UPLOAD),
        dcc.Input(id=ids.SUBAREAS_KEY),
        dcc.Input(id=ids.SUBAREAS_NAME),
        dcc.Input(id=ids.SUBAREAS_LAYER),
    ]
    return html.Div([shell(), *skeleton])


def render_page(stores: Stores, account: Account | None, path: str, search: str):
    """(header, content) for a path: the page, or why it cannot be shown."""
    path = path.rstrip("/") or "/"
    settings = stores.settings
    lang = components.lang_of(search, settings.language)
    header = components.header(account, path, security.csrf_token(), lang, settings.language)
    module = PAGE_MODULES.get(path)
    if account is None:
        return header, components.notice(t("portal_login_needed", lang), "error")
    if module is None:
        return header, components.notice(t("portal_no_page", lang, path=path), "error")
    permission = components.permission_for(path)
    if permission and not account.can(permission):
        return header, components.notice(t("portal_forbidden", lang), "error")
    try:
        return header, module.layout(stores, account, search)
    except EtlError as error:
        return header, components.notice(str(error), "error")


def _health() -> flask.Response:
    return flask.Response("ok", mimetype="text/plain")


def create_app(
    settings: Settings, *, stores: Stores | None = None, secure_cookies: bool | None = None
) -> Dash:
    """The portal app; every page and callback needs a login (see portal.security)."""
    stores = stores or Stores(settings)
    if stores.settings != settings:
        raise ValueError("create_app: `stores` was built for other settings.")
    app = PortalDash(
        __name__,
        default_language=settings.language,
        title=t("portal_title", settings.language),
        update_title=None,
        assets_folder=str(ASSETS),
        serve_locally=True,
        index_string=INDEX,
        meta_tags=[VIEWPORT],
    )
    app.layout = shell
    app.validation_layout = validation_layout(stores)
    app.server.extensions[STORES_KEY] = stores

    @app.callback(
        Output(HEADER, "children"),
        Output(ids.CONTENT, "children"),
        Input(ids.LOCATION, "pathname"),
        Input(ids.LOCATION, "search"),
    )
    def route(pathname, search):
        return render_page(stores, security.current_account(), pathname or "/", search or "")

    for module in (upload, review, users, subareas):
        module.register(app, stores)
    app.server.add_url_rule("/healthz", "healthz", _health)
    security.install(
        app.server,
        stores,
        app_name="portal",
        require_login=True,
        permission_for=components.permission_for,
        script_hashes=app.csp_hashes,
        secure_cookies=secure_cookies,
        login_stylesheet=ASSETS / "portal.css",
        return_origins=(origin(settings.dashboard_url),),  # the private dashboard's login
    )
    return app
