"""Cached responses for published reads: Dash callbacks that only read releases, and /api/v1.

Releases are immutable, so a response is fully determined by the request and by the state of
the published zone (live release, releases and when the newest was written, vintages,
withdrawals; `publication_state`). The key is a hash of the dashboard's mode (public or
private), that state's token, the path and the query or callback body (and whether the body is
gzipped), so a publish or a withdrawal never serves an old answer, and two dashboards on one
Redis (another published zone, or the other mode) never serve each other's answers.

Nothing per user is cached: the dashboard shows every visitor the same published data; only
status 200 responses that set no cookie and do not vary by cookie are stored; the lookup runs
after the security layer's checks (a private dashboard's login comes first). The dashboard
never reads the restricted zone, so nothing from it can be cached here.

The store is Redis (DEMOGRAFIE_REDIS_URL, shared by all workers) or a bounded dict per
process; DEMOGRAFIE_RESPONSE_CACHE_SECONDS=0 turns the cache off. API responses also carry an
ETag and Cache-Control, so a browser or proxy revalidates with a 304 instead of a body.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Final

from flask import Flask, Request, Response, g, request

from dashboard.guard import CALLBACK_PATH
from dashboard.response_store import LocalStore, RedisStore, ResponseStore, StoredResponse
from dashboard.services import DashboardService
from etl.config import Settings
from etl.errors import StoreError

log = logging.getLogger(__name__)
API_PREFIX: Final = "/api/v1/"
EXTENSION_KEY: Final = "demografie_response_cache"
# Callbacks that read published data only, named by the component id of their first output.
# Not here: the download (large files) and the click that opens a profile (no work).
CACHED_CALLBACKS: Final = frozenset(
    {
        "karte-year",
        "karte-graph",
        "karte-table",
        "gebiet-area",
        "gebiet-title",
        "vergleich-areas",
        "vergleich-graph",
        "regionen-members",
        "regionen-map",
        "daten-year",
        "daten-preview",
        "prognose-areas",
        "prognose-summary",
        "prognose-vintages",
        "methodik-release",
        "shell-release",
    }
)
KEPT_HEADERS: Final = (
    "Content-Type",
    "Content-Encoding",
    "Vary",
    "Content-Disposition",
    "Cache-Control",
    "ETag",
)
LIVE_MAX_AGE: Final = 60  # seconds a browser or proxy may reuse a live-release API answer
PINNED_MAX_AGE: Final = 600  # ... an answer for an explicit ?release= (withdrawal reach)


def first_output(body: bytes) -> str | None:
    """The component id of a callback request's first output, None if not a callback body."""
    try:
        output = json.loads(body or b"null").get("output")
    except (ValueError, AttributeError):
        return None
    if not isinstance(output, str):
        return None
    return output.lstrip(".").split(".", 1)[0]


def cacheable(req: Request) -> bool:
    """Whether this request's answer depends only on the request and the published state."""
    if req.method == "GET" and req.path.startswith(API_PREFIX):
        return True
    if req.method == "POST" and req.path == CALLBACK_PATH:
        return first_output(req.get_data(cache=True)) in CACHED_CALLBACKS
    return False


def cache_key(state_token: str, req: Request) -> str:
    """sha256 of the publication state, method, path, query or body, and the encoding."""
    digest = hashlib.sha256()
    query = sorted(req.args.items(multi=True))
    gzip_ok = "gzip" in req.headers.get("Accept-Encoding", "")
    for part in (state_token, req.method, req.path, json.dumps(query), str(gzip_ok)):
        digest.update(part.encode())
        digest.update(b"\0")
    if req.method == "POST":
        digest.update(req.get_data(cache=True))
    return digest.hexdigest()


def storable(response: Response) -> bool:
    """Only complete 200 answers that carry nothing about a visitor."""
    return (
        response.status_code == 200
        and not response.direct_passthrough
        and "Set-Cookie" not in response.headers
        and "cookie" not in response.vary
    )


class ResponseCache:
    """Before a request: serve a stored answer (or 304); after: keep a new one."""

    def __init__(self, service: DashboardService, store: ResponseStore, public: bool) -> None:
        self.service = service
        self.store = store
        self.public = public

    def key(self, state_token: str) -> str:
        """This request's key in this dashboard's mode.

        The mode is part of the key: a private dashboard's answer (Cache-Control: private,
        behind a login) is never served by a public one on the same Redis, nor the reverse.
        """
        scope = "public" if self.public else "private"
        return cache_key(f"{scope}|{state_token}", request)

    def lookup(self) -> Response | None:
        if not cacheable(request):
            return None
        try:
            token = self.service.publication_state().token
        except StoreError:
            return None  # no release yet: the view answers with its own message
        g.response_cache_key = key = self.key(token)
        stored = self.store.get(key)
        if stored is None:
            return None
        g.response_cache_key = None  # served from the cache: nothing to store afterwards
        response = Response(stored.body, status=stored.status)
        for name, value in stored.headers:
            response.headers[name] = value
        response.headers["X-Cache"] = "hit"
        return self._conditional(response, key)

    def keep(self, response: Response) -> Response:
        key = g.pop("response_cache_key", None)
        if key is None or not storable(response):
            return response
        if _is_api():
            self._http_headers(response, key)
        headers = tuple((n, response.headers[n]) for n in KEPT_HEADERS if n in response.headers)
        self.store.set(key, StoredResponse(200, headers, response.get_data()))
        return self._conditional(response, key)

    def _conditional(self, response: Response, key: str) -> Response:
        if not _is_api():
            return response
        self._http_headers(response, key)
        return response.make_conditional(request)

    def _http_headers(self, response: Response, key: str) -> None:
        """ETag and Cache-Control for API answers (a POST callback is never reused by HTTP).

        A route that sets its own (the immutable geometry) keeps them. A browser or proxy
        that sends the ETag back gets 304 without a body.
        """
        if "Cache-Control" not in response.headers:
            age = PINNED_MAX_AGE if request.args.get("release") else LIVE_MAX_AGE
            scope = "public" if self.public else "private"
            response.headers["Cache-Control"] = f"{scope}, max-age={age}"
            # Weak: the same data gzipped or not are different bytes with the same meaning.
            response.set_etag(key[:32], weak=True)
            response.vary.add("Accept-Encoding")


def _is_api() -> bool:
    return request.method == "GET" and request.path.startswith(API_PREFIX)


def store_for(settings: Settings) -> ResponseStore | None:
    """Redis when DEMOGRAFIE_REDIS_URL is set, else a bounded per-process store; None if off."""
    seconds = settings.response_cache_seconds
    if seconds <= 0:
        return None
    if settings.redis_url:
        return RedisStore(settings.redis_url, seconds)
    return LocalStore(seconds)


def install_keep(server: Flask, cache: ResponseCache) -> None:
    """Register the store step first, so it runs after compression and security headers."""
    server.after_request(cache.keep)


def install_lookup(server: Flask, cache: ResponseCache) -> None:
    """Register the lookup last, so a private dashboard's login check runs before it."""
    server.before_request(cache.lookup)
