"""Life tables from deaths and exposures, and survival ratios for projection steps.

The core works on numpy arrays whose last axis is age, so one call computes the
tables of thousands of areas and both sexes at once.

a0 rule (documented in docs/projection.md):
- first group of width 1: Andreev & Kingkade (2015), piecewise linear in m0, by sex;
- group 1-4 after a group 0-1: Coale & Demeny as given by Preston et al. (2001), Table 3.3;
- every other closed group: a = n/2; open group: L = l/m (a = 1/m);
- sex "total": mean of the female and the male rule.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

LIFE_TABLE_COLUMNS = ("age", "mx", "qx", "ax", "lx", "dx", "Lx", "Tx", "ex")
SEX_RULES = ("female", "male", "total")

# Andreev-Kingkade: (m0 breakpoints, intercepts, slopes) per segment.
_AK_A0 = {
    "male": ((0.02300, 0.08307), ((0.14929, -1.99545), (0.02832, 3.26201), (0.29915, 0.0))),
    "female": ((0.01724, 0.06891), ((0.14903, -2.05527), (0.04667, 3.88089), (0.31411, 0.0))),
}
# Coale-Demeny 4a1 (Preston et al. Table 3.3, m0-based): (threshold, high value, a, b).
_CD_4A1 = {"male": (0.107, 1.352, 1.651, -2.816), "female": (0.107, 1.361, 1.522, -1.518)}


@dataclass(frozen=True)
class LifeTableArrays:
    """Columns of life tables as arrays, age on the last axis."""

    mx: np.ndarray
    qx: np.ndarray
    ax: np.ndarray
    lx: np.ndarray
    dx: np.ndarray
    Lx: np.ndarray
    Tx: np.ndarray
    ex: np.ndarray


def andreev_kingkade_a0(m0: np.ndarray | float, sex: str) -> np.ndarray:
    """Return 1a0 from the infant death rate m0 by the Andreev-Kingkade rule."""
    m0 = np.asarray(m0, dtype=float)
    if sex == "total":
        return (andreev_kingkade_a0(m0, "female") + andreev_kingkade_a0(m0, "male")) / 2
    (low, high), segments = _AK_A0[_check_sex(sex)]
    (i1, s1), (i2, s2), (i3, s3) = segments
    return np.where(m0 < low, i1 + s1 * m0, np.where(m0 < high, i2 + s2 * m0, i3 + s3 * m0))


def coale_demeny_4a1(m0: np.ndarray | float, sex: str) -> np.ndarray:
    """Return 4a1 from the infant death rate m0 by the Coale-Demeny rule."""
    m0 = np.asarray(m0, dtype=float)
    if sex == "total":
        return (coale_demeny_4a1(m0, "female") + coale_demeny_4a1(m0, "male")) / 2
    threshold, high, a, b = _CD_4A1[_check_sex(sex)]
    return np.where(m0 >= threshold, high, a + b * m0)


def _check_sex(sex: str) -> str:
    if sex not in SEX_RULES:
        raise ValueError(f"sex must be one of {SEX_RULES}, got {sex!r}")
    return sex


def default_ax(mx: np.ndarray, widths: np.ndarray, sex: str) -> np.ndarray:
    """Return the average years lived in the interval by those dying in it (a0 rule above)."""
    mx = np.asarray(mx, dtype=float)
    widths = np.asarray(widths, dtype=float)
    ax = np.broadcast_to(widths / 2, mx.shape).copy()
    ax[..., -1] = 1 / np.maximum(mx[..., -1], 1e-300)
    if widths.size > 1 and widths[0] == 1:
        ax[..., 0] = andreev_kingkade_a0(mx[..., 0], sex)
        if widths.size > 2 and widths[1] == 4:
            ax[..., 1] = coale_demeny_4a1(mx[..., 0], sex)
    return ax


def life_table_arrays(
    mx: np.ndarray, widths: np.ndarray, ax: np.ndarray, radix: float = 1.0
) -> LifeTableArrays:
    """Compute life tables from death rates; the last age group is open (its width ignored)."""
    mx = np.asarray(mx, dtype=float)
    n = np.asarray(widths, dtype=float).copy()
    n[-1] = 0.0
    qx = np.ones(np.broadcast_shapes(mx.shape, np.shape(ax)))
    closed_n, closed_m = n[:-1], mx[..., :-1]
    qx[..., :-1] = closed_n * closed_m / (1 + (closed_n - ax[..., :-1]) * closed_m)
    qx = np.clip(qx, 0.0, 1.0)
    survivors = np.cumprod(1 - qx, axis=-1)
    lx = radix * np.concatenate([np.ones_like(qx[..., :1]), survivors[..., :-1]], axis=-1)
    dx = lx * qx
    next_lx = lx - dx
    Lx = n * next_lx + ax * dx
    Lx[..., -1] = lx[..., -1] / np.maximum(mx[..., -1], 1e-300)
    Tx = np.flip(np.cumsum(np.flip(Lx, axis=-1), axis=-1), axis=-1)
    ex = np.divide(Tx, lx, out=np.zeros_like(Tx), where=lx > 0)
    return LifeTableArrays(mx, qx, ax, lx, dx, Lx, Tx, ex)


def life_table(
    ages: np.ndarray,
    widths: np.ndarray,
    deaths: np.ndarray,
    exposure: np.ndarray,
    *,
    sex: str = "total",
    ax: np.ndarray | None = None,
    radix: float = 100_000,
) -> pd.DataFrame:
    """Return a life table (columns age, mx, qx, ax, lx, dx, Lx, Tx, ex) from deaths and exposure.

    `ax` may hold NaN where the default rule should apply. Raises ValueError on a
    non-positive exposure or a zero death rate in the open group.
    """
    exposure = np.asarray(exposure, dtype=float)
    if np.any(exposure <= 0):
        raise ValueError("exposure (population) must be positive in every age group")
    mx = np.asarray(deaths, dtype=float) / exposure
    if mx[-1] <= 0:
        raise ValueError("the open age group needs deaths > 0 (its L is l/m)")
    chosen_ax = default_ax(mx, widths, sex)
    if ax is not None:
        given = np.asarray(ax, dtype=float)
        chosen_ax = np.where(np.isnan(given), chosen_ax, given)
    table = life_table_arrays(mx, widths, chosen_ax, radix)
    columns = {name: getattr(table, name) for name in LIFE_TABLE_COLUMNS[1:]}
    return pd.DataFrame({"age": np.asarray(ages), **columns})


def survival_ratios(table: pd.DataFrame, step: int, open_age: int) -> pd.DataFrame:
    """Return projection survival ratios (age, survival) for `step`-year groups up to `open_age`.

    Row 0 is births to the first group (zL0 / (z l0)), row x the group x-z to x
    (zLx / zLx-z), the last row the open group applied to the last two groups
    (T_A / T_A-z). Life-table ages must fall on the group boundaries.
    """
    ages = table["age"].to_numpy()
    boundaries = np.arange(0, open_age + step, step)
    if not set(boundaries).issubset(set(ages.tolist())):
        raise ValueError(f"life table ages must include every multiple of {step} up to {open_age}")
    group = np.minimum(ages // step, open_age // step)
    grouped_L = pd.Series(table["Lx"].to_numpy()).groupby(group).sum().to_numpy(copy=True)
    T_open = float(table.loc[table["age"] == open_age, "Tx"].iloc[0])
    grouped_L[-1] = T_open
    l0 = float(table["lx"].iloc[0])
    survival = np.empty(boundaries.size)
    survival[0] = grouped_L[0] / (step * l0)
    survival[1:-1] = grouped_L[1:-1] / grouped_L[:-2]
    survival[-1] = T_open / (grouped_L[-2] + T_open)
    return pd.DataFrame({"age": boundaries, "survival": survival})


def survival_from_L(Lx: np.ndarray, Tx: np.ndarray, lx: np.ndarray, step: int) -> np.ndarray:
    """Survival ratios from arrays already in projection groups (age on the last axis)."""
    survival = np.empty_like(Lx)
    survival[..., 0] = Lx[..., 0] / (step * lx[..., 0])
    survival[..., 1:-1] = Lx[..., 1:-1] / np.maximum(Lx[..., :-2], 1e-300)
    survival[..., -1] = Tx[..., -1] / np.maximum(Tx[..., -2], 1e-300)
    return survival
