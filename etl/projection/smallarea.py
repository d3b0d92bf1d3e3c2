"""Hamilton-Perry projections for small areas and control (raking) to a reference.

Cohort change ratios CCR_x = P_x(t) / P_x-z(t-z) carry every component at once;
children below z come from child-woman ratios (children of age x per woman 15-49).
Where a ratio cannot be computed (empty cohort) the reference ratio is used.

`project_areas_routed` projects every area by cohort components and then re-projects
the areas below a population threshold by Hamilton-Perry whenever their age structure at
an earlier date is known, controlled to the cohort-component sum of those small areas
in their control group (the Kreis): group totals stay exactly as the cohort-component
method has them, Hamilton-Perry only decides how they split among the small areas.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from etl.projection.area import AreaProjection, project_areas, with_age_groups
from etl.projection.assumptions import Assumptions
from etl.projection.engine import FEMALE
from etl.projection.scenarios import Scenario


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


# Bounds of the ratios: a cohort of 2 that became 9 must not multiply every later cohort by
# 4.5 each step (tiny cohorts are noise, and the ratios compound from step to step); real
# populations reach about 2 where cohort sizes differ (baby boom against its echo).
MAX_CCR = 3.0
MAX_CWR = 1.0


def hamilton_perry_ratios(earlier: np.ndarray, later: np.ndarray, step: int) -> HamiltonPerryRatios:
    """Ratios from two populations (areas, sex, single ages) `step` years apart.

    Cohort change ratios are bounded by MAX_CCR, child-woman ratios by MAX_CWR.
    """
    later_ccr, base, children, women = _raw_ratios(earlier, later, step)
    total = _raw_ratios(earlier.sum(0, keepdims=True), later.sum(0, keepdims=True), step)
    reference_ccr = _divide(total[0], total[1], np.zeros_like(total[0]))
    reference_cwr = _divide(total[2], total[3], np.zeros_like(total[2]))
    ccr = _divide(later_ccr, base, np.broadcast_to(reference_ccr, base.shape))
    ccr[..., :step] = 0.0
    cwr = _divide(children, women, np.broadcast_to(reference_cwr, children.shape))
    return HamiltonPerryRatios(step, np.minimum(ccr, MAX_CCR), np.minimum(cwr, MAX_CWR))


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


def hamilton_perry_years(
    earlier: np.ndarray, latest: np.ndarray, step: int, years: int
) -> np.ndarray:
    """Hamilton-Perry populations (years + 1, areas, sex, age) for every calendar year.

    The method moves in steps of `step` years; years in between are interpolated
    linearly between the neighbouring steps (the base year is `latest` itself).
    """
    steps = -(-years // step)
    projected = hamilton_perry(latest, hamilton_perry_ratios(earlier, latest, step), steps)
    position = np.arange(years + 1) / step
    lower = np.floor(position).astype(int)
    upper = np.minimum(lower + 1, steps)
    weight = (position - lower)[:, None, None, None]
    return projected[lower] * (1 - weight) + projected[upper] * weight


def _route_group(
    projection: AreaProjection, hp: np.ndarray, members: np.ndarray, local: np.ndarray
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Population and components of one control group's small areas after routing."""
    cc = projection.population[:, :, members]  # (scenarios, years + 1, m, sex, age)
    control = cc.sum(axis=2, keepdims=True)
    fallback = np.divide(cc, control, out=np.zeros_like(cc), where=control > 0)
    hp_group = np.broadcast_to(hp[None, :, local], cc.shape)
    hp_total = hp_group.sum(axis=2, keepdims=True)
    shares = np.divide(hp_group, hp_total, out=fallback.copy(), where=hp_total > 0)
    routed = shares * control
    routed[:, 0] = cc[:, 0]
    by_sex = routed[:, 1:].sum(axis=-1)  # (scenarios, years, m, sex)
    weight = np.divide(
        by_sex,
        by_sex.sum(axis=2, keepdims=True),
        out=np.zeros_like(by_sex),
        where=by_sex.sum(axis=2, keepdims=True) > 0,
    )
    components = [
        getattr(projection, name)[:, :, members].sum(axis=2, keepdims=True) * weight
        for name in ("births", "deaths", "net_migration")
    ]
    return routed, components


def route_small_areas(
    projection: AreaProjection,
    earlier: np.ndarray,
    groups: Sequence[str],
    *,
    threshold: float,
    step: int,
) -> AreaProjection:
    """Re-project the areas below `threshold` by Hamilton-Perry, controlled to their group.

    `projection` holds single years of age; `earlier` is the population (areas, sex, age)
    `step` years before the base year; `groups` names each area's control group. The
    components of routed areas are the group's components split by population share.
    """
    latest = projection.population[0, 0]
    if earlier.shape != latest.shape:
        raise ValueError(f"earlier population {earlier.shape} must match {latest.shape}")
    small = small_areas(latest, threshold)
    if not small.any():
        return projection
    years = len(projection.years) - 1
    small_index = np.flatnonzero(small)
    hp = hamilton_perry_years(earlier[small], latest[small], step, years)
    population = projection.population.copy()
    components = {n: getattr(projection, n).copy() for n in ("births", "deaths", "net_migration")}
    group_of = np.asarray(list(groups), dtype=object)
    for group in sorted(set(group_of[small_index])):
        members = small_index[group_of[small_index] == group]
        local = np.searchsorted(small_index, members)
        routed, parts = _route_group(projection, hp, members, local)
        population[:, :, members] = routed
        for name, part in zip(components, parts, strict=True):
            components[name][:, :, members] = part
    return dataclasses.replace(
        projection,
        population=population,
        **components,
        routed=tuple(projection.areas[i] for i in small_index),
    )


def project_areas_routed(
    population: np.ndarray,
    assumptions: Assumptions,
    scenarios: Sequence[Scenario],
    years: int,
    *,
    earlier: np.ndarray | None = None,
    step: int = 5,
    groups: Sequence[str] | None = None,
    threshold: float = 1_000,
    base_year: int = 0,
    age_groups: Sequence[int] | None = None,
) -> AreaProjection:
    """`project_areas` with small areas routed to Hamilton-Perry when `earlier` is given.

    Areas below `threshold` inhabitants at the base year are re-projected by
    Hamilton-Perry from `earlier` (the population `step` years before the base year),
    controlled to the cohort-component total of the small areas of their group
    (`groups`, e.g. the Kreis of each area; one group when None). Without `earlier` the
    result equals `project_areas`.
    """
    result = project_areas(population, assumptions, scenarios, years, base_year=base_year)
    if earlier is not None:
        labels = list(groups) if groups is not None else ["all"] * len(assumptions.areas)
        if len(labels) != len(assumptions.areas):
            raise ValueError(f"{len(labels)} groups for {len(assumptions.areas)} areas")
        result = route_small_areas(
            result, np.asarray(earlier, dtype=float), labels, threshold=threshold, step=step
        )
    return result if age_groups is None else with_age_groups(result, age_groups)
