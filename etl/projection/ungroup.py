"""Split age-group counts into single years so that every group total is kept exactly.

Closed groups: monotone (PCHIP) interpolation of the cumulative count at the group
boundaries; differences at whole years give single-year counts that are non-negative
and sum to the group totals (a final rescaling per group removes rounding noise).
Open group: spread over single years up to `open_to - 1` plus `open_to`+ by a
stationary Gompertz tail whose hazard grows geometrically with age.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.interpolate import PchipInterpolator

GENESIS_17_BOUNDS = (0, 3, 6, 10, 15, 18, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 75)


def gompertz_tail(
    start: int, open_to: int, *, hazard: float = 0.035, growth: float = 0.11, last: int = 130
) -> np.ndarray:
    """Shares of an open group by single year start..open_to-1 plus open_to+ (sums to 1)."""
    ages = np.arange(start, last + 1)
    mu = hazard * np.exp(growth * (ages - start))
    survivors = np.exp(-np.concatenate([[0.0], np.cumsum(mu)[:-1]]))
    inside = survivors[: open_to - start]
    shares = np.append(inside, survivors[open_to - start :].sum())
    return shares / shares.sum()


def _closed_years(counts: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    cumulative = np.concatenate(
        [np.zeros((*counts.shape[:-1], 1)), np.cumsum(counts[..., :-1], axis=-1)], axis=-1
    )
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        # Tiny slopes overflow inside scipy's harmonic mean; the result is still finite.
        curve = PchipInterpolator(bounds, cumulative, axis=-1)
        at_years = curve(np.arange(0, bounds[-1] + 1))
    years = np.maximum(np.diff(at_years, axis=-1), 0.0)
    group = np.searchsorted(bounds, np.arange(bounds[-1]), side="right") - 1
    for j in range(bounds.size - 1):
        members = group == j
        total = years[..., members].sum(axis=-1, keepdims=True)
        share = np.divide(
            years[..., members], total, out=np.zeros_like(years[..., members]), where=total > 0
        )
        even = np.full_like(share, 1 / members.sum())
        share = np.where(total > 0, share, even)
        years[..., members] = share * counts[..., j : j + 1]
    return years


def split_age_groups(
    counts: np.ndarray,
    lower_bounds: Sequence[int] = GENESIS_17_BOUNDS,
    *,
    open_to: int = 100,
    tail_hazard: float = 0.035,
    tail_growth: float = 0.11,
) -> np.ndarray:
    """Return single-year counts 0..open_to-1 and open_to+ (last axis) from grouped counts.

    `counts` has the groups on its last axis, `lower_bounds` their lower ages (the last
    group is open and must start below `open_to`). Raises ValueError on negative counts.
    """
    counts = np.asarray(counts, dtype=float)
    bounds = np.asarray(lower_bounds, dtype=float)
    if counts.shape[-1] != bounds.size:
        raise ValueError(f"{counts.shape[-1]} groups but {bounds.size} lower bounds")
    if bounds[0] != 0 or np.any(np.diff(bounds) <= 0) or bounds[-1] >= open_to:
        raise ValueError("lower bounds must start at 0, increase and end below open_to")
    if np.any(counts < 0):
        raise ValueError("grouped counts must not be negative")
    tail = gompertz_tail(int(bounds[-1]), open_to, hazard=tail_hazard, growth=tail_growth)
    closed = _closed_years(counts, bounds) if bounds.size > 1 else counts[..., :0]
    return np.concatenate([closed, counts[..., -1:] * tail], axis=-1)


def group_sums(single_years: np.ndarray, lower_bounds: Sequence[int]) -> np.ndarray:
    """Sum single-year counts (last axis from age 0) back into groups with these lower bounds."""
    return np.add.reduceat(single_years, np.asarray(lower_bounds, dtype=int), axis=-1)
