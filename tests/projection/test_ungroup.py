"""Splitting grouped counts into single years keeps every group total."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from etl.projection.ungroup import GENESIS_17_BOUNDS, gompertz_tail, group_sums, split_age_groups

# Witzenhausen, women, 31.12.2015 (GENESIS 12411-02-03-5-B), 17 groups.
WITZENHAUSEN_FEMALE = np.array(
    [171, 182, 242, 305, 230, 144, 437, 476, 405, 385, 404, 565, 684, 596, 504, 863, 1113.0]
)


def test_genesis_groups_split_into_101_single_years_with_exact_totals() -> None:
    years = split_age_groups(WITZENHAUSEN_FEMALE)
    assert years.shape == (101,)
    assert np.all(years >= 0)
    np.testing.assert_allclose(group_sums(years, GENESIS_17_BOUNDS), WITZENHAUSEN_FEMALE, atol=1e-9)
    assert years.sum() == pytest.approx(WITZENHAUSEN_FEMALE.sum(), abs=1e-9)
    assert years[100] < years[75]


@given(arrays(float, (3, 17), elements=st.floats(0, 1e6) | st.just(0.0)))
def test_group_sums_are_exact_and_counts_non_negative(counts: np.ndarray) -> None:
    years = split_age_groups(counts)
    assert np.all(years >= 0)
    np.testing.assert_allclose(
        group_sums(years, GENESIS_17_BOUNDS), counts, rtol=0, atol=1e-9 * max(1, counts.max())
    )


def test_zero_group_stays_zero_and_smooth_groups_stay_flat() -> None:
    flat = np.array([3.0, 3.0, 4.0, 5.0, 3.0, 2.0, 5.0])
    bounds = (0, 3, 6, 10, 15, 18, 20)
    years = split_age_groups(flat, bounds, open_to=25)
    np.testing.assert_allclose(years[:20], 1.0, atol=1e-12)
    zero = split_age_groups(np.array([5.0, 0.0, 5.0, 1.0]), (0, 5, 10, 15), open_to=20)
    np.testing.assert_array_equal(zero[5:10], 0.0)


def test_gompertz_tail_sums_to_one_and_declines() -> None:
    tail = gompertz_tail(75, 100)
    assert tail.size == 26
    assert tail.sum() == pytest.approx(1.0)
    assert np.all(np.diff(tail[:-1]) < 0)


def test_invalid_bounds_and_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="lower bounds"):
        split_age_groups(np.ones(2), (5, 10))
    with pytest.raises(ValueError, match="negative"):
        split_age_groups(-np.ones(17))
    with pytest.raises(ValueError, match="17 groups but 2"):
        split_age_groups(np.ones(17), (0, 5))
