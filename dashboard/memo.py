"""Per-instance, bounded memoisation of read methods (`@cached_read`), thread-safe.

`functools.lru_cache` on a method would share one cache across every instance (and keep the
instances alive); the service instead holds one `Memo` per application object, and each
decorated method keeps its own least-recently-used table of at most `MAX_ENTRIES` results in it.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Final, Protocol, TypeVar

MAX_ENTRIES: Final = 64
Result = TypeVar("Result")


class Memo:
    """Bounded LRU tables, one per method name; a value is computed outside the lock."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._tables: dict[str, OrderedDict[Hashable, Any]] = {}
        self._lock = threading.Lock()

    def get_or_compute(self, name: str, key: Hashable, compute: Callable[[], Result]) -> Result:
        with self._lock:
            table = self._tables.setdefault(name, OrderedDict())
            if key in table:
                table.move_to_end(key)
                return table[key]
        value = compute()
        with self._lock:
            table[key] = value
            table.move_to_end(key)
            while len(table) > self.max_entries:
                table.popitem(last=False)
        return value

    def size(self, name: str) -> int:
        """How many results of method `name` are held."""
        with self._lock:
            return len(self._tables.get(name, ()))

    def clear(self) -> None:
        with self._lock:
            self._tables.clear()


class HasMemo(Protocol):
    memo: Memo


def cached_read(method: Callable[..., Result]) -> Callable[..., Result]:
    """Cache `method`'s results in its instance's `memo`, keyed by the (hashable) arguments."""
    name = method.__name__

    @functools.wraps(method)
    def cached(self: HasMemo, *args: Any, **kwargs: Any) -> Result:
        key = (args, tuple(sorted(kwargs.items())))
        return self.memo.get_or_compute(name, key, lambda: method(self, *args, **kwargs))

    return cached
