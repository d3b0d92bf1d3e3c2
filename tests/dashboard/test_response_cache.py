"""The response cache: same answers with and without it (local and Redis), keys on the
publication state, nothing per visitor, bounded, and HTTP caching headers on the API."""

from __future__ import annotations

import dataclasses
import json
import uuid

import pytest
from dash import Dash

from dashboard.app import create_app
from dashboard.response_cache import EXTENSION_KEY, ResponseCache, cache_key, storable
from dashboard.response_store import MAX_ENTRY_BYTES, LocalStore, RedisStore, StoredResponse
from dashboard.security import security_setup
from etl.config import Settings

REDIS_URL = "redis://127.0.0.1:6379/15"
CALLBACK = "/_dash-update-component"


def _methodik_body(lang: str = "de") -> dict:
    return {
        "output": "methodik-release.children",
        "outputs": {"id": "methodik-release", "property": "children"},
        "inputs": [{"id": "methodik-state", "property": "data", "value": {"lang": lang}}],
        "changedPropIds": ["methodik-state.data"],
    }


def _app(settings: Settings, **overrides) -> Dash:
    app = create_app(dataclasses.replace(settings, **overrides), warm=False)
    cache = app.server.extensions.get(EXTENSION_KEY)
    if isinstance(cache, ResponseCache) and isinstance(cache.store, RedisStore):
        cache.store.prefix = f"test:{uuid.uuid4().hex}:"  # a fresh namespace per test
    return app


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except (redis.RedisError, OSError):
        return False


STORES = [
    pytest.param({}, id="local"),
    pytest.param(
        {"redis_url": REDIS_URL},
        id="redis",
        marks=pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379"),
    ),
]


@pytest.mark.parametrize("store", STORES)
def test_same_answers_with_and_without_the_cache(settings, release_id, store) -> None:
    plain = _app(settings, response_cache_seconds=0).server.test_client()
    cached = _app(settings, **store).server.test_client()
    requests = [
        ("get", "/api/v1/areas?level=gemeinde", None),
        ("get", "/api/v1/population?area=04021000", None),
        ("get", "/api/v1/releases", None),
        ("post", CALLBACK, _methodik_body("de")),
        ("post", CALLBACK, _methodik_body("en")),
    ]
    for method, url, body in requests:
        expected = getattr(plain, method)(url, json=body)
        first = getattr(cached, method)(url, json=body)
        second = getattr(cached, method)(url, json=body)
        assert expected.status_code == first.status_code == second.status_code == 200, url
        assert expected.data == first.data == second.data, url
        assert "X-Cache" not in first.headers and second.headers["X-Cache"] == "hit", url
        assert second.mimetype == expected.mimetype
        assert "Set-Cookie" not in second.headers


def test_the_key_holds_the_live_release_and_the_request(app, release_id) -> None:
    service = app.server.extensions["demografie_service"]
    token = service.publication_state().token
    assert release_id in token
    with app.server.test_request_context("/api/v1/areas?level=gemeinde"):
        from flask import request

        key = cache_key(token, request)
        assert key != cache_key(token.replace(release_id, "other-release"), request)
    with app.server.test_request_context("/api/v1/areas?level=kreis"):
        assert cache_key(token, request) != key


def test_a_withdrawal_or_new_state_is_never_served_from_old_entries(settings, release_id):
    app = _app(settings)
    client = app.server.test_client()
    client.get("/api/v1/releases")
    assert client.get("/api/v1/releases").headers.get("X-Cache") == "hit"
    service = app.server.extensions["demografie_service"]
    real = service.publication_state
    state = real()
    service.publication_state = lambda: dataclasses.replace(state, withdrawn=(release_id,))
    assert "X-Cache" not in client.get("/api/v1/releases").headers
    service.publication_state = real


def test_only_callbacks_that_read_published_data_are_cached(client, release_id) -> None:
    body = {
        "output": "daten-download.data",
        "outputs": {"id": "daten-download", "property": "data"},
        "inputs": [],
        "changedPropIds": [],
    }
    for _ in range(2):
        response = client.post(CALLBACK, json=body)
        assert "X-Cache" not in response.headers


