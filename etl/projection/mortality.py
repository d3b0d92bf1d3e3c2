"""Fast single-year survival ratios and mortality scaling for life-expectancy targets.

With single years the survival ratios need no cumulative products: with a = 1/2
above age 0, S_x = L_x / L_x-1 depends only on q_x-1 and q_x, so thousands of
areas are handled with a few element-wise operations.
"""

from __future__ import annotations

import numpy as np

from etl.projection.engine import SEXES
from etl.projection.lifetable import andreev_kingkade_a0, life_table_arrays

_TINY = 1e-12


def _a0(mx: np.ndarray) -> np.ndarray:
    """1a0 by sex for arrays with the sex axis second to last (0 female, 1 male)."""
    return np.stack(
        [andreev_kingkade_a0(mx[..., i, 0], sex) for i, sex in enumerate(SEXES)], axis=-1
    )


def single_year_survival(mx: np.ndarray) -> np.ndarray:
    """Projection survival ratios (.., sex, age) for one-year steps and single years of age.

    Row 0: L0 / l0; row x: Lx / Lx-1; last row: T_A / T_A-1 (open group L = l/m).
    Equal to survival_from_L(life_table_arrays(...)) with a = 1/2 above age 0. With
    a = 1/2, 1 - q = (2 - m) / (2 + m) and L / l = 2 / (2 + m), so for x >= 2
    S_x = (2 - m_x-1) / (2 + m_x); rates above 2 (q = 1) are capped at 2, which is exact.
    """
    mx = np.asarray(mx, dtype=float)
    if mx.max(initial=0.0) > 2.0:
        mx = np.minimum(mx, 2.0)
    survival = np.add(mx, 2.0)
    np.divide(2.0 - mx[..., 1:-2], survival[..., 2:-1], out=survival[..., 2:-1])
    m0, m1, last_closed, m_open = mx[..., 0], mx[..., 1], mx[..., -2], mx[..., -1]
    a0 = _a0(mx)
    q0 = np.minimum(m0 / (1 + (1 - a0) * m0), 1.0)
    person_years_0 = 1 - (1 - a0) * q0  # L0 / l0
    survival[..., 0] = person_years_0
    survival[..., 1] = (1 - q0) * 2 / (2 + m1) / np.maximum(person_years_0, _TINY)
    survivors_open = (2 - last_closed) / (2 + last_closed)  # l_A / l_A-1
    open_years = survivors_open / np.maximum(m_open, _TINY)
    survival[..., -1] = open_years / (2 / (2 + last_closed) + open_years)
    return survival


def life_expectancy(mx: np.ndarray) -> np.ndarray:
    """e0 for single-year death rates (.., sex, age) with the a0 rule by sex."""
    widths = np.ones(mx.shape[-1])
    ax = np.broadcast_to(0.5, mx.shape).copy()
    ax[..., 0] = _a0(mx)
    ax[..., -1] = 1 / np.maximum(mx[..., -1], _TINY)
    return life_table_arrays(mx, widths, ax).ex[..., 0]


def mortality_factors(reference_mx: np.ndarray, gains: np.ndarray) -> np.ndarray:
    """Factors k (gains.., sex) such that e0(k * reference_mx) = e0(reference_mx) + gain.

    Vectorised bisection on log k; gains may be negative (losses).
    """
    gains = np.asarray(gains, dtype=float)
    base = life_expectancy(reference_mx)
    target = base + gains[..., None]
    low = np.full(target.shape, -8.0)
    high = np.full(target.shape, 3.0)
    for _ in range(60):
        middle = (low + high) / 2
        e0 = life_expectancy(np.exp(middle)[..., None] * reference_mx)
        too_high_mortality = e0 < target
        high = np.where(too_high_mortality, middle, high)
        low = np.where(too_high_mortality, low, middle)
    return np.exp((low + high) / 2)
