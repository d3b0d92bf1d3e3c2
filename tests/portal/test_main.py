"""`python -m portal` and the WSGI entry point start without touching the network."""

from __future__ import annotations

import importlib
import sys

from dash import Dash

import portal.__main__ as portal_main


def test_main_creates_demo_accounts_and_runs(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("DEMOGRAFIE_HOME", str(tmp_path / "var"))
    monkeypatch.setenv("DEMOGRAFIE_DEMO_PASSWORD", "demo-passwort-2026")
    calls = []
    monkeypatch.setattr(Dash, "run", lambda self, **kwargs: calls.append(kwargs))
    assert portal_main.main(["--port", "18999", "--demo-accounts"]) == 0
    out = capsys.readouterr().out
    assert "statistik" in out and "demo-passwort-2026" in out
    assert calls == [{"host": "127.0.0.1", "port": 18999, "debug": False}]
    assert portal_main.main(["--port", "18999", "--demo-accounts"]) == 0
    assert "unverändert" in capsys.readouterr().out


def test_wsgi_module_builds_the_app(monkeypatch, tmp_path):
    monkeypatch.setenv("DEMOGRAFIE_HOME", str(tmp_path / "var"))
    monkeypatch.setenv("DEMOGRAFIE_SECRET_KEY", "x" * 32)
    sys.modules.pop("portal.wsgi", None)
    wsgi = importlib.import_module("portal.wsgi")
    client = wsgi.server.test_client()
    assert client.get("/healthz").get_data(as_text=True) == "ok"
    assert client.get("/").status_code == 302
