"""Per-instance, bounded memoisation of read methods (`@cached_read`), thread-safe, single-flight.

`functools.lru_cache` on a method would share one cache across every instance (and keep the
instances alive); the service instead holds one `Memo` per application object, and each
decorated method keeps its own least-recently-used table of at most `MAX_ENTRIES` results in it
(or the method's own bound: `@cached_read(max_entries=512)`).

Single-flight: when several threads of a worker ask for the same missing key at once (a burst
of visitors right after a start or a publish), one computes it and the others wait for its
result instead of computing it again in parallel; under the GIL parallel copies only make
every one of them slower.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Final, Protocol, TypeVar, overload

MAX_ENTRIES: Final = 64
Result = TypeVar("Result")


class Memo:
    """Bounded LRU tables, one per method name; a value is computed once, outside the lock."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._tables: dict[str, OrderedDict[Hashable, Any]] = {}
        self._flights: dict[tuple[str, Hashable], threading.Event] = {}
        self._lock = threading.Lock()

    def get_or_compute(
        self,
        name: str,
        key: Hashable,
        compute: Callable[[], Result],
        max_entries: int | None = None,
    ) -> Result:
        """The held value, else the one another thread is computing, else compute it here."""
        while True:
            with self._lock:
                table = self._tables.setdefault(name, OrderedDict())
                if key in table:
                    table.move_to_end(key)
                    return table[key]
                flight = self._flights.get((name, key))
                if flight is None:
                    self._flights[(name, key)] = threading.Event()
                    break
            flight.wait()  # then look again: held now, or the computation failed (retry here)
        try:
            value = compute()
            with self._lock:
                table[key] = value
                table.move_to_end(key)
                while len(table) > (max_entries or self.max_entries):
                    table.popitem(last=False)
            return value
        finally:
            with self._lock:
                self._flights.pop((name, key)).set()

    def size(self, name: str) -> int:
        """How many results of method `name` are held."""
        with self._lock:
            return len(self._tables.get(name, ()))

    def clear(self) -> None:
        with self._lock:
            self._tables.clear()


class HasMemo(Protocol):
    memo: Memo


Method = Callable[..., Any]


@overload
def cached_read(method: Method, *, max_entries: int | None = None) -> Method: ...
@overload
def cached_read(
    method: None = None, *, max_entries: int | None = None
) -> Callable[[Method], Method]: ...
def cached_read(method: Method | None = None, *, max_entries: int | None = None) -> Any:
    """Cache `method`'s results in its instance's `memo`, keyed by the (hashable) arguments.

    `@cached_read` keeps the memo's bound; `@cached_read(max_entries=N)` its own bound N.
    """
    if method is None:
        return functools.partial(cached_read, max_entries=max_entries)
    name = method.__name__

    @functools.wraps(method)
    def cached(self: HasMemo, *args: Any, **kwargs: Any) -> Any:
        key = (args, tuple(sorted(kwargs.items())))
        compute = functools.partial(method, self, *args, **kwargs)
        return self.memo.get_or_compute(name, key, compute, max_entries)

    return cached
