"""Interval arithmetic: every derived interval contains the true value (hypothesis)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.transform import interval_arithmetic as bounds

counts = st.integers(min_value=0, max_value=10_000)
# One cell: its true value and whether the public side sees it (zeros always do).
cells = st.tuples(counts, st.booleans()).map(lambda c: (c[0], c[1] or c[0] == 0))


def _contains(frame: pd.DataFrame, truth: np.ndarray) -> bool:
    lo_ok = frame["lo"].isna() | (frame["lo"] <= truth + 1e-9 * np.abs(truth) + 1e-12)
    hi_ok = frame["hi"].isna() | (frame["hi"] >= truth - 1e-9 * np.abs(truth) - 1e-12)
    return bool((lo_ok & hi_ok).all())


def _cells_interval(rows: list[tuple[int, bool]]) -> tuple[pd.DataFrame, np.ndarray]:
    truth = np.array([v for v, _ in rows], dtype=float)
    known = pd.Series([k for _, k in rows])
    hidden = pd.Series(truth).where(known)  # what the public side reads
    return bounds.of_cells(hidden, known), truth


def _random_interval(draw: st.DrawFn, truth: float) -> tuple[float, float]:
    below = draw(st.one_of(st.none(), st.floats(0, 1_000)))
    above = draw(st.one_of(st.none(), st.floats(0, 1_000)))
    return (
        math.nan if below is None else truth - below,
        math.nan if above is None else truth + above,
    )


@st.composite
def operand_pairs(draw: st.DrawFn, positive_b: bool = False) -> tuple:
    n = draw(st.integers(1, 8))
    a_true = np.array(draw(st.lists(st.floats(-1e4, 1e4), min_size=n, max_size=n)))
    low = 1.0 if positive_b else -1e4
    b_true = np.array(draw(st.lists(st.floats(low, 1e4), min_size=n, max_size=n)))
    a = [_random_interval(draw, x) for x in a_true]
    b = [_random_interval(draw, x) for x in b_true]
    if positive_b:  # the divisor's lower end stays positive, as `divide` requires
        b = [(max(lo, 0.5) if not math.isnan(lo) else 0.5, hi) for lo, hi in b]
    frame = lambda pairs: pd.DataFrame(pairs, columns=["lo", "hi"])  # noqa: E731
    return frame(a), a_true, frame(b), b_true


@given(st.lists(cells, min_size=1, max_size=12))
def test_cells_contain_their_true_values(rows: list[tuple[int, bool]]) -> None:
    interval, truth = _cells_interval(rows)
    assert _contains(interval, truth)


@given(st.lists(cells, min_size=2, max_size=12), st.data())
def test_partition_sum_contains_the_true_sum(
    rows: list[tuple[int, bool]], data: st.DataObject
) -> None:
    truth = np.array([v for v, _ in rows], dtype=float)
    known = np.array([k for _, k in rows])
    chosen = np.array(data.draw(st.lists(st.booleans(), min_size=len(rows), max_size=len(rows))))
    total_published = data.draw(st.booleans())
    one = pd.Index([0])

    def side(mask: np.ndarray) -> tuple[pd.Series, pd.Series]:
        return (
            pd.Series([truth[mask & known].sum()], index=one),
            pd.Series([float((mask & ~known).sum())], index=one),
        )

    (ck, ch), (rk, rh) = side(chosen), side(~chosen)
    total = pd.Series([truth.sum() if total_published else math.nan], index=one)
    result = bounds.partition_sum(ck, ch, rk, rh, total)
    assert _contains(result, np.array([truth[chosen].sum()]))
    if not (chosen & ~known).any():
        assert result["lo"].iloc[0] == result["hi"].iloc[0] == truth[chosen].sum()


@given(operand_pairs())
def test_sums_and_differences_contain_the_true_result(pair: tuple) -> None:
    a, a_true, b, b_true = pair
    assert _contains(bounds.add(a, b), a_true + b_true)
    assert _contains(bounds.subtract(a, b), a_true - b_true)


@settings(max_examples=300)
@given(operand_pairs(positive_b=True), st.sampled_from([1.0, 100.0, 1000.0]))
def test_ratios_contain_the_true_ratio(pair: tuple, scale: float) -> None:
    a, a_true, b, b_true = pair
    assert _contains(bounds.divide(a, b, scale), a_true / b_true * scale)


@given(st.lists(cells, min_size=1, max_size=12), st.lists(st.integers(0, 2), min_size=12))
def test_grouped_and_total_sums_contain_the_true_sums(
    rows: list[tuple[int, bool]], groups: list[int]
) -> None:
    interval, truth = _cells_interval(rows)
    interval["group"] = groups[: len(rows)]
    by_group = bounds.grouped_sum(interval, ["group"])
    true_sums = pd.Series(truth).groupby(interval["group"]).sum()
    assert _contains(by_group, true_sums.reindex(by_group.index).to_numpy())
    lo, hi = bounds.total(interval)
    assert lo <= truth.sum() and (math.isnan(hi) or hi >= truth.sum())


def test_literal_cases() -> None:
    """Input and expected output side by side; NaN is an open end."""
    a = bounds.interval([3.0, 1.0, 2.0], [3.0, math.nan, 5.0])
    b = bounds.interval([2.0, 1.0, 1.0], [2.0, 4.0, math.nan])
    pd.testing.assert_frame_equal(bounds.add(a, b), bounds.interval([5.0, 2, 3], [5.0, None, None]))
    pd.testing.assert_frame_equal(
        bounds.subtract(a, b), bounds.interval([1.0, -3, None], [1.0, None, 4])
    )
    pd.testing.assert_frame_equal(
        bounds.divide(a, b, 100.0), bounds.interval([150.0, 25, None], [150.0, None, 500])
    )
    negative = bounds.interval([-4.0], [-2.0])
    pd.testing.assert_frame_equal(
        bounds.divide(negative, bounds.interval([2.0], [4.0])), bounds.interval([-2.0], [-0.5])
    )
    assert bounds.divide(a, bounds.interval([0.0] * 3, [1.0] * 3))["lo"].isna().all()
