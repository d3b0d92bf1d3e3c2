"""Where cached responses live: Redis shared by every worker, or a bounded dict per process.

Values are bytes framed by this module (a JSON head line, then the body), never pickles: a
value read back from a shared Redis is data, not code. Flask-Caching's Redis backend pickles
its values, which is why the project does not use it here (docs/security.md).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Final, Protocol

log = logging.getLogger(__name__)
MAX_ENTRY_BYTES: Final = 1_000_000  # larger responses (downloads) are not cached
LOCAL_MAX_BYTES: Final = 64_000_000  # the per-process store keeps at most this much
# What an entry costs beyond the characters of its key, headers and body: the Python objects
# (key and header strings, tuples, the record, the expiry, the table's slot), measured with
# sys.getsizeof at about 1.1 kB and charged generously. Without it a visitor adding junk
# parameters to a small answer fills many times the bound with keys and headers.
ENTRY_OVERHEAD_BYTES: Final = 2_048
REDIS_TIMEOUT_SECONDS: Final = 0.5  # a slow Redis must not hold a request up


@dataclass(frozen=True)
class StoredResponse:
    """What a response cache keeps of a response: status, the headers that describe the
    body (type, encoding, vary) and the body."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def footprint(self, key: str) -> int:
        """Bytes this response charges against a store's bound under `key`."""
        headers = sum(len(name) + len(value) for name, value in self.headers)
        return ENTRY_OVERHEAD_BYTES + len(key) + headers + len(self.body)

    def encode(self) -> bytes:
        head = json.dumps({"status": self.status, "headers": self.headers}).encode()
        return head + b"\n" + self.body

    @classmethod
    def decode(cls, raw: bytes) -> StoredResponse:
        head, _, body = raw.partition(b"\n")
        meta = json.loads(head)
        headers = tuple((str(name), str(value)) for name, value in meta["headers"])
        return cls(status=int(meta["status"]), headers=headers, body=body)


class ResponseStore(Protocol):
    def get(self, key: str) -> StoredResponse | None: ...

    def set(self, key: str, value: StoredResponse) -> None: ...


class LocalStore:
    """Least-recently-used responses of this process, at most `max_bytes` in all (bodies,
    keys, headers and a fixed overhead per entry), each for `seconds`."""

    def __init__(self, seconds: int, max_bytes: int = LOCAL_MAX_BYTES) -> None:
        self.seconds = seconds
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, tuple[float, StoredResponse, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> StoredResponse | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            if found[0] < time.monotonic():
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return found[1]

    def set(self, key: str, value: StoredResponse) -> None:
        if len(value.body) > MAX_ENTRY_BYTES:
            return
        with self._lock:
            if key in self._entries:
                self._drop(key)
            charged = value.footprint(key)
            self._entries[key] = (time.monotonic() + self.seconds, value, charged)
            self._bytes += charged
            while self._bytes > self.max_bytes:
                self._drop(next(iter(self._entries)))

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)

    def _drop(self, key: str) -> None:
        _, _, charged = self._entries.pop(key)
        self._bytes -= charged


class RedisStore:
    """Responses in Redis, shared by every worker and machine; each key expires after
    `seconds`, and the server's `maxmemory` with `allkeys-lru` bounds the whole (compose.yaml).
    When Redis does not answer, a lookup is a miss and the response is computed as usual."""

    def __init__(self, url: str, seconds: int, prefix: str = "demografie:response:") -> None:
        import redis

        self.seconds = seconds
        self.prefix = prefix
        self._errors = (redis.RedisError, OSError)
        self._client = redis.Redis.from_url(
            url,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        )

    def get(self, key: str) -> StoredResponse | None:
        try:
            raw = self._client.get(self.prefix + key)
        except self._errors as error:
            log.warning("Response cache: Redis did not answer (%s); computing.", error)
            return None
        if raw is None:
            return None
        try:
            return StoredResponse.decode(raw)
        except (ValueError, KeyError, TypeError):
            log.warning("Response cache: unreadable entry %s ignored.", key)
            return None

    def set(self, key: str, value: StoredResponse) -> None:
        if len(value.body) > MAX_ENTRY_BYTES:
            return
        try:
            self._client.set(self.prefix + key, value.encode(), ex=self.seconds)
        except self._errors as error:
            log.warning("Response cache: Redis did not store (%s).", error)
