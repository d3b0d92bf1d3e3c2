"""Every portal page, the login form and the refusals in English (`?lang=en`), nothing German.

Pages are rendered with the application object (`render_page`), callbacks and the login
form go through the Flask test client. Texts that come from data or from the ETL (area
names, error messages, the settings' own help texts) are not the portal's to translate.
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

import pytest
from dash.development.base_component import Component

from etl.config import Settings
from etl.uploads.records import Submission
from portal import components, ids
from portal.app import render_page
from portal.pages.submissions import report_link, status_label
from portal.testing import PASSWORD, TOKEN, dash_callback, login
from websecurity.language import keep_lang

# Words of the portal's German texts; any of them in an English page is a missed key.
GERMAN = re.compile(
    r"\b(Abmelden|Aktion|Anmelden|angenommen|Auszug|Bericht|Benutzer\w*|Datei\w*|Eingang|"
    r"Einträge|Einstellungen|Gemeinden?|gesperrt|hochladen|Keine|Konto|Konten|Meldung\w*|"
    r"Ortsteil\w*|Passwort|Protokoll|Prüf\w*|Rolle|Stichtag|Veröffentlich\w*|von|wer|"
    r"Warteschlange|Wert|zurückweisen|und|oder|nicht|noch)\b"
)
SKIPPED_PROPS = {"id", "className", "href", "type", "name", "value", "lang", "hrefLang", "style"}
SKIPPED_PROPS |= {"htmlFor", "scope", "accept", "role", "method", "action", "max", "colSpan"}


def texts(node: Any) -> list[str]:
    """Every text a component tree shows or reads out (children, labels, titles, options)."""
    if isinstance(node, Component):
        props = node.to_plotly_json()["props"]
        return [t for key, v in props.items() if key not in SKIPPED_PROPS for t in texts(v)]
    if isinstance(node, dict):
        return [t for key, v in node.items() if key != "value" for t in texts(v)]
    if isinstance(node, list | tuple):
        return [t for item in node for t in texts(item)]
    return [node] if isinstance(node, str) else []


def german_in(node: Any, allowed: frozenset[str] = frozenset()) -> list[str]:
    return [text for text in texts(node) if text not in allowed and GERMAN.search(text)]


def page(app, stores, account, path: str, search: str = "?lang=en"):
    with app.server.test_request_context(path + search):
        return render_page(stores, account, path, search)


PAGES = [  # path, account, English texts expected
    ("/", "statistik", ["Your tasks", "Current release", "Log out"]),
    ("/hochladen", "altdorf", ["Upload an extract", "Your account reports for: ", "Discard"]),
    ("/meldungen", "statistik", ["Your submissions, newest first", "Reference date", "Report"]),
    ("/pruefung", "statistik", ["Queue", "Create release", "Note on the release", "Warnings"]),
    ("/ortsteile", "statistik", ["Upload a list", "Key column", "Registered neighbourhoods"]),
    ("/protokoll", "admin", ["Latest 200 entries", "Time (UTC)", "Who", "Action"]),
    ("/konten", "admin", ["Create an account", "User name", "Lock", "New password"]),
]


@pytest.mark.parametrize(("path", "user", "expected"), PAGES)
def test_each_page_in_english(app, stores, world, path, user, expected):
    header, content = page(app, stores, world[user], path)
    shown = texts([header, content])
    assert [text for text in expected if text not in shown] == []
    settings_help = frozenset(help_text for _, _, help_text in Settings.documentation())
    assert german_in([header, content], settings_help) == []
    assert content.lang == "en"


@pytest.mark.parametrize(("path", "user", "expected"), PAGES)
def test_each_page_stays_german_by_default(app, stores, world, path, user, expected):
    header, content = page(app, stores, world[user], path, "")
    assert "Abmelden" in texts(header)
    assert not set(expected) & set(texts(content))


def test_a_report_link_keeps_a_language_other_than_the_default():
    english = report_link("U1", "en", "de")
    assert english.href == "/meldungen?id=U1&lang=en" and english.children == "Report"
    assert report_link("U1", "de", "de").href == "/meldungen?id=U1"
    assert report_link("U1", "de", "en").href == "/meldungen?id=U1&lang=de"


def test_the_shared_table_in_english():
    empty = components.table([], [("a", "Column")], caption="Caption", extra=str, lang="en")
    assert {"Action", "No entries."} <= set(texts(empty))
    assert german_in(empty) == []
    assert "Keine Einträge." in texts(components.table([], [("a", "A")], caption="C"))


def callback_text(response) -> str:
    assert response.status_code == 200
    return json.dumps(response.get_json(), ensure_ascii=False)


def test_callback_messages_follow_the_page_language(app, client):
    login(client, "admin", PASSWORD)
    lock = {"type": ids.USERS_ACTION, "user": "leser", "action": "disable"}
    response = dash_callback(
        client,
        app,
        [(ids.USERS_MESSAGE, "children"), (ids.USERS_TABLE, "children")],
        [(ids.USERS_ADD, "n_clicks", None), ([lock], "n_clicks", [1])],
        [
            (ids.USERS_NAME, "value", ""),
            (ids.USERS_ROLE, "value", "viewer"),
            (ids.USERS_AGS, "value", ""),
        ],
        changed=1,
        search="?lang=en",
    )
    shown = callback_text(response)
    assert "Account leser: locked." in shown and "Unlock" in shown
    assert "gesperrt" not in shown and "Sperren" not in shown


def test_html_lang_and_title_follow_the_language(client):
    login(client, "statistik", PASSWORD)
    english = client.get("/pruefung?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english and "<title>Demography upload portal</title>" in english
    german = client.get("/pruefung").get_data(as_text=True)
    assert '<html lang="de">' in german and "<title>Meldeportal Demografie</title>" in german


def test_login_form_in_english(client):
    form = client.get("/auth/login?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in form
    assert all(text in form for text in ("Log in", "User name", "Password", "Deutsch"))
    assert not GERMAN.search(re.sub(r"<[^>]+>", " ", form).replace("Deutsch", ""))
    # a login that interrupts an English page keeps its language
    interrupted = client.get("/meldungen?lang=en", follow_redirects=True)
    assert "Please log in with your account." in interrupted.get_data(as_text=True)


def english_login(client, username: str, password: str):
    token = TOKEN.search(client.get("/auth/login?lang=en").get_data(as_text=True)).group(1)
    form = {"username": username, "password": password, "csrf_token": token, "lang": "en"}
    return client.post("/auth/login", data=form)


def test_a_language_chosen_on_the_form_carries_over(client):
    assert english_login(client, "statistik", PASSWORD).headers["Location"] == "/?lang=en"


def test_keep_lang_touches_only_same_site_targets_without_a_language():
    assert keep_lang("/meldungen?id=u1", "en", "de") == "/meldungen?id=u1&lang=en"
    assert keep_lang("/?lang=de", "en", "de") == "/?lang=de"
    assert keep_lang("/", "de", "de") == "/"
    assert keep_lang("https://dashboard.example/", "en", "de") == "https://dashboard.example/"


def test_wrong_password_and_lockout_in_english(client):
    wrong = english_login(client, "altdorf", "falsch-falsch-falsch")
    assert wrong.status_code == 401
    assert "User name or password is wrong." in wrong.get_data(as_text=True)
    for _ in range(6):  # the sixth attempt meets the lock the fifth set
        refused = english_login(client, "leser", "falsch-falsch-falsch")
    text = refused.get_data(as_text=True)
    assert re.search(r"the account is locked for \d+ minutes", text)
    assert "gesperrt" not in text


def test_logout_and_refusals_in_english(client):
    login(client, "leser", PASSWORD)
    assert client.get("/konten?lang=en").get_data(as_text=True) == (
        "Your account lacks the permission for this page."
    )
    assert client.get("/auth/logout?lang=en").get_data(as_text=True) == (
        "Log out only through the form (POST)."
    )
    for lang, location in (("en", "/auth/login?lang=en"), ("de", "/auth/login")):
        login(client, "leser", PASSWORD)
        token = TOKEN.search(client.get("/auth/login").get_data(as_text=True)).group(1)
        out = client.post("/auth/logout", data={"csrf_token": token, "lang": lang})
        assert out.headers["Location"] == location


SUBMISSION = Submission(
    upload_id="u1",
    municipality="03901001",
    reference_date="2024-12-31",
    file_name="a.zip",
    uploaded_by="altdorf",
    received_at="2025-01-02 10:00:00",
    status="wartet auf Prüfung",
    state="active",
    review_state="pending",
    live=False,
)


@pytest.mark.parametrize(
    ("changes", "german", "english"),
    [
        ({}, "wartet auf Prüfung", "awaiting review"),
        ({"review_state": "rejected"}, "zurückgewiesen", "rejected"),
        (
            {"review_state": "accepted", "release": "R0001-20250101"},
            "angenommen, enthalten in R0001-20250101",
            "accepted, included in R0001-20250101",
        ),
        (
            {"review_state": "accepted", "release": "R0002-20250201", "live": True},
            "veröffentlicht in R0002-20250201 (live)",
            "published in R0002-20250201 (live)",
        ),
        ({"state": "superseded"}, "ersetzt durch neuere Meldung", "replaced by a newer submission"),
        (
            {"state": "superseded", "release": "R0001-20250101"},
            "ersetzt durch neuere Meldung, war in R0001-20250101",
            "replaced by a newer submission, was in R0001-20250101",
        ),
    ],
)
def test_submission_status_in_both_languages(changes, german, english):
    submission = dataclasses.replace(SUBMISSION, **changes)
    assert status_label(submission, "de") == german
    assert status_label(submission, "en") == english


def test_review_hints_list_the_check_titles_or_none_in_the_page_language() -> None:
    from etl.uploads.records import Check
    from portal.pages.review import hints

    jump = Check("change", "warning", "Sprung", "+9 %")
    heaping = Check("heaping", "warning", "Häufung", "Whipple 130")
    assert hints((jump, heaping), "de") == "Sprung; Häufung"
    assert hints((), "de") == "keine"
    assert hints((), "en") == "none"
