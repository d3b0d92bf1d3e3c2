"""An uploader cannot read or write another municipality's data: UI, callbacks, direct URLs.

Everything goes through Flask's test client, as a browser (or an attacker with a session)
would: page GETs, Dash callback POSTs with forged inputs, and URLs typed by hand.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import time

import pytest

from etl.store.engine import restricted_engine
from etl.store.review import uploads_of
from etl.testing import tiny_bundle
from etl.uploads import service
from etl.uploads.intake import UploadedFile
from etl.uploads.testing import extract_zip
from portal import ids
from portal.testing import PASSWORD, dash_callback, login

DATE = dt.date(2024, 12, 31)


@pytest.fixture
def weser_upload(settings, world, tmp_path, stores) -> tuple[str, str]:
    """(validation job id, stored upload id) of Weserhaven's own upload."""
    weser = world["weserhaven"]
    data = extract_zip(tiny_bundle("04021000", DATE, scale=20, seed=2), tmp_path / "w")
    job_id = service.start_validation(stores, weser, [UploadedFile("w.zip", data)], wait=True)
    store_id = service.start_store(stores, weser, job_id, wait=True)
    return job_id, service.job_status(stores, weser, store_id).result["upload_id"]


def route(client, app, path: str, search: str = ""):
    return dash_callback(
        client,
        app,
        [("portal-header", "children"), (ids.CONTENT, "children")],
        [(ids.LOCATION, "pathname", path), (ids.LOCATION, "search", search)],
    )


def test_direct_url_to_another_municipalitys_report(client, app, weser_upload):
    _, upload_id = weser_upload
    login(client, "altdorf", PASSWORD)
    response = route(client, app, "/meldungen", f"?id={upload_id}")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "anderen Gemeinde" in text and "04021000" not in text.replace(upload_id, "")
    login(client, "weserhaven", PASSWORD)
    assert "Formal in Ordnung" in route(client, app, "/meldungen", f"?id={upload_id}").get_data(
        as_text=True
    )


def test_submissions_list_shows_only_own_municipality(client, app, weser_upload):
    login(client, "altdorf", PASSWORD)
    text = route(client, app, "/meldungen").get_data(as_text=True)
    assert "03901001" in text and "04021000" not in text


def test_polling_or_confirming_another_accounts_job_is_refused(settings, client, app, weser_upload):
    job_id, _ = weser_upload
    before = len(uploads_of(restricted_engine(settings)))
    login(client, "altdorf", PASSWORD)
    outputs = [
        (ids.UPLOAD_STATUS, "children"),
        (ids.UPLOAD_POLL, "disabled"),
        (ids.UPLOAD_CONFIRM, "hidden"),
        (ids.UPLOAD_DISCARD, "hidden"),
    ]
    poll = dash_callback(
        client,
        app,
        outputs,
        [(ids.UPLOAD_POLL, "n_intervals", 1)],
        [(ids.UPLOAD_JOB, "data", job_id), (ids.LOCATION, "search", "")],
    )
    assert poll.status_code == 403
    confirm = dash_callback(
        client,
        app,
        [(ids.UPLOAD_JOB, "data"), (ids.UPLOAD_POLL, "disabled")],
        [(ids.UPLOAD_CONFIRM, "n_clicks", 1)],
        [(ids.UPLOAD_JOB, "data", job_id)],
    )
    assert confirm.status_code == 403
    assert len(uploads_of(restricted_engine(settings))) == before


