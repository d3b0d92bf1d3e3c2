"""Attack 8: the dashboard's response cache and the API's HTTP caching, from the public side.

The visitor controls the cache key (path, query, callback body) and can send `If-None-Match`.
Each test names what it would catch; the memory measure and the second deployment are the
oracle's side (the visitor only sends requests).
"""

from __future__ import annotations

import dataclasses
import sys
import uuid
from collections.abc import Iterator

import pytest

from dashboard.app import create_app
from dashboard.response_cache import EXTENSION_KEY, ResponseCache
from dashboard.response_store import LocalStore, RedisStore
from tests.attacks.conftest import Store, run_ok
from tests.attacks.public_view import get_json
from tests.attacks.test_releases import changed_region_file

pytestmark = pytest.mark.slow
REDIS_URL = "redis://127.0.0.1:6379/15"
SMALL_BOUND = 50_000  # bytes: a per-process store the attacker can overfill quickly


def _real_bytes(store: LocalStore) -> int:
    """What the store's entries really occupy (keys, headers, objects), not only the bodies."""
    total = 0
    for key, entry in store._entries.items():
        expiry, value = entry[0], entry[1]
        total += sys.getsizeof(key) + sys.getsizeof(expiry) + sys.getsizeof(entry)
        total += sys.getsizeof(value) + sys.getsizeof(value.body) + sys.getsizeof(value.headers)
        for header in value.headers:
            total += sys.getsizeof(header) + sum(sys.getsizeof(part) for part in header)
    return total


def _cache(app) -> ResponseCache:
    return app.server.extensions[EXTENSION_KEY]


def test_junk_parameters_cannot_grow_the_cache_past_its_bound(base_store: Store) -> None:
    """The visitor adds a fresh unused parameter to a small API answer, thousands of times.

    Every variant is a new key and a new 200 answer, so each is stored. The store must stay
    within its bound in real memory, not only in body bytes: with a bound on bodies alone, a
    small answer (the release list, a few hundred bytes) costs several times its size in
    key, headers and objects, and a process holds many times its configured bound.
    Failed with the old accounting (bodies only): 1.4 MB held for a 200 kB bound after 2,000
    requests (measured once; this test sends 400 against 50 kB).
    """
    app = create_app(dataclasses.replace(base_store.settings, redis_url=""), warm=False)
    cache = _cache(app)
    cache.store = store = LocalStore(seconds=600, max_bytes=SMALL_BOUND)
    client = app.server.test_client()
    for i in range(400):
        response = client.get(f"/api/v1/releases?junk{i}=1")
        assert response.status_code == 200
    assert len(store) > 10, "the attack must reach the store at all"
    assert _real_bytes(store) <= SMALL_BOUND, (len(store), _real_bytes(store))


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping())
    except (redis.RedisError, OSError):
        return False


@pytest.fixture(scope="module")
def two_deployments(store_factory) -> tuple[Store, Store]:
    """Two published zones built the same day from the same samples, one with a revised
    region file: both are at R0002 of today, with different regions in it.

    This is what an operator runs next to each other (a public dashboard and an internal
    or staging one, or two Länder) on one compose Redis.
    """
    plain = store_factory("deployment-a")
    run_ok(plain.home, "publish", "--note", "zweite Veröffentlichung")
    revised = store_factory("deployment-b")
    regions = changed_region_file(revised.home.parent / "regions-revised.csv")
    run_ok(revised.home, "import-regions", str(regions))
    run_ok(revised.home, "publish", "--note", "Regionen überarbeitet")
    return plain, revised


def _redis_app(store: Store, prefix: str):
    app = create_app(dataclasses.replace(store.settings, redis_url=REDIS_URL), warm=False)
    cache = _cache(app)
    assert isinstance(cache.store, RedisStore)
    cache.store.prefix = prefix  # one namespace for this test, shared by both deployments
    return app


@pytest.fixture
def shared_prefix() -> Iterator[str]:
    import redis

    prefix = f"attack:{uuid.uuid4().hex}:"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=prefix + "*"):
        client.delete(key)


@pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")
def test_two_dashboards_on_one_redis_never_serve_each_others_answers(
    two_deployments: tuple[Store, Store], shared_prefix: str
) -> None:
    """A visitor of dashboard A asks for the regions; then a visitor of B asks the same URL.

    Both published zones are at the same state token (same release id, sequence, no
    withdrawals, no vintages), so a key made of that token and the request alone is the same
    in both, and B would answer with A's regions from the shared Redis: another store's
    data (for an internal dashboard, data never meant for the public one). Each dashboard
    must answer from its own published zone.
    """
    plain, revised = two_deployments
    client_a = _redis_app(plain, shared_prefix).server.test_client()
    client_b = _redis_app(revised, shared_prefix).server.test_client()
    uncached = create_app(
        dataclasses.replace(revised.settings, response_cache_seconds=0), warm=False
    ).server.test_client()
    for url in ("/api/v1/releases", "/api/v1/areas?level=region"):
        from_a = get_json(client_a, url)
        from_b = get_json(client_b, url)
        own = get_json(uncached, url)
        assert from_b == own, (url, "B answered with another deployment's entry")
    assert from_a != own, "the two deployments must differ for the test to mean anything"


def test_a_withdrawn_release_is_not_served_from_the_cache_nor_revalidated(
    store_factory,
) -> None:
    """The visitor reads a pinned release (the cache keeps it, the answer has an ETag), the
    statistician withdraws it with `withdraw-release`, and the visitor asks again, with and
    without `If-None-Match`: the answer must be 410 with the reason, never the cached body
    or a 304 that tells the browser to keep showing its copy.

    Fails when the withdrawals are left out of the publication state's token (checked once).
    """
    store = store_factory("withdrawal")
    run_ok(store.home, "publish", "--note", "zweite Veröffentlichung")
    app = create_app(dataclasses.replace(store.settings, redis_url=""), warm=False)
    client = app.server.test_client()
    listed = get_json(client, "/api/v1/releases")["releases"]
    old = next(r["release_id"] for r in listed if not r["live"])
    url = f"/api/v1/areas?level=gemeinde&release={old}"
    first = client.get(url)
    assert first.status_code == 200 and client.get(url).headers.get("X-Cache") == "hit"
    run_ok(store.home, "withdraw-release", old, "--reason", "Angriffstest")
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    plain = client.get(url)
    assert again.status_code == plain.status_code == 410, (again.status_code, plain.status_code)
    assert "Angriffstest" in plain.get_json()["reason"]
    assert "X-Cache" not in plain.headers
