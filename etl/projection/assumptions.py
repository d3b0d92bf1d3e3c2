"""Projection assumptions per area, borrowing strength from a reference area.

Small areas have too few events for their own age schedules. Each area keeps its
level, the reference (Kreis, Land) gives the age pattern:
- fertility: reference age-specific rates times the area's fertility ratio
  (observed / expected births, i.e. a TFR ratio by indirect standardisation);
- mortality: reference death rates times the area's standardised mortality ratio;
- migration: reference net rates by age and sex, shifted so that the area's own
  net migration total is met; the shift is spread in proportion to |reference rate|
  (ages that move a lot absorb most of it).
Ratios are shrunk towards 1 with `prior_events` pseudo-events (credibility weighting).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from etl.projection.history import ObservedCounts


@dataclass(frozen=True)
class Assumptions:
    """Base-period assumptions of areas (single years of age, the last one open)."""

    areas: tuple[str, ...]
    fertility_schedule: np.ndarray  # (age,) reference annual rates by age of mother
    fertility_ratio: np.ndarray  # (areas,)
    reference_mx: np.ndarray  # (sex, age) reference death rates
    mortality_ratio: np.ndarray  # (areas,)
    migration_rates: np.ndarray  # (areas, sex, age) annual net rates per person
    migration_weights: np.ndarray  # (sex, age): where changes of the rate go (mean 1)
    srb: float = 1.05

    @property
    def reference_tfr(self) -> float:
        return float(self.fertility_schedule.sum())

    def select(self, areas: list[str]) -> Assumptions:
        """The assumptions of some areas, in the order given."""
        position = {area: i for i, area in enumerate(self.areas)}
        unknown = [area for area in areas if area not in position]
        if unknown:
            raise KeyError(f"no assumptions for areas {unknown}")
        rows = [position[area] for area in areas]
        return Assumptions(
            tuple(areas),
            self.fertility_schedule,
            self.fertility_ratio[rows],
            self.reference_mx,
            self.mortality_ratio[rows],
            self.migration_rates[rows],
            self.migration_weights,
            self.srb,
        )


def _ratio(observed: np.ndarray, expected: np.ndarray, prior: float) -> np.ndarray:
    numerator, denominator = observed + prior, expected + prior
    return np.divide(numerator, denominator, out=np.ones_like(numerator), where=denominator > 0)


def _rates(events: np.ndarray, exposure: np.ndarray) -> np.ndarray:
    return np.divide(events, exposure, out=np.zeros_like(events), where=exposure > 0)


def _migration_rates(
    local: ObservedCounts, reference_rates: np.ndarray, weights: np.ndarray
) -> np.ndarray:
    """Reference rates shifted per area so that each area's net total is reproduced."""
    start = local.start_population
    target = local.net_migration.sum(axis=(1, 2))
    implied = np.sum(reference_rates * start, axis=(1, 2))
    spread = np.sum(weights * start, axis=(1, 2))
    shift = np.divide(target - implied, spread, out=np.zeros_like(target), where=spread > 0)
    return reference_rates + shift[:, None, None] * weights


def migration_weights(reference_rates: np.ndarray, reference_start: np.ndarray) -> np.ndarray:
    """|reference rate| normalised to a population-weighted mean of 1 (uniform if all zero)."""
    magnitude = np.abs(reference_rates)
    mean = np.sum(magnitude * reference_start) / max(np.sum(reference_start), 1e-300)
    if mean <= 0:
        return np.ones_like(reference_rates)
    return magnitude / mean


def borrow_strength(
    local: ObservedCounts,
    reference: ObservedCounts | None = None,
    *,
    prior_events: float = 20.0,
    srb: float = 1.05,
) -> Assumptions:
    """Assumptions for each area of `local` with age patterns from `reference`.

    `reference` defaults to the sum of all local areas (e.g. the municipalities of a Kreis).
    """
    reference = local.total() if reference is None else reference
    female_exposure = local.exposure[:, 0]
    schedule = _rates(reference.births[0], reference.exposure[0, 0])
    expected_births = female_exposure @ schedule
    fertility_ratio = _ratio(local.births.sum(axis=1), expected_births, prior_events)
    reference_mx = _rates(reference.deaths[0], reference.exposure[0])
    expected_deaths = np.sum(local.exposure * reference_mx, axis=(1, 2))
    mortality_ratio = _ratio(local.deaths.sum(axis=(1, 2)), expected_deaths, prior_events)
    reference_migration = _rates(reference.net_migration[0], reference.start_population[0])
    weights = migration_weights(reference_migration, reference.start_population[0])
    rates = _migration_rates(local, reference_migration, weights)
    return Assumptions(
        local.areas,
        schedule,
        fertility_ratio,
        reference_mx,
        mortality_ratio,
        rates,
        weights,
        srb,
    )


def assumptions_from_totals(
    areas: tuple[str, ...],
    population: np.ndarray,
    events: dict[str, np.ndarray],
    *,
    fertility_schedule: np.ndarray,
    reference_mx: np.ndarray,
    reference_migration: np.ndarray,
    years: int,
    prior_events: float = 20.0,
    srb: float = 1.05,
) -> Assumptions:
    """Assumptions for areas that only have totals of events (as municipal statistics do).

    `population` (areas, sex, age) is the mean stock of the period, `events` holds
    `births`, `deaths` and `net_migration` (areas,) summed over `years` years. Age patterns
    come from the reference schedules; each area keeps its levels (as in borrow_strength).
    """
    missing = {"births", "deaths", "net_migration"} - set(events)
    if missing:
        raise ValueError(f"events need births, deaths and net_migration; missing {sorted(missing)}")
    exposure = population * years
    expected_births = exposure[:, 0] @ fertility_schedule
    expected_deaths = np.sum(exposure * reference_mx, axis=(1, 2))
    weights = migration_weights(reference_migration, population.sum(axis=0))
    implied = np.sum(reference_migration * exposure, axis=(1, 2))
    spread = np.sum(weights * exposure, axis=(1, 2))
    target = np.asarray(events["net_migration"], dtype=float)
    shift = np.divide(target - implied, spread, out=np.zeros_like(target), where=spread > 0)
    return Assumptions(
        tuple(areas),
        np.asarray(fertility_schedule, dtype=float),
        _ratio(np.asarray(events["births"], dtype=float), expected_births, prior_events),
        np.asarray(reference_mx, dtype=float),
        _ratio(np.asarray(events["deaths"], dtype=float), expected_deaths, prior_events),
        reference_migration + shift[:, None, None] * weights,
        weights,
        srb,
    )
