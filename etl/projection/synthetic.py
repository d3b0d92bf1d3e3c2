"""Seeded synthetic populations and assumptions for tests, examples and benchmarks.

Nothing in the product imports this module (tests/projection/test_standard.py checks it);
the schedules the product uses are in `etl.projection.standard`.
"""

from __future__ import annotations

import numpy as np

from etl.projection.assumptions import Assumptions, migration_weights
from etl.projection.mortality import single_year_survival
from etl.projection.standard import (
    AGES,
    fertility_schedule,
    migration_schedule,
    reference_death_rates,
)


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
