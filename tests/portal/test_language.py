"""The portal speaks German by default and English on `?lang=en`, through `i18n`."""

from __future__ import annotations

import dataclasses

import flask
from dash import html

from etl.accounts.service import Account
from portal.app import render_page
from portal.components import lang_of, with_lang

STATISTICIAN = Account(2, "amt", "statistician", (), False, "1")


def _texts(component: object) -> str:
    return str(component)


def _switch(header: html.Header) -> html.A:
    return next(c for c in header.children if getattr(c, "id", None) == "portal-language")


def test_lang_of_reads_the_query_and_falls_back_to_the_default() -> None:
    assert lang_of("", "de") == "de"
    assert lang_of("?lang=en", "de") == "en"
    assert lang_of("?lang=fr&x=1", "en") == "en"
    assert with_lang("/meldungen", "en", "de") == "/meldungen?lang=en"
    assert with_lang("/meldungen", "de", "de") == "/meldungen"


def test_header_and_home_page_in_both_languages(settings, stores_for) -> None:
    stores = stores_for(settings)
    server = flask.Flask("t")
    server.secret_key = "test"
    with server.test_request_context():
        header, content = render_page(stores, STATISTICIAN, "/", "")
        assert "Abmelden" in _texts(header) and "Übersicht" in _texts(header)
        assert "Statistikstelle" in _texts(header) and "Ihre Aufgaben" in _texts(content)
        assert _switch(header).children == "English"
        assert _switch(header).href == "/?lang=en"

        header, content = render_page(stores, STATISTICIAN, "/", "?lang=en")
        assert "Log out" in _texts(header) and "Overview" in _texts(header)
        assert "Abmelden" not in _texts(header)
        assert "Statistical office" in _texts(header) and "Your tasks" in _texts(content)
        assert "/pruefung?lang=en" in _texts(header)  # navigation keeps the language
        assert _switch(header).children == "Deutsch"
        assert header.lang == "en"

        _, content = render_page(stores, STATISTICIAN, "/gibtsnicht", "?lang=en")
        assert "There is no page /gibtsnicht." in _texts(content)


def test_the_configured_default_language_applies_without_a_query(settings, stores_for) -> None:
    english = stores_for(dataclasses.replace(settings, language="en"))
    server = flask.Flask("t")
    server.secret_key = "test"
    with server.test_request_context():
        header, _ = render_page(english, STATISTICIAN, "/", "")
        assert "Log out" in _texts(header)
        assert _switch(header).href == "/?lang=de"