def test_uploading_for_another_municipality_is_refused(settings, client, app, tmp_path):
    login(client, "altdorf", PASSWORD)
    data = extract_zip(tiny_bundle("04021000", DATE, scale=20), tmp_path / "x")
    content = "data:application/zip;base64," + base64.b64encode(data).decode()
    before = len(uploads_of(restricted_engine(settings)))
    response = dash_callback(
        client,
        app,
        [
            (ids.UPLOAD_JOB, "data"),
            (ids.UPLOAD_POLL, "disabled"),
            (ids.UPLOAD_STATUS, "children"),
            (ids.UPLOAD, "contents"),
        ],
        [(ids.UPLOAD, "contents", [content])],
        [(ids.UPLOAD, "filename", ["x.zip"])],
    )
    assert response.status_code == 200
    job_id = response.get_json()["response"][ids.UPLOAD_JOB]["data"]
    deadline = time.monotonic() + 60  # the job runs in a background thread: poll like the page
    while True:
        poll = dash_callback(
            client,
            app,
            [
                (ids.UPLOAD_STATUS, "children"),
                (ids.UPLOAD_POLL, "disabled"),
                (ids.UPLOAD_CONFIRM, "hidden"),
                (ids.UPLOAD_DISCARD, "hidden"),
            ],
            [(ids.UPLOAD_POLL, "n_intervals", 1)],
            [(ids.UPLOAD_JOB, "data", job_id), (ids.LOCATION, "search", "")],
        )
        if poll.get_json()["response"][ids.UPLOAD_POLL]["disabled"] or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert "darf nur für 03901001 melden" in json.dumps(poll.get_json(), ensure_ascii=False)
    assert len(uploads_of(restricted_engine(settings))) == before


@pytest.mark.parametrize("username", ["altdorf", "weserhaven", "leser", "admin"])
def test_review_and_publish_callbacks_need_a_statistician(
    settings, client, app, weser_upload, username
):
    _, upload_id = weser_upload
    login(client, username, PASSWORD)
    target = {"type": ids.REVIEW_DECIDE, "upload": upload_id, "state": "accepted"}
    decide = dash_callback(
        client,
        app,
        [(ids.REVIEW_QUEUE, "children"), (ids.REVIEW_MESSAGE, "children")],
        [([target], "n_clicks", [1])],
    )
    assert decide.status_code == 403
    outputs = [(ids.PUBLISH_JOB, "data"), (ids.PUBLISH_POLL, "disabled")]
    publish = dash_callback(
        client,
        app,
        outputs,
        [(ids.PUBLISH_BUTTON, "n_clicks", 1)],
        [(ids.PUBLISH_NOTE, "value", "x")],
    )
    assert publish.status_code == 403
    rows = uploads_of(restricted_engine(settings)).set_index("upload_id")
    assert rows.loc[upload_id, "review_state"] == "pending"


@pytest.mark.parametrize("username", ["altdorf", "statistik", "leser"])
def test_account_administration_needs_an_admin(client, app, username):
    login(client, username, PASSWORD)
    response = dash_callback(
        client,
        app,
        [(ids.USERS_MESSAGE, "children"), (ids.USERS_TABLE, "children")],
        [
            (ids.USERS_ADD, "n_clicks", 1),
            (
                [{"type": ids.USERS_ACTION, "user": "admin", "action": "disable"}],
                "n_clicks",
                [None],
            ),
        ],
        [
            (ids.USERS_NAME, "value", "eindringling"),
            (ids.USERS_ROLE, "value", "admin"),
            (ids.USERS_AGS, "value", ""),
        ],
    )
    assert response.status_code == 403
    login(client, "admin", PASSWORD)
    assert "eindringling" not in route(client, app, "/konten").get_data(as_text=True)


def test_anonymous_callbacks_change_nothing(settings, client, app, weser_upload):
    _, upload_id = weser_upload
    client.get("/auth/login")
    target = {"type": ids.REVIEW_DECIDE, "upload": upload_id, "state": "accepted"}
    response = dash_callback(
        client,
        app,
        [(ids.REVIEW_QUEUE, "children"), (ids.REVIEW_MESSAGE, "children")],
        [([target], "n_clicks", [1])],
    )
    assert response.status_code == 401
    rows = uploads_of(restricted_engine(settings)).set_index("upload_id")
    assert rows.loc[upload_id, "review_state"] == "pending"
