"""Seeded synthetic populations and assumptions for tests, examples and benchmarks."""

from __future__ import annotations

import numpy as np

from etl.projection.assumptions import Assumptions, migration_weights
from etl.projection.mortality import single_year_survival

AGES = 101  # single years 0..99 and 100+


def reference_death_rates() -> np.ndarray:
    """Gompertz-Makeham death rates (sex, age) with e0 near 83 (female) and 78 (male)."""
    ages = np.arange(AGES)
    female = 0.00005 + 0.000010 * np.exp(0.105 * ages)
    male = 0.00010 + 0.000025 * np.exp(0.100 * ages)
    mx = np.stack([female, male])
    mx[:, 0] = [0.0030, 0.0036]
    return mx


def fertility_schedule(tfr: float = 1.5) -> np.ndarray:
    """Annual rates by age of mother, bell-shaped around 31, summing to `tfr`."""
    ages = np.arange(AGES)
    shape = np.where((ages >= 15) & (ages < 50), np.exp(-(((ages - 31) / 5.5) ** 2)), 0.0)
    return tfr * shape / shape.sum()


def migration_schedule() -> np.ndarray:
    """Annual net migration rates by sex and age: young adults move in, some leave later."""
    ages = np.arange(AGES)
    rates = 0.012 * np.exp(-(((ages - 23) / 5) ** 2)) - 0.002 * np.exp(-(((ages - 45) / 12) ** 2))
    return np.stack([rates, rates * 1.1])


def population(n_areas: int, seed: int = 0) -> np.ndarray:
    """Populations (areas, sex, age) with log-normal sizes (median about 2,000)."""
    rng = np.random.default_rng(seed)
    survival = np.cumprod(single_year_survival(reference_death_rates()), axis=-1)
    sizes = rng.lognormal(np.log(2000), 1.1, n_areas)
    noise = rng.gamma(20, 1 / 20, (n_areas, 2, AGES))
    shape = survival[None] * noise
    return sizes[:, None, None] * shape / shape.sum(axis=(1, 2), keepdims=True)


def assumptions(n_areas: int, seed: int = 0) -> Assumptions:
    """Assumptions with area ratios around 1 for `n_areas` areas named 00000..."""
    rng = np.random.default_rng(seed + 1)
    rates = migration_schedule()
    start = population(1, seed)[0]
    shift = rng.normal(0, 0.003, n_areas)
    weights = migration_weights(rates, start)
    return Assumptions(
        areas=tuple(f"{i:08d}" for i in range(n_areas)),
        fertility_schedule=fertility_schedule(),
        fertility_ratio=rng.lognormal(0, 0.1, n_areas),
        reference_mx=reference_death_rates(),
        mortality_ratio=rng.lognormal(0, 0.1, n_areas),
        migration_rates=rates[None] + shift[:, None, None] * weights[None],
        migration_weights=weights,
    )
