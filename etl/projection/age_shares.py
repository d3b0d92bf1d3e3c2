"""Age groups of a forecast: the base age structure aged year by year, scaled to the total.

Per area (rows of a matrix), the grouped counts are split into single years
(`etl.projection.ungroup.split_age_groups`), then each year every age moves up by one, a
standard Gompertz mortality removes deaths, births enter at age 0 at the area's crude birth
rate, and the result is scaled to the forecast total (so net migration and any error in the
assumed mortality are spread in proportion to the age structure). The regrouped shares times
the total give the age groups. Compared with keeping the base shares, this carries the
cohorts forward: the baby boomers move into the older groups, small cohorts into school age.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from etl.projection.ungroup import group_sums, split_age_groups

OPEN_TO = 100
# Gompertz hazard close to German period mortality around 2010 (both sexes): about 1 % at 60,
# 7 % at 80, 18 % at 90.
GOMPERTZ_LEVEL = float(np.exp(-10.2))
GOMPERTZ_GROWTH = 0.094


def survival(ages: np.ndarray) -> np.ndarray:
    """One-year survival probability at each age (Gompertz hazard, capped)."""
    hazard = np.minimum(GOMPERTZ_LEVEL * np.exp(GOMPERTZ_GROWTH * ages), 2.0)
    return np.exp(-hazard)


def age_one_year(single: np.ndarray, birth_rate: np.ndarray) -> np.ndarray:
    """Single-year counts (rows: areas, ages 0..OPEN_TO with OPEN_TO+ last) one year later."""
    ages = np.arange(single.shape[-1], dtype=float)
    survivors = single * survival(ages)
    aged = np.zeros_like(single)
    aged[:, 1:] = survivors[:, :-1]
    aged[:, -1] += survivors[:, -1]
    aged[:, 0] = birth_rate * single.sum(axis=1)
    return aged


def project_age_groups(
    counts: np.ndarray,
    lower_bounds: Sequence[int],
    totals: np.ndarray,
    birth_rate: np.ndarray,
    years_before: float = 0.0,
) -> np.ndarray:
    """Grouped counts per area (rows) and forecast year (first axis): shape (H, n, groups).

    `totals` (H, n) holds the forecast totals; `years_before` ages the base structure that
    many years up to the base date (a census date before the base year; a fraction of a
    year interpolates linearly between whole years).
    """
    counts = np.asarray(counts, dtype=float)
    totals = np.asarray(totals, dtype=float)
    single = split_age_groups(counts, lower_bounds, open_to=OPEN_TO)
    whole, fraction = int(years_before), years_before - int(years_before)
    for _ in range(whole):
        single = age_one_year(single, birth_rate)
    if fraction > 0:
        single = (1 - fraction) * single + fraction * age_one_year(single, birth_rate)
    result = np.empty((totals.shape[0], *counts.shape))
    for step in range(totals.shape[0]):
        single = age_one_year(single, birth_rate)
        size = single.sum(axis=1, keepdims=True)
        shares = np.divide(single, size, out=np.zeros_like(single), where=size > 0)
        single = shares * totals[step][:, None]
        result[step] = group_sums(single, lower_bounds)
    return result


def keep_shares(counts: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Baseline: the base age shares times the forecast totals, shape (H, n, groups)."""
    counts = np.asarray(counts, dtype=float)
    size = counts.sum(axis=1, keepdims=True)
    shares = np.divide(counts, size, out=np.zeros_like(counts), where=size > 0)
    return np.asarray(totals, dtype=float)[:, :, None] * shares[None, :, :]
