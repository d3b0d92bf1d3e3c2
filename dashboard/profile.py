"""`AreaProfile`: everything the area page (Gebiet) shows for one area of a release.

Built by `DashboardService.profile`, read by `dashboard.pages.gebiet`; the frames hold all
years of the release, the page picks the year.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True, eq=False)  # eq=False: frames do not compare to a single bool
class AreaProfile:
    """One area and its context (parents, regions), with the published cells for all years.

    keys: the area first, then its parents (Gemeinde of an Ortsteil, Kreis, Land) and the
    regions it belongs to; names: their names, in the same order. population: the cells of
    every key; households and events: the area's own; official: official figures shown as
    the source publishes them.
    """

    area_key: str
    name: str
    level: str
    keys: tuple[str, ...]
    names: tuple[str, ...]
    population: pd.DataFrame
    households: pd.DataFrame
    events: pd.DataFrame
    official: pd.DataFrame

    def __post_init__(self) -> None:
        if not self.keys or self.keys[0] != self.area_key:
            raise ValueError(f"AreaProfile: keys must start with {self.area_key!r}: {self.keys}")
        if len(self.names) != len(self.keys):
            raise ValueError("AreaProfile: one name per key.")

    @property
    def parent(self) -> tuple[str, str] | None:
        """(key, name) of the first context area (the next larger one), if there is one."""
        return (self.keys[1], self.names[1]) if len(self.keys) > 1 else None

    def population_of(self, key: str) -> pd.DataFrame:
        """The population cells of one of `keys`."""
        return self.population[self.population["area_key"] == key]
