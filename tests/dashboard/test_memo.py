"""Per-instance bounded memoisation of the service's reads."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from dashboard.memo import Memo, cached_read
from dashboard.services import DashboardService


class Counter:
    def __init__(self, max_entries: int = 3) -> None:
        self.memo = Memo(max_entries)
        self.calls = 0

    @cached_read
    def double(self, x: int) -> int:
        self.calls += 1
        return 2 * x


def test_results_are_cached_per_instance_and_bounded() -> None:
    first, second = Counter(), Counter()
    assert [first.double(1), first.double(1), second.double(1)] == [2, 2, 2]
    assert first.calls == 1 and second.calls == 1
    for x in range(10):
        first.double(x)
    assert first.memo.size("double") == 3
    assert first.calls == 10  # 1 was held already
    first.double(9)
    assert first.calls == 10  # 9 is still held; 0..6 were evicted
    first.double(0)
    assert first.calls == 11


def test_the_service_defines_its_cached_reads_in_the_class() -> None:
    for name in ("info", "areas", "boundaries", "geojson", "indicator_table", "breaks"):
        assert name in vars(DashboardService), name


class Slow:
    """A read that takes a while, so that concurrent callers overlap."""

    def __init__(self) -> None:
        self.memo = Memo()
        self.calls = 0
        self.fail = False

    @cached_read(max_entries=2)
    def square(self, x: int) -> int:
        self.calls += 1
        time.sleep(0.2)
        if self.fail:
            raise ValueError(f"no square for {x}")
        return x * x


def test_concurrent_callers_of_one_missing_key_share_one_computation() -> None:
    slow = Slow()
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(slow.square, [3] * 6))
    assert results == [9] * 6
    assert slow.calls == 1


def test_a_failed_computation_is_not_kept_and_the_next_caller_computes_again() -> None:
    slow = Slow()
    slow.fail = True
    with pytest.raises(ValueError, match="no square for 3"):
        slow.square(3)
    slow.fail = False
    assert slow.square(3) == 9
    assert slow.calls == 2


def test_a_method_can_carry_its_own_bound() -> None:
    slow = Slow()
    for x in (1, 2, 3):
        slow.square(x)
    assert slow.memo.size("square") == 2  # its own bound, not the memo's 64
