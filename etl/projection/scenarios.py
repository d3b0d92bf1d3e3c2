"""Projection scenarios: targets for fertility, life expectancy and migration.

Targets are reached by linear interpolation from the base values over
`horizon` years and held constant afterwards. Scenarios are frozen dataclasses:
copy with `dataclasses.replace`, save and load as JSON.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Scenario:
    """Assumption targets of one variant.

    tfr: total fertility rate of the reference schedule reached at the horizon
        (None keeps the base TFR); areas keep their ratio to the reference.
    e0_gain: years of life expectancy at birth gained by the horizon (both sexes),
        reached by scaling the reference death rates.
    migration_change: change of the net migration rate in persons per 1,000
        inhabitants and year reached by the horizon, added to each area's base rate.
    horizon: years over which the targets are reached.
    """

    name: str
    tfr: float | None = None
    e0_gain: float = 0.0
    migration_change: float = 0.0
    horizon: int = 30

    def __post_init__(self) -> None:
        if self.tfr is not None and not 0 <= self.tfr <= 10:
            raise ValueError(f"tfr must be in [0, 10], got {self.tfr}")
        if self.horizon < 1:
            raise ValueError(f"horizon must be >= 1 year, got {self.horizon}")
        if not -30 <= self.e0_gain <= 30:
            raise ValueError(f"e0_gain must be in [-30, 30] years, got {self.e0_gain}")

    def progress(self, years_ahead: float) -> float:
        """Share of the way from base to target after `years_ahead` years (0..1)."""
        return min(max(years_ahead / self.horizon, 0.0), 1.0)

    def tfr_at(self, base_tfr: float, years_ahead: float) -> float:
        """Reference TFR after `years_ahead` years."""
        if self.tfr is None:
            return base_tfr
        return base_tfr + (self.tfr - base_tfr) * self.progress(years_ahead)

    def e0_gain_at(self, years_ahead: float) -> float:
        """Life-expectancy gain reached after `years_ahead` years."""
        return self.e0_gain * self.progress(years_ahead)

    def migration_change_at(self, years_ahead: float) -> float:
        """Change of the net migration rate (per person and year) after `years_ahead` years."""
        return self.migration_change / 1000 * self.progress(years_ahead)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> Scenario:
        """Build a scenario from a dict; unknown keys raise ValueError naming them."""
        known = {item.name for item in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown scenario fields {unknown}; known: {sorted(known)}")
        return cls(**values)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, text: str) -> Scenario:
        return cls.from_dict(json.loads(text))


def save_scenario(scenario: Scenario, path: Path) -> None:
    """Write a scenario as JSON."""
    path.write_text(scenario.to_json() + "\n", encoding="utf-8")


def load_scenario(path: Path) -> Scenario:
    """Read a scenario written by save_scenario."""
    return Scenario.from_json(path.read_text(encoding="utf-8"))


# Variants loosely following the 15th coordinated projection of Destatis (G1/G2/G3 for
# fertility, L1/L2/L3 for life expectancy, W1/W2/W3 for migration), scaled to 30 years.
LOW = Scenario("low", tfr=1.44, e0_gain=2.0, migration_change=-2.0)
MIDDLE = Scenario("middle", tfr=1.55, e0_gain=3.5, migration_change=0.0)
HIGH = Scenario("high", tfr=1.67, e0_gain=5.0, migration_change=2.0)
STANDARD_SCENARIOS = (LOW, MIDDLE, HIGH)
