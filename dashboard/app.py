"""create_app(settings): the Dash app factory. Nothing is read from the store at import."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import dash
from dash import Dash, Input, Output, State, dcc, html
from flask import Flask

from dashboard import compression, figures, ids, response_cache
from dashboard.api import api
from dashboard.guard import guard
from dashboard.i18n import t
from dashboard.pages import daten, gebiet, karte, methodik, prognose, regionen, vergleich
from dashboard.projection_service import get_projection_service
from dashboard.services import EXTENSION_KEY, DashboardService, NotFoundError, get_service
from etl.app import EXTENSION as STORES_KEY
from etl.app import Stores
from etl.config import Settings
from etl.errors import StoreError

log = logging.getLogger(__name__)
PAGES: tuple[ModuleType, ...] = (karte, gebiet, vergleich, regionen, daten, prognose, methodik)
ASSETS = Path(__file__).resolve().parent / "assets"

INDEX = """<!DOCTYPE html>
<html lang="{lang}">
<head>{{%metas%}}<title>{{%title%}}</title>{{%favicon%}}{{%css%}}</head>
<body>{{%app_entry%}}<footer hidden>{{%config%}}{{%scripts%}}{{%renderer%}}</footer></body>
</html>"""


def create_app(
    settings: Settings,
    *,
    stores: Stores | None = None,
    extra_setup: Callable[[Flask, Dash], None] | None = None,
    pages: tuple[ModuleType, ...] = PAGES,
    warm: bool = True,
) -> Dash:
    """Build the app for `settings`.

    stores: the process's application object (`etl.app.Stores`); built here when not given.
    The dashboard uses its read-only engines only and runs no start-up duties (it writes
    nothing). It is kept in `server.extensions` for the security layer.
    extra_setup(server, app) runs after routes are registered and before the first request:
    the hook for a security layer (Flask-Login, CSRF, headers) or extra pages. warm: fill
    the caches of the live release in a background thread at the first request.
    """
    stores = stores or Stores(settings, read_only=True)
    if stores.settings != settings:
        raise ValueError("create_app: `stores` was built for other settings.")
    server = Flask(__name__)
    server.config["SECRET_KEY"] = settings.secret_key or None
    server.extensions[STORES_KEY] = stores
    service = DashboardService(settings, engine_factory=lambda _settings: stores.reader)
    server.extensions[EXTENSION_KEY] = service
    if warm:
        _warm_on_first_request(server, service, pages)
    server.register_blueprint(api)
    server.register_blueprint(guard)  # bounded callback inputs, 4xx for bad ones
    cache = _response_cache(settings, service)
    if cache is not None:
        server.extensions[response_cache.EXTENSION_KEY] = cache
        response_cache.install_keep(server, cache)  # runs after compression and headers
    compression.install(server)
    app = Dash(
        __name__,
        server=server,
        use_pages=True,
        pages_folder="",
        assets_folder=str(ASSETS),
        title=t("app_title", settings.language),
        update_title=None,
        serve_locally=True,
        index_string=INDEX.format(lang=settings.language),
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    for module in pages:
        dash.register_page(module.__name__, layout=module.layout, **module.PAGE)
        module.register_callbacks(app)
    app.layout = html.Div(
        [dcc.Location(id=ids.NAVIGATE, refresh="callback-nav"), dash.page_container]
    )
    _register_shell_callbacks(app)
    if extra_setup is not None:
        extra_setup(server, app)
    if cache is not None:
        response_cache.install_lookup(server, cache)  # after the security layer's checks
    return app


def _response_cache(
    settings: Settings, service: DashboardService
) -> response_cache.ResponseCache | None:
    store = response_cache.store_for(settings)
    if store is None:
        return None
    return response_cache.ResponseCache(service, store, public=settings.public_dashboard)


def _warm_on_first_request(
    server: Flask, service: DashboardService, pages: tuple[ModuleType, ...]
) -> None:
    started = threading.Event()

    @server.before_request
    def _warm() -> None:
        if not started.is_set():
            started.set()
            args = (server, service, prognose in pages)
            threading.Thread(
                target=_warm_caches, args=args, name="warm-caches", daemon=True
            ).start()


def _warm_caches(server: Flask, service: DashboardService, projections: bool) -> None:
    """Fill the live release's caches and load the chart classes, off the request path."""
    service.warm()
    figures.load_chart_types()
    if not projections:
        return
    with server.app_context():
        try:
            get_projection_service().warm()
        except (StoreError, NotFoundError):
            log.info("No projection inputs to warm: no release yet.")


def release_options(state: dict | None) -> tuple[list[dict], str]:
    """Releases for the selector: '' means 'always the live release'."""
    lang = (state or {}).get("lang", "de")
    frame = get_service().releases()
    frame = frame[~frame["withdrawn"]] if "withdrawn" in frame else frame
    live = frame.loc[frame["live"], "release_id"]
    options = [
        {
            "label": f"{t('live', lang)}: {live.iloc[0]}" if len(live) else t("live", lang),
            "value": "",
        }
    ]
    options += [{"label": r, "value": r} for r in frame["release_id"]]
    return options, (state or {}).get("release") or ""


def _register_shell_callbacks(app: Dash) -> None:
    app.callback(
        Output(ids.SHELL_RELEASE, "options"),
        Output(ids.SHELL_RELEASE, "value"),
        Input(ids.SHELL_STATE, "data"),
    )(release_options)
    app.clientside_callback(
        "function(state) { return window.dash_clientside.demografie.setLang(state); }",
        Output(ids.SHELL_LANG_SINK, "children"),
        Input(ids.SHELL_STATE, "data"),
    )
    app.clientside_callback(
        """function(value, state) {
            var current = (state && state.release) || "";
            if (value === null || value === undefined || value === current) {
                return window.dash_clientside.no_update; }
            return window.dash_clientside.demografie.switchRelease(value || "live", state);
        }""",
        Output(ids.SHELL_RELEASE_SINK, "children"),
        Input(ids.SHELL_RELEASE, "value"),
        State(ids.SHELL_STATE, "data"),
        prevent_initial_call=True,
    )
