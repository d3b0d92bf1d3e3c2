"""Cohort-component projection on arrays shaped (areas, sex, age groups).

Sex axis: 0 = female, 1 = male. Age groups have the width of the step, the last
group is open. Nothing is rounded here; rounding is for display and publication.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np

SEXES = ("female", "male")
FEMALE, MALE = 0, 1
Timing = Literal["even", "end"]
TIMINGS = ("even", "end")


class Migration(Protocol):
    """Anything that gives the net migrants of one step for a population (areas, sex, age)."""

    def counts(self, population: np.ndarray, step: int) -> np.ndarray: ...


@dataclass(frozen=True)
class NetMigration:
    """Net migrants per step as counts (areas, sex, age)."""

    net: np.ndarray

    def counts(self, population: np.ndarray, step: int) -> np.ndarray:
        return np.broadcast_to(self.net, population.shape)


@dataclass(frozen=True)
class MigrationRates:
    """Annual net migration rates per person, applied to the population at the start."""

    rates: np.ndarray

    def counts(self, population: np.ndarray, step: int) -> np.ndarray:
        counts = self.rates * population
        if step != 1:
            counts *= step
        return counts


@dataclass(frozen=True)
class GrossMigration:
    """Gross flows: out-migration rates times population; in-migrants spread by a profile.

    `out_rates` are annual per person (areas|1, sex, age), `in_total` annual in-migrants
    per area (areas,), `in_profile` the age-sex distribution of in-migrants (sums to 1).
    """

    out_rates: np.ndarray
    in_total: np.ndarray
    in_profile: np.ndarray

    def counts(self, population: np.ndarray, step: int) -> np.ndarray:
        arrivals = np.asarray(self.in_total, dtype=float)[:, None, None] * self.in_profile
        return step * (arrivals - self.out_rates * population)


@dataclass(frozen=True)
class StepInputs:
    """Assumptions of one step: survival (areas|1, sex, age), annual fertility (areas|1, age)."""

    survival: np.ndarray
    fertility: np.ndarray
    migration: Migration


@dataclass(frozen=True)
class StepResult:
    """Population after one step and its components by area and sex (areas, sex)."""

    population: np.ndarray
    births: np.ndarray
    deaths: np.ndarray
    net_migration: np.ndarray
    floored: np.ndarray


@dataclass(frozen=True)
class Projection:
    """Populations (steps + 1, areas, sex, age) with the base; components (steps, areas, sex)."""

    population: np.ndarray
    births: np.ndarray
    deaths: np.ndarray
    net_migration: np.ndarray
    floored: np.ndarray


def _survive(start: np.ndarray, survival: np.ndarray) -> np.ndarray:
    """Survivors at the end of the step; the open group also takes the group below it."""
    survived = np.empty_like(start)
    survived[..., 0] = 0.0
    np.multiply(start[..., :-1], survival[..., 1:], out=survived[..., 1:])
    survived[..., -1] += start[..., -1] * survival[..., -1]
    return survived


def _births(start: np.ndarray, end: np.ndarray, fertility: np.ndarray, step: int) -> np.ndarray:
    """step * sum_x f_x (start_x + end_x) / 2 over the female groups with f_x > 0."""
    fertile = np.flatnonzero(np.any(fertility != 0, axis=tuple(range(fertility.ndim - 1))))
    if fertile.size == 0:
        return np.zeros(start.shape[0])
    low, high = fertile[0], fertile[-1] + 1
    mothers = start[:, FEMALE, low:high] + end[:, FEMALE, low:high]
    return step / 2 * np.sum(fertility[..., low:high] * mothers, axis=-1)


def project_step(
    population: np.ndarray,
    inputs: StepInputs,
    *,
    step: int,
    srb: float | np.ndarray = 1.05,
    timing: Timing = "even",
) -> StepResult:
    """Advance a population (areas, sex, age) by one step of `step` years.

    Timing "even": half of the migrants join before survival, half after; "end":
    all migrants join after survival and births. Negative cells are floored at
    zero; the amount added is reported in `floored` and counted as migration.
    """
    if timing not in TIMINGS:
        raise ValueError(f"timing must be one of {TIMINGS}, got {timing!r}")
    migration = np.asarray(inputs.migration.counts(population, step), dtype=float)
    after = migration * 0.5 if timing == "even" else migration
    start = population + after if timing == "even" else population
    new = _survive(start, inputs.survival)
    survivors = new.sum(axis=-1)
    if timing == "even":
        new += after
    total_births = _births(start, new, inputs.fertility, step)
    if timing == "end":
        new += after
    ratio = np.asarray(srb, dtype=float)
    # B_m = B * SRB / (1 + SRB) rather than B - B_f: identical sexes stay identical.
    births = np.stack([total_births / (1 + ratio), total_births * ratio / (1 + ratio)], axis=1)
    survival_0 = np.broadcast_to(inputs.survival[..., 0], births.shape)
    new[..., 0] += births * survival_0
    deaths = start.sum(axis=-1) - survivors + births * (1 - survival_0)
    floored = np.zeros_like(births)
    if new.min(initial=0.0) < 0:
        floored_cells = np.maximum(-new, 0.0)
        new += floored_cells
        floored = floored_cells.sum(axis=-1)
    return StepResult(new, births, deaths, migration.sum(axis=-1) + floored, floored)


def project(
    population: np.ndarray,
    inputs: Sequence[StepInputs] | Callable[[int, np.ndarray], StepInputs],
    *,
    steps: int,
    step: int,
    srb: float | np.ndarray = 1.05,
    timing: Timing = "even",
) -> Projection:
    """Project `steps` steps; `inputs` is one StepInputs per step or a function (k, population)."""
    current = np.asarray(population, dtype=float)
    if current.ndim != 3 or current.shape[1] != 2:
        raise ValueError(f"population must be shaped (areas, 2, ages), got {current.shape}")
    populations, results = [current], []
    for k in range(steps):
        step_inputs = inputs(k, current) if callable(inputs) else inputs[k]
        result = project_step(current, step_inputs, step=step, srb=srb, timing=timing)
        current = result.population
        populations.append(current)
        results.append(result)
    return Projection(
        np.stack(populations),
        *(
            np.stack([getattr(r, name) for r in results])
            if results
            else np.zeros((0, *current.shape[:2]))
            for name in ("births", "deaths", "net_migration", "floored")
        ),
    )