def test_listed_callbacks_exist(app) -> None:
    from dashboard.response_cache import CACHED_CALLBACKS

    firsts = {key.lstrip(".").split(".", 1)[0] for key in app.callback_map}
    assert CACHED_CALLBACKS <= firsts


def test_nothing_about_a_visitor_is_stored(app) -> None:
    with app.server.test_request_context("/"):
        from flask import Response

        with_cookie = Response("x")
        with_cookie.set_cookie("session", "abc")
        by_cookie = Response("x")
        by_cookie.vary.add("Cookie")
        assert not storable(with_cookie) and not storable(by_cookie)
        assert not storable(Response("x", status=404))
        assert storable(Response("x"))


def test_a_private_dashboard_checks_the_login_before_the_cache(settings, release_id) -> None:
    private = dataclasses.replace(settings, public_dashboard=False, secret_key="k" * 40)
    app = create_app(private, extra_setup=security_setup(), warm=False)
    cache = app.server.extensions[EXTENSION_KEY]
    client = app.server.test_client()
    url = "/api/v1/areas?level=gemeinde"
    with app.server.test_request_context(url):
        key = cache.key(cache.service.publication_state().token)
    cache.store.set(key, StoredResponse(200, (("Content-Type", "application/json"),), b"{}"))
    response = client.get(url)
    assert response.status_code in (302, 401) and "X-Cache" not in response.headers


def test_api_answers_carry_etag_and_cache_control(settings, release_id) -> None:
    client = _app(settings).server.test_client()
    live = client.get("/api/v1/areas?level=gemeinde")
    assert live.headers["Cache-Control"] == "public, max-age=60"
    assert live.headers["ETag"].startswith('W/"')
    again = client.get(
        "/api/v1/areas?level=gemeinde", headers={"If-None-Match": live.headers["ETag"]}
    )
    assert again.status_code == 304 and again.data == b""
    pinned = client.get(f"/api/v1/areas?level=gemeinde&release={release_id}")
    assert pinned.headers["Cache-Control"] == "public, max-age=600"
    assert "Set-Cookie" not in pinned.headers
    geometry = client.get(f"/api/v1/geometry/{release_id}/gemeinde.geojson")
    assert "immutable" in geometry.headers["Cache-Control"]  # the route's own, kept on hits
    hit = client.get(f"/api/v1/geometry/{release_id}/gemeinde.geojson")
    assert (
        hit.headers["X-Cache"] == "hit"
        and hit.headers["Cache-Control"] == (geometry.headers["Cache-Control"])
    )


def test_the_local_store_is_bounded() -> None:
    entry = StoredResponse(200, (), b"x" * 300)
    bound = 3 * entry.footprint("k0") + 100  # keys, headers and objects count too
    store = LocalStore(seconds=60, max_bytes=bound)
    for i in range(10):
        store.set(f"k{i}", entry)
    assert store.size_bytes <= bound and len(store) == 3
    assert store.get("k0") is None and store.get("k9") is not None
    store.set("big", StoredResponse(200, (), b"x" * (MAX_ENTRY_BYTES + 1)))
    assert store.get("big") is None
    expired = LocalStore(seconds=0)
    expired.set("k", StoredResponse(200, (), b"x"))
    assert expired.get("k") is None


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_redis_entries_expire_and_are_data_not_pickles() -> None:
    import redis

    store = RedisStore(REDIS_URL, seconds=30, prefix=f"test:{uuid.uuid4().hex}:")
    value = StoredResponse(200, (("Content-Type", "application/json"),), b'{"a": 1}')
    store.set("k", value)
    assert store.get("k") == value
    client = redis.Redis.from_url(REDIS_URL)
    assert 0 < client.ttl(store.prefix + "k") <= 30
    raw = client.get(store.prefix + "k")
    assert json.loads(raw.split(b"\n", 1)[0])["status"] == 200
    client.set(store.prefix + "bad", b"\x80not json")
    assert store.get("bad") is None


def test_the_dashboard_answers_when_redis_is_down(settings, release_id) -> None:
    client = _app(settings, redis_url="redis://127.0.0.1:1/0").server.test_client()
    for _ in range(2):
        response = client.get("/api/v1/areas?level=gemeinde")
        assert response.status_code == 200 and "X-Cache" not in response.headers
