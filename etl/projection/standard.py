"""Standard schedules: the age patterns the product falls back on where data are thin.

Part of the product, not test data. Published projection vintages blend the observed
reference (all municipalities together) towards these schedules in proportion to its number
of events (`vintage.smoothed_reference`), and the dashboard's interactive projection uses them
for indirect standardisation of an area's births and deaths and as the shape of its net
migration (`published_inputs`). They are parametric model schedules, not estimates from any
data set: a Gompertz-Makeham mortality with e0 ≈ 82.8 (female) and 77.1 (male), a bell-shaped
fertility schedule around age 31 and a young-adult migration peak (see docs/projection.md,
"Standard schedules"). Changing them changes published vintages.
"""

from __future__ import annotations

import numpy as np

AGES = 101  # single years 0..99 and 100+


def reference_death_rates() -> np.ndarray:
    """Gompertz-Makeham death rates (sex, age) with e0 ≈ 82.8 (female) and 77.1 (male)."""
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
