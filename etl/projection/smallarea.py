"""Hamilton-Perry projections for small areas and control (raking) to a reference.

Cohort change ratios CCR_x = P_x(t) / P_x-z(t-z) carry every component at once;
children below z come from child-woman ratios (children of age x per woman 15-49).
Where a ratio cannot be computed (empty cohort) the reference ratio is used.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from etl.projection.engine import FEMALE


@dataclass(frozen=True)
class HamiltonPerryRatios:
    """Cohort change ratios (areas, sex, age) and child-woman ratios (areas, sex, age < z)."""

    step: int
    ccr: np.ndarray
    cwr: np.ndarray


def _women(population: np.ndarray, low: int = 15, high: int = 50) -> np.ndarray:
    return population[:, FEMALE, low:high].sum(axis=-1)


def _raw_ratios(earlier: np.ndarray, later: np.ndarray, step: int) -> tuple[np.ndarray, ...]:
    ages = earlier.shape[-1]
    base = np.zeros_like(earlier)
    base[..., step:] = earlier[..., : ages - step]
    base[..., -1] = earlier[..., ages - 1 - step :].sum(axis=-1)
    women = _women(later)[:, None, None]
    return later, base, later[..., :step], np.broadcast_to(women, later[..., :step].shape)


def _divide(top: np.ndarray, bottom: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    safe = np.divide(top, bottom, out=np.zeros_like(top), where=bottom > 0)
    return np.where(bottom > 0, safe, fallback)


def hamilton_perry_ratios(earlier: np.ndarray, later: np.ndarray, step: int) -> HamiltonPerryRatios:
    """Ratios from two populations (areas, sex, single ages) `step` years apart."""
    later_ccr, base, children, women = _raw_ratios(earlier, later, step)
    total = _raw_ratios(earlier.sum(0, keepdims=True), later.sum(0, keepdims=True), step)
    reference_ccr = _divide(total[0], total[1], np.zeros_like(total[0]))
    reference_cwr = _divide(total[2], total[3], np.zeros_like(total[2]))
    ccr = _divide(later_ccr, base, np.broadcast_to(reference_ccr, base.shape))
    ccr[..., :step] = 0.0
    cwr = _divide(children, women, np.broadcast_to(reference_cwr, children.shape))
    return HamiltonPerryRatios(step, ccr, cwr)


def hamilton_perry(latest: np.ndarray, ratios: HamiltonPerryRatios, steps: int) -> np.ndarray:
    """Project (steps + 1, areas, sex, age) in steps of `ratios.step` years."""
    z = ratios.step
    populations = [np.asarray(latest, dtype=float)]
    for _ in range(steps):
        current = populations[-1]
        aged = np.zeros_like(current)
        aged[..., z:] = current[..., :-z]
        aged[..., -1] = current[..., -1 - z :].sum(axis=-1)
        new = aged * ratios.ccr
        new[..., :z] = ratios.cwr * _women(new)[:, None, None]
        populations.append(new)
    return np.stack(populations)


def control_to_total(projected: np.ndarray, control: np.ndarray) -> np.ndarray:
    """Scale areas (first axis) so that their sum equals `control` cell by cell.

    `control` has the shape of one area (e.g. sex, age) or is a scalar total. Cells
    whose areas sum to zero stay zero. This is one-dimensional raking.
    """
    projected = np.asarray(projected, dtype=float)
    control = np.asarray(control, dtype=float)
    summed = projected.sum(axis=0) if control.ndim else projected.sum()
    factor = np.divide(control, summed, out=np.ones_like(summed * 1.0), where=summed > 0)
    return projected * factor


def small_areas(population: np.ndarray, threshold: float) -> np.ndarray:
    """Mask (areas,) of areas whose total population is below `threshold`."""
    return np.asarray(population, dtype=float).sum(axis=(1, 2)) < threshold


def project_small_areas(
    earlier: np.ndarray,
    later: np.ndarray,
    step: int,
    steps: int,
    control: np.ndarray | None = None,
) -> np.ndarray:
    """Hamilton-Perry projection (steps + 1, areas, sex, age) from `later`, optionally controlled.

    `control` (steps + 1, sex, age), e.g. the cohort-component projection of the
    reference minus that of the larger areas at the same years, is met exactly
    from step 1 on (the base stays as observed).
    """
    projected = hamilton_perry(later, hamilton_perry_ratios(earlier, later, step), steps)
    if control is not None:
        for k in range(1, steps + 1):
            projected[k] = control_to_total(projected[k], control[k])
    return projected
