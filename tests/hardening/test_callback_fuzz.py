"""Every dashboard callback fed malformed inputs through POST /_dash-update-component:
never a 500, and bounded work (too many areas or too large a body refused before running)."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from dash import Dash

from dashboard.app import create_app
from dashboard.guard import MAX_BODY_BYTES, MAX_LIST_ITEMS
from etl.config import Settings
from etl.testing import write_tiny_release

UNKNOWN_RELEASE = {"release": "R9999-19990101", "lang": "de"}
MALFORMED: list[Any] = [
    None,
    "",
    "nope",
    -1,
    10**12,
    3.5,
    True,
    [],
    {},
    [["a"]],
    UNKNOWN_RELEASE,
    ["03901001", "99999999"],
]


def _component(raw: str) -> Any:
    return json.loads(raw) if raw.startswith("{") else raw


def _entry(spec: dict[str, str], value: Any) -> Any:
    component = _component(spec["id"])
    if isinstance(component, dict) and ["ALL"] in component.values():
        concrete = {k: "csv" if v == ["ALL"] else v for k, v in component.items()}
        return [{"id": concrete, "property": spec["property"], "value": value}]
    return {"id": component, "property": spec["property"], "value": value}


def _outputs(key: str) -> Any:
    parts = key.strip(".").split("...")
    outputs = [
        {"id": _component(p.rsplit(".", 1)[0]), "property": p.rsplit(".", 1)[1].split("@")[0]}
        for p in parts
    ]
    return outputs if len(outputs) > 1 else outputs[0]


def callback_body(key: str, spec: dict, position: int, value: Any) -> dict[str, Any]:
    """A request for callback `key` whose `position`-th input or state is `value`."""
    specs = spec["inputs"] + spec["state"]
    values = [{"release": None, "lang": "de"} if s["property"] == "data" else None for s in specs]
    values[position] = value
    inputs = spec["inputs"]
    first = json.dumps(_component(inputs[0]["id"]), sort_keys=True, separators=(",", ":"))
    first = first.strip('"') if not inputs[0]["id"].startswith("{") else first
    return {
        "output": key,
        "outputs": _outputs(key),
        "inputs": [_entry(s, v) for s, v in zip(inputs, values, strict=False)],
        "changedPropIds": [f"{first}.{inputs[0]['property']}"],
        "state": [_entry(s, v) for s, v in zip(spec["state"], values[len(inputs) :], strict=True)],
    }


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory) -> Dash:
    settings = Settings(home=tmp_path_factory.mktemp("fuzz") / "var")
    write_tiny_release(settings)
    app = create_app(settings, warm=False)
    app.server.test_client().get("/")  # Dash registers the page callbacks at the first request
    return app


def test_no_callback_answers_500_to_malformed_inputs(fuzz_app: Dash, caplog) -> None:
    caplog.set_level(logging.CRITICAL)
    client, failures, tried = fuzz_app.server.test_client(), [], 0
    for key, spec in list(fuzz_app.callback_map.items()):
        for position in range(len(spec["inputs"]) + len(spec["state"])):
            for value in MALFORMED:
                tried += 1
                body = callback_body(key, spec, position, value)
                status = client.post("/_dash-update-component", json=body).status_code
                if status >= 500:
                    failures.append((key[:60], position, repr(value)[:40]))
    assert tried > 800
    assert failures == []


@pytest.mark.parametrize("page", ["karte", "gebiet", "vergleich", "regionen", "daten", "methodik"])
def test_an_unknown_release_in_a_permalink_answers_404(fuzz_app: Dash, page: str) -> None:
    key = next(
        k
        for k, spec in fuzz_app.callback_map.items()
        if any(i["id"] == f"{page}-state" for i in spec["inputs"])
    )
    spec = fuzz_app.callback_map[key]
    position = next(i for i, s in enumerate(spec["inputs"]) if s["id"] == f"{page}-state")
    body = callback_body(key, spec, position, UNKNOWN_RELEASE)
    response = fuzz_app.server.test_client().post("/_dash-update-component", json=body)
    assert response.status_code == 404
    assert "R9999-19990101" in response.get_json()["message"]


def test_too_many_areas_are_refused_before_the_callback_runs(fuzz_app: Dash) -> None:
    key = next(k for k in fuzz_app.callback_map if k.startswith("..vergleich-graph"))
    spec = fuzz_app.callback_map[key]
    areas = [f"{i:08d}" for i in range(MAX_LIST_ITEMS + 1)]
    body = callback_body(key, spec, 0, areas)
    response = fuzz_app.server.test_client().post("/_dash-update-component", json=body)
    assert response.status_code == 400
    assert f"erlaubt sind {MAX_LIST_ITEMS}" in response.get_json()["message"]


def test_a_huge_callback_body_is_refused(fuzz_app: Dash) -> None:
    key = next(k for k in fuzz_app.callback_map if k.startswith("..vergleich-graph"))
    body = callback_body(key, fuzz_app.callback_map[key], 0, ["x" * 1000] * 300)
    assert len(json.dumps(body)) > MAX_BODY_BYTES
    response = fuzz_app.server.test_client().post("/_dash-update-component", json=body)
    assert response.status_code == 413


def test_not_json_is_a_400(fuzz_app: Dash) -> None:
    response = fuzz_app.server.test_client().post(
        "/_dash-update-component", data=b"{nope", content_type="application/json"
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("url", "status", "text"),
    [
        ("/api/v1/areas?level=gemeinde&level=kreis", 400, "2-mal"),
        ("/api/v1/population?area=" + "0" * 65, 400, "länger als 64"),
        ("/api/v1/indicators?indicator=population&classes=100000", 400, "2..9"),
        ("/api/v1/indicators?indicator=population&classes=1", 400, "2..9"),
        ("/api/v1/areas?release=R9999-19990101&format=csv", 404, "R9999"),
        ("/api/v1/geometry/R9999-19990101/gemeinde.geojson", 404, "R9999"),
    ],
)
def test_api_bounds_and_unknown_releases(fuzz_app: Dash, url: str, status: int, text: str):
    response = fuzz_app.server.test_client().get(url)
    assert response.status_code == status
    assert text in response.get_json()["message"]
