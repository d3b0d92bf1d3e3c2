"""Protection rules shared by protection and audit: primary cells, distances, targets."""

from __future__ import annotations

import numpy as np

# LP answers are floating point: a bound counts as reached within this tolerance.
TOLERANCE = 1e-6


def primary_mask(values: np.ndarray, forced: np.ndarray, min_count: int) -> np.ndarray:
    """Cells with 1 <= n < k, plus the cells the input forces primary (never zeros)."""
    return ((values >= 1) & (values < min_count)) | (forced & (values > 0))


def protection_distance(values: np.ndarray, protection: float) -> np.ndarray:
    """d(x) = max(1, ceil(p * x)); rounding first so that 0.3 * 10 gives 3, not 4."""
    scaled = np.round(protection * values.astype(np.float64), 9)
    return np.maximum(1.0, np.ceil(scaled))


def interval_targets(
    values: np.ndarray, primary: np.ndarray, protection: float, lower_bound: float
) -> tuple[np.ndarray, np.ndarray]:
    """Required upper and lower reach per cell: x + d and max(lb, x - d) for primaries.

    Other cells get the value itself on both sides (no requirement beyond not being exact).
    """
    x = values.astype(np.float64)
    distance = protection_distance(values, protection)
    upper = np.where(primary, x + distance, x)
    lower = np.where(primary, np.maximum(lower_bound, x - distance), x)
    return upper, lower
