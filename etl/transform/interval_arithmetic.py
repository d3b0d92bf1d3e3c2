"""Interval arithmetic over published cells: the bounds a visitor can derive (pure functions).

One engine for every derived figure that has a suppressed part: the indicators and custom
regions of the dashboard, and anyone reasoning about what the public side can compute. An
interval is a frame (or anything with columns) `lo` and `hi`, one row per quantity; NaN
means "no bound on that side" (a suppressed count is at least 1 and, without a published
total around it, has no upper bound). Every operation returns an interval that contains the
true result whenever its inputs contain the true operands (tests/transform/
test_interval_arithmetic.py checks this with hypothesis).

Not the attacker's best bounds: those come from the LP over all relations
(`etl.privacy.intervals`). These are the cheap, always valid ones the dashboard shows.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

SUPPRESSED_LOWER = 1.0  # a suppressed cell holds at least one person (zeros are published)


def interval(lo: object, hi: object, index: pd.Index | None = None) -> pd.DataFrame:
    """An interval frame from bounds (Series, arrays or scalars)."""
    return pd.DataFrame({"lo": lo, "hi": hi}, index=index)


def of_cells(value: pd.Series, known: pd.Series) -> pd.DataFrame:
    """[v, v] for a known (published or zero) cell, [1, open) for any other cell."""
    return interval(value.where(known, SUPPRESSED_LOWER), value.where(known))


def partition_sum(
    chosen_known: pd.Series,
    chosen_hidden: pd.Series,
    rest_known: pd.Series,
    rest_hidden: pd.Series,
    total: pd.Series,
) -> pd.DataFrame:
    """Bounds of the sum of chosen parts that, with the rest, partition a published `total`.

    `*_known` is the sum of the known values, `*_hidden` the number of suppressed cells on
    each side. lo = known chosen + 1 per hidden chosen cell; hi = total - known rest - 1 per
    hidden rest cell (open where the total is not published). Exact (hi = lo) when no chosen
    cell is hidden.
    """
    lo = chosen_known + chosen_hidden
    hi = (total - rest_known - rest_hidden).where(chosen_hidden > 0, lo)
    return interval(lo, hi)


def add(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """[a.lo + b.lo, a.hi + b.hi]."""
    return interval(a["lo"] + b["lo"], a["hi"] + b["hi"])


def subtract(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """[a.lo - b.hi, a.hi - b.lo]: an open upper bound of b opens the lower bound."""
    return interval(a["lo"] - b["hi"], a["hi"] - b["lo"])


def divide(num: pd.DataFrame, den: pd.DataFrame, scale: float = 1.0) -> pd.DataFrame:
    """num / den * scale for a positive denominator (den.lo > 0; NaN rows elsewhere).

    A non-negative end of num is divided by the far end of den, a negative end by the near
    one, so the result holds for numerators of either sign.
    """
    positive = den["lo"] > 0
    lo = np.where(num["lo"] >= 0, num["lo"] / den["hi"], num["lo"] / den["lo"])
    hi = np.where(num["hi"] >= 0, num["hi"] / den["lo"], num["hi"] / den["hi"])
    return interval(
        pd.Series(lo * scale, index=num.index).where(positive),
        pd.Series(hi * scale, index=num.index).where(positive),
    )


def grouped_sum(intervals: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """Sum of the intervals per group of `keys`; a group's hi is open if any member's is."""
    # Counting open ends per group is vectorised; a per-group lambda cost seconds per region.
    frame = intervals.assign(hi_open=intervals["hi"].isna().astype(int))
    grouped = frame.groupby(list(keys), dropna=False)
    summed = grouped[["lo", "hi", "hi_open"]].sum()
    summed["hi"] = summed["hi"].where(summed.pop("hi_open") == 0)
    return summed


def total(intervals: pd.DataFrame) -> tuple[float, float]:
    """(lo, hi) of the sum of all rows; hi is NaN (open) if any row's is."""
    return float(intervals["lo"].sum()), float(intervals["hi"].sum(min_count=len(intervals)))
