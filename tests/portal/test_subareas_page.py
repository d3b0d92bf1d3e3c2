"""The Ortsteile page: statisticians see the registry per Gemeinde and upload a list."""

from __future__ import annotations

import base64
import json

import pytest

from etl.accounts.service import AccessDenied
from etl.store import schema
from etl.store.contents import zone_contents
from etl.testing import migrated_stores
from etl.uploads import registry
from etl.uploads.intake import UploadedFile
from portal import ids
from portal.app import render_page
from portal.testing import PASSWORD, dash_callback, login

OUTPUTS = [
    (ids.SUBAREAS_MESSAGE, "children"),
    (ids.SUBAREAS_TABLE, "children"),
    (ids.SUBAREAS_UPLOAD, "contents"),
]


def upload_list(client, app, text: str, name: str = "liste.csv", key: str = "key"):
    data = "data:text/csv;base64," + base64.b64encode(text.encode()).decode()
    response = dash_callback(
        client,
        app,
        OUTPUTS,
        [(ids.SUBAREAS_UPLOAD, "contents", data)],
        [
            (ids.SUBAREAS_UPLOAD, "filename", name),
            (ids.SUBAREAS_KEY, "value", key),
            (ids.SUBAREAS_NAME, "value", "name"),
            (ids.SUBAREAS_LAYER, "value", ""),
        ],
    )
    assert response.status_code == 200
    return json.dumps(response.get_json(), ensure_ascii=False)


def page_for(app, stores, account) -> str:
    with app.server.test_request_context("/ortsteile"):
        return str(render_page(stores, account, "/ortsteile", "")[1])


def test_statistician_sees_the_registered_ortsteile_per_gemeinde(app, settings, world, stores):
    page = page_for(app, stores, world["statistik"])
    assert "04021000-001" in page and "Mitte" in page and "3 Ortsteile" in page


def test_uploading_a_list_registers_it(app, client, settings, world, stores):
    login(client, "statistik", PASSWORD)
    shown = upload_list(client, app, "key;name\n03901001-001;Oberdorf\n03901001-002;Unterdorf\n")
    assert "Ortsteile registriert (03901001: 2)" in shown
    assert "Oberdorf" in shown and "Hafen" in shown  # the refreshed table shows both Gemeinden
    rows = registry.registered_subareas(stores, world["statistik"])
    assert {r["area_key"] for r in rows if r["registered_by"] == "statistik"} == {
        "03901001-001",
        "03901001-002",
    }


def test_a_list_with_person_keys_is_refused_and_changes_nothing(app, client, settings):
    restricted = migrated_stores(settings).restricted
    before = zone_contents(restricted, schema.restricted)
    login(client, "statistik", PASSWORD)
    shown = upload_list(client, app, "key;name\n03901001-001;A\n03901001-MaxMustermann_Hst12;B\n")
    assert "Nicht registriert; nichts wurde geändert." in shown
    assert "Datei liste.csv, Zeile 3, Spalte 'key'" in shown and "sieht aus wie ein Name" in shown
    assert zone_contents(restricted, schema.restricted) == before


def test_uploaders_may_neither_see_nor_change_the_registry(app, settings, world, stores):
    page = page_for(app, stores, world["altdorf"])
    assert "fehlt Ihrem Konto die Berechtigung" in page
    with pytest.raises(AccessDenied):
        registry.registered_subareas(stores, world["altdorf"])
    with pytest.raises(AccessDenied):
        registry.register_subareas(
            stores, world["altdorf"], UploadedFile("l.csv", b"key;name\n03901001-001;A\n")
        )
