"""Per-instance bounded memoisation of the service's reads."""

from __future__ import annotations

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
