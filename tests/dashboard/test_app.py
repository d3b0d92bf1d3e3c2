"""App factory: hook, release selector, gzip, cache warming, nothing read at import."""

from __future__ import annotations

import gzip
import importlib
import sys

from dash import Dash
from flask import Flask

from dashboard.app import create_app, release_options
from dashboard.services import get_service
from etl.config import Settings


def test_extra_setup_hook_gets_server_and_app(settings: Settings, release_id: str) -> None:
    seen = []

    def setup(server: Flask, app: Dash) -> None:
        seen.append((server, app))

        @server.after_request
        def headers(response):
            response.headers["X-Frame-Options"] = "DENY"
            return response

    app = create_app(settings, extra_setup=setup, warm=False)
    assert seen == [(app.server, app)]
    assert app.server.test_client().get("/").headers["X-Frame-Options"] == "DENY"


def test_release_selector_options(app, release_id: str) -> None:
    with app.server.test_request_context("/"):
        options, value = release_options({"lang": "de", "release": None})
    assert options[0] == {"label": f"aktuell: {release_id}", "value": ""}
    assert {"label": release_id, "value": release_id} in options and value == ""


def test_large_responses_are_gzipped(client, release_id: str) -> None:
    url = "/api/v1/population?area=04021000"
    plain = client.get(url)
    assert "Content-Encoding" not in plain.headers
    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain.data


def test_warm_fills_the_caches(app, release_id: str) -> None:
    with app.server.test_request_context("/"):
        service = get_service()
        service.warm()
        assert service.memo.size("indicator_table") == 2


def test_importing_the_package_reads_nothing(monkeypatch) -> None:
    monkeypatch.setenv("DEMOGRAFIE_HOME", "/nonexistent/demografie")
    for name in [m for m in sys.modules if m.startswith("dashboard")]:
        monkeypatch.delitem(sys.modules, name)
    module = importlib.import_module("dashboard.app")
    assert callable(module.create_app)  # no store was opened (the path does not exist)
