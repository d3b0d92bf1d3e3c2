"""Process pools for the independent LPs of protection and audit.

A pool is opened by the caller for the duration of one call (`lp_pool`) and passed down
explicitly; nothing is started at import and no pool outlives the call that opened it.
Workers come from a fork server, not from forking the caller: the caller may be a
multi-threaded web process (portal jobs), where a plain fork can inherit held locks.
Every task is a pure function of its arguments, so the answers do not depend on the
number of workers or on the order in which they finish.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

_Item = TypeVar("_Item")
_Result = TypeVar("_Result")
# Imported once by the fork server, so each worker starts with numpy, scipy and HiGHS loaded.
_PRELOAD = ["etl.privacy.intervals", "etl.privacy.perturb", "etl.privacy.speculation"]


def default_workers() -> int:
    """Two workers where there are two cores: more rarely pays for their start on these LPs."""
    return max(1, min(2, os.cpu_count() or 1))


@dataclass(frozen=True)
class LpPool:
    """An open process pool and its number of workers."""

    executor: Executor
    size: int


@contextmanager
def lp_pool(workers: int) -> Iterator[LpPool | None]:
    """A pool of `workers` processes, or None for one worker (everything runs here)."""
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}.")
    if workers == 1:
        yield None
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as executor:
        yield LpPool(executor, workers)


def ordered_map(
    pool: LpPool | None,
    function: Callable[[_Item], _Result],
    items: Sequence[_Item],
    *,
    per_task: int = 1,
) -> list[_Result]:
    """`[function(item) for item in items]`, in the pool when there is one, in item order."""
    if pool is None or len(items) <= 1:
        return [function(item) for item in items]
    chunk = max(per_task, len(items) // (4 * pool.size))
    return list(pool.executor.map(function, items, chunksize=chunk))
