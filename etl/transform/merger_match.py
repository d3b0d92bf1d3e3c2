"""Matching ending keys (units) to starting keys (targets): links, tolerances, the one fit.

Pure; used by etl.transform.mergers, which describes the method.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Final

import pandas as pd

from etl.transform.derive_crosswalk import base_name

POPULATION_TOLERANCE: Final = 0.05
CENSUS_POPULATION_TOLERANCE: Final = 0.15  # the 2011 census corrected some Gemeinden by 12 %
OFFICIAL_AREA_TOLERANCE: Final = 0.01  # both sides from the area table 11111
# One side from generalised polygons: VG5000 against the area table (927 Gemeinden of
# Niedersachsen/Bremen) errs by r with r * sqrt(km²) <= 0.36 for 95 %, <= 0.90 for 99 % (the
# rest are coastal). Linked units need the 99 % bound, units assigned by the fit alone 0.45.
POLYGON_SCALE_LINKED: Final = 0.90
POLYGON_SCALE_FIT: Final = 0.45
POLYGON_MIN_TOLERANCE: Final = 0.02
GROWTH_KM2: Final = 1.0  # an existing key whose official area grows by more absorbed land
MAX_ASSIGNMENTS: Final = 100_000


@dataclass(frozen=True)
class TerritoryFacts:
    """What the tables say about the Gemeinden (GENESIS reader output, Gemeinde rows only).

    population: ags, year, value (totals with a value; `-` rows absent);
    area: ags, year, area_km2 (official area table; may be empty);
    listings: ags, name, verband ('' for none), with_values (bool) for every row of the
    files, also the rows of `-` (the files list keys under the Verband they joined later).
    """

    population: pd.DataFrame
    area: pd.DataFrame
    listings: pd.DataFrame
    census_year: int = 2011

    @cached_property
    def area_by_year(self) -> dict[tuple[str, int], float]:
        """(ags, year) -> official area in km²."""
        return _by_year(self.area, "area_km2")

    @cached_property
    def population_by_year(self) -> dict[tuple[str, int], float]:
        """(ags, year) -> population."""
        return _by_year(self.population, "value")

    @cached_property
    def verbände(self) -> dict[str, set[str]]:
        """ags -> the Samtgemeinde codes it is listed under."""
        listed = self.listings[self.listings["verband"] != ""]
        return listed.groupby("ags")["verband"].agg(set).to_dict()

    @cached_property
    def core_names(self) -> dict[str, set[str]]:
        """ags -> its names without suffix and Kreis qualifier."""
        return self.listings.groupby("ags")["name"].agg(lambda n: {_core(x) for x in n}).to_dict()


def _by_year(frame: pd.DataFrame, column: str) -> dict[tuple[str, int], float]:
    return {
        (str(a), int(y)): float(v)
        for a, y, v in zip(frame["ags"], frame["year"], frame[column], strict=True)
        if pd.notna(v)
    }


@dataclass(frozen=True)
class Target:
    key: str
    area: float | None  # km² to be explained by its units
    population: float | None
    from_polygon: bool  # area from generalised polygons, not from the area table
    population_tolerance: float = POPULATION_TOLERANCE
    names: tuple[str, ...] = ()  # names beyond the tables' (the polygon's)


@dataclass(frozen=True)
class Unit:
    keys: tuple[str, ...]
    areas: tuple[float | None, ...]
    populations: tuple[float | None, ...]

    @property
    def area(self) -> float | None:
        return sum_known(self.areas)

    @property
    def population(self) -> float | None:
        return sum_known(self.populations)


def split_units(units: list[Unit], targets: list[Target], facts: TerritoryFacts) -> list[Unit]:
    """A Samtgemeinde whose ending members continue the names of different new keys (Hörden
    -> Hörden am Harz, Wulften -> Wulften am Harz) is one unit per member."""
    result = []
    for unit in units:
        named = {t.key for k in unit.keys for t in targets if _name_linked([k], t, facts)}
        if len(named) < 2:
            result.append(unit)
            continue
        result += [
            Unit((k,), (a,), (p,))
            for k, a, p in zip(unit.keys, unit.areas, unit.populations, strict=True)
        ]
    return result


def assign(
    units: list[Unit], targets: list[Target], facts: TerritoryFacts
) -> dict[Target, list[tuple[Unit, bool]]] | str:
    """The one assignment of units to targets that fits, or why there is none."""
    choices = []
    for unit in units:
        linked = [t for t in targets if _linked(unit, t, facts)]
        choices.append([(t, True) for t in linked] or [(t, False) for t in targets])
    count = 1
    for options in choices:
        count *= len(options)
    if count > MAX_ASSIGNMENTS:
        return f"{count} mögliche Zuordnungen, zu viele zum Prüfen"
    fitting = []
    for combination in itertools.product(*choices):
        grouped: dict[Target, list[tuple[Unit, bool]]] = {t: [] for t in targets}
        for unit, (target, linked) in zip(units, combination, strict=True):
            grouped[target].append((unit, linked))
        if all(parts and fits(t, parts) for t, parts in grouped.items()):
            fitting.append(grouped)
            if len(fitting) > 1:
                return "mehrere Zuordnungen passen zu Fläche und Bevölkerung"
    if not fitting:
        forced = _forced_by_links(units, targets, choices)
        return forced or "keine Zuordnung passt zu Fläche und Bevölkerung"
    return fitting[0]


def _forced_by_links(
    units: list[Unit], targets: list[Target], choices: list[list[tuple[Target, bool]]]
) -> dict[Target, list[tuple[Unit, bool]]] | None:
    """The assignment the links force, when single areas misfit only because an uninhabited
    gemeindefreies Gebiet gave land to its neighbours: every unit linked to exactly one target,
    every target reached, the populations fit, an uninhabited unit lost land and the areas of
    the whole Kreis group balance."""
    if any(len(options) != 1 or not options[0][1] for options in choices):
        return None
    grouped: dict[Target, list[tuple[Unit, bool]]] = {t: [] for t in targets}
    for unit, options in zip(units, choices, strict=True):
        grouped[options[0][0]].append((unit, True))
    if not all(grouped.values()):
        return None
    populations = [residuals(t, [u for u, _ in parts])[1] for t, parts in grouped.items()]
    if any(
        r is not None and abs(r) > t.population_tolerance
        for r, t in zip(populations, targets, strict=True)
    ):
        return None
    donor = any(
        t.area is not None
        and all(u.population == 0 for u, _ in parts)
        and t.area < (sum_known(u.area for u, _ in parts) or 0)
        for t, parts in grouped.items()
    )
    old = sum_known(u.area for u in units)
    new = sum_known(t.area for t in targets)
    if not donor or old is None or not new:
        return None
    total = Target("", new, None, targets[0].from_polygon)
    return grouped if abs(new - old) / new <= area_tolerance(total, True) else None


def _linked(unit: Unit, target: Target, facts: TerritoryFacts) -> bool:
    return bool(shared_verband(unit.keys, target.key, facts)) or _name_linked(
        unit.keys, target, facts
    )


def shared_verband(keys: Iterable[str], target: str, facts: TerritoryFacts) -> set[str]:
    shared: set[str] = set()
    for key in keys:
        shared |= facts.verbände.get(key, set())
    return shared & facts.verbände.get(target, set())


def _name_linked(keys: Iterable[str], target: Target, facts: TerritoryFacts) -> bool:
    new_names = facts.core_names.get(target.key, set()) | {_core(n) for n in target.names}
    old_names = set().union(*(facts.core_names.get(k, set()) for k in keys))
    return any(_continues(new, old) for new in new_names for old in old_names)


_KREIS_QUALIFIER = re.compile(r"\s*\((Landkreis|Ldkr\.|Kreis)[^)]*\)$")


def _core(name: str) -> str:
    """Base name without a Kreis qualifier: 'Harz (Landkreis Osterode), gem.fr. Geb.' -> 'Harz'."""
    return _KREIS_QUALIFIER.sub("", base_name(name))


def _continues(new: str, old: str) -> bool:
    """'Hörden am Harz' continues 'Hörden'; 'Bad Grund (Harz)' continues itself."""
    return new == old or new.startswith(f"{old} ")


def fits(target: Target, parts: list[tuple[Unit, bool]]) -> bool:
    area, population = residuals(target, [u for u, _ in parts])
    if area is None and population is None:
        return False  # nothing to check: never assigned
    linked = all(link for _, link in parts)
    return all(
        residual is None or abs(residual) <= tolerance
        for residual, tolerance in (
            (area, area_tolerance(target, linked)),
            (population, target.population_tolerance),
        )
    )


def area_tolerance(target: Target, linked: bool) -> float:
    """Official areas agree to rounding; polygon areas err more the smaller the area."""
    if not target.from_polygon or not target.area:
        return OFFICIAL_AREA_TOLERANCE
    scale = POLYGON_SCALE_LINKED if linked else POLYGON_SCALE_FIT
    return max(POLYGON_MIN_TOLERANCE, scale / math.sqrt(target.area))


def residuals(target: Target, units: list[Unit]) -> tuple[float | None, float | None]:
    """(area, population) residual: (target - sum of units) / target; None when unknown."""
    area = sum_known(u.area for u in units)
    population = sum_known(u.population for u in units)
    area_residual = (
        None
        if target.area is None or area is None or target.area <= 0
        else (target.area - area) / target.area
    )
    population_residual = (
        None
        if target.population is None or population is None or target.population <= 0
        else (target.population - population) / target.population
    )
    return area_residual, population_residual


def sum_known(values: Iterable[float | None]) -> float | None:
    """Sum, or None when any part is unknown."""
    total = 0.0
    for value in values:
        if value is None:
            return None
        total += value
    return total
