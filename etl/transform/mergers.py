"""Mergers derived from the files: keys that end and keys that start in the same Kreis.

Pure. A merger shows in GENESIS tables of several years as keys whose values end (`-` from
year Y on) and, in the same Kreis, a key whose values start in Y (a new key) or whose official
area grows in Y (an existing key that absorbed them). After the tables' last year the
boundaries' status takes the place of year Y: keys with values in the last year but without a
polygon end, polygons without values start. The ending keys form units (the ending members of
one Samtgemeinde, or a single key); each unit is linked to the starting keys that share a
Samtgemeinde code with one of its keys (the files list a Gemeinde under its old and its new
Verband) or whose name continues a member's name ("Hörden" -> "Hörden am Harz"). Among the
assignments of units to starting keys that respect these links, the one where every starting
key's area (and population, inside the tables) equals the sum of its units is accepted when it
is the only one; otherwise the Kreis is reported as ambiguous and nothing is guessed.

Confidence: "hoch" when every old key of the row is linked to its new key by code or name and
the quantitative checks pass; "mittel" when only the unique fit of area (and population)
assigns it. A starting key without any area or population to check is never assigned.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
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
MERGER_COLUMNS: Final = (
    "old_key",
    "new_key",
    "weight",
    "valid_from",
    "confidence",
    "area_residual",
    "population_residual",
    "evidence",
)


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


@dataclass(frozen=True)
class Mergers:
    """Crosswalk rows with evidence (MERGER_COLUMNS), the refused Kreise and keys without a
    successor, both as report lines."""

    rows: pd.DataFrame
    ambiguous: list[str] = field(default_factory=list)
    without_successor: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Target:
    key: str
    area: float | None  # km² to be explained by its units
    population: float | None
    from_polygon: bool  # area from generalised polygons, not from the area table
    population_tolerance: float = POPULATION_TOLERANCE
    names: tuple[str, ...] = ()  # names beyond the tables' (the polygon's)


@dataclass(frozen=True)
class _Unit:
    keys: tuple[str, ...]
    areas: tuple[float | None, ...]
    populations: tuple[float | None, ...]

    @property
    def area(self) -> float | None:
        return _sum(self.areas)

    @property
    def population(self) -> float | None:
        return _sum(self.populations)


@dataclass(frozen=True)
class _Event:
    """One change date: ending keys and the starting (or growing) targets, by Kreis."""

    valid_from: dt.date
    ending: list[str]
    targets: list[_Target]
    before_year: int
    after_year: int | None  # None after the tables (boundaries' status)
    kreis_of: dict[str, str]


def derive_mergers(
    facts: TerritoryFacts,
    polygons: pd.DataFrame | None = None,
    renames: pd.DataFrame | None = None,
) -> Mergers:
    """Mergers inside the tables and, with polygons (area_key, name, area_km2), onto the
    boundaries' status; `renames` (old_key, new_key) are key changes already derived."""
    renames = renames if renames is not None else pd.DataFrame(columns=["old_key", "new_key"])
    events = _events_in_tables(facts)
    if polygons is not None and not facts.population.empty:
        events.append(_event_after_tables(facts, polygons, renames))
    rows: list[dict] = []
    ambiguous: list[str] = []
    without: list[str] = []
    for event in events:
        found, refused, lost = _resolve_event(event, facts)
        rows += found
        ambiguous += refused
        without += lost
    frame = pd.DataFrame(rows, columns=list(MERGER_COLUMNS))
    frame = frame.astype({"old_key": "str", "new_key": "str", "weight": "float64"})
    return Mergers(
        frame.sort_values(["valid_from", "new_key", "old_key"], ignore_index=True),
        ambiguous,
        without,
    )


def _events_in_tables(facts: TerritoryFacts) -> list[_Event]:
    population = facts.population
    if population.empty:
        return []
    years = sorted(int(y) for y in population["year"].unique())
    span = population.groupby("ags")["year"].agg(["min", "max"])
    area = _area_lookup(facts)
    events = []
    for year in years[1:]:
        ending = span.index[span["max"] == year - 1].tolist() if year - 1 < years[-1] else []
        starting = span.index[span["min"] == year].tolist()
        if not ending:
            continue
        values = population.set_index(["ags", "year"])["value"]
        tolerance = (
            CENSUS_POPULATION_TOLERANCE if year == facts.census_year else POPULATION_TOLERANCE
        )
        targets = [
            _Target(
                k, area.get((k, year)), _get(values, k, year), OFFICIAL_AREA_TOLERANCE, tolerance
            )
            for k in starting
        ]
        targets += _growing(span, year, area, values, {k[:5] for k in ending}, tolerance)
        kreis = {k: k[:5] for k in [*ending, *(t.key for t in targets)]}
        events.append(_Event(dt.date(year, 1, 1), ending, targets, year - 1, year, kreis))
    return events


def _growing(
    span: pd.DataFrame,
    year: int,
    area: dict,
    values: pd.Series,
    kreise: set[str],
    tolerance: float,
) -> list[_Target]:
    """Existing keys of those Kreise whose official area grew in `year` (absorbed land)."""
    targets = []
    existing = span.index[(span["min"] < year) & (span["max"] >= year)]
    for key in existing:
        if key[:5] not in kreise:
            continue
        now, before = area.get((key, year)), area.get((key, year - 1))
        if now is None or before is None or now - before <= GROWTH_KM2:
            continue
        grown = _get(values, key, year)
        previous = _get(values, key, year - 1)
        population = None if grown is None or previous is None else grown - previous
        targets.append(_Target(key, now - before, population, False, tolerance))
    return targets


def _event_after_tables(
    facts: TerritoryFacts, polygons: pd.DataFrame, renames: pd.DataFrame
) -> _Event:
    last = int(facts.population["year"].max())
    with_values = set(facts.population["ags"])
    in_last = set(facts.population.loc[facts.population["year"] == last, "ags"])
    polygon_keys = set(polygons["area_key"])
    ending = sorted(in_last - polygon_keys - set(renames["old_key"]))
    starting = polygons[
        ~polygons["area_key"].isin(with_values | set(renames["new_key"]))
    ].sort_values("area_key")
    targets = [
        _Target(r.area_key, _number(r.area_km2), None, True, names=(str(r.name),))
        for r in starting.itertuples()
    ]
    kreis_map = _kreis_map(renames)
    kreis = {k: kreis_map.get(k[:5], k[:5]) for k in ending}
    kreis |= {t.key: t.key[:5] for t in targets}
    return _Event(dt.date(last + 1, 1, 1), ending, targets, last, None, kreis)


def _kreis_map(renames: pd.DataFrame) -> dict[str, str]:
    """Old Kreis -> new Kreis where every renamed Gemeinde of the old Kreis moved to one."""
    pairs = pd.DataFrame({"old": renames["old_key"].str[:5], "new": renames["new_key"].str[:5]})
    pairs = pairs[pairs["old"] != pairs["new"]].drop_duplicates()
    unique = pairs[~pairs["old"].duplicated(keep=False)]
    return dict(zip(unique["old"], unique["new"], strict=True))


def _resolve_event(event: _Event, facts: TerritoryFacts) -> tuple[list[dict], list[str], list[str]]:
    rows: list[dict] = []
    ambiguous: list[str] = []
    without: list[str] = []
    for kreis in sorted({event.kreis_of[k] for k in event.ending}):
        ending = [k for k in event.ending if event.kreis_of[k] == kreis]
        targets = [t for t in event.targets if event.kreis_of[t.key] == kreis]
        if not targets:
            without += [
                f"{k}: entfällt ab {event.valid_from}, kein Nachfolger im Kreis {kreis}"
                for k in ending
            ]
            continue
        units = _split(_units(ending, event, facts), targets, facts)
        found = _assign(units, targets, facts)
        if isinstance(found, str):
            ambiguous.append(
                f"Kreis {kreis} ab {event.valid_from}: {found}; entfallen "
                f"{', '.join(ending)}, neu {', '.join(t.key for t in targets)}"
            )
            continue
        rows += _rows(found, event, facts)
    return rows, ambiguous, without


def _units(ending: list[str], event: _Event, facts: TerritoryFacts) -> list[_Unit]:
    """Ending keys grouped by the Samtgemeinde under which they have values."""
    listings = facts.listings
    valued = listings[listings["with_values"] & listings["ags"].isin(ending)]
    verband = valued[valued["verband"] != ""].groupby("ags")["verband"].first()
    groups: dict[str, list[str]] = {}
    for key in ending:
        groups.setdefault(verband.get(key, key), []).append(key)
    area = _area_lookup(facts)
    values = facts.population.set_index(["ags", "year"])["value"]
    year = event.before_year
    return [
        _Unit(
            tuple(keys),
            tuple(area.get((k, year)) for k in keys),
            tuple(_get(values, k, year) for k in keys),
        )
        for keys in groups.values()
    ]


def _split(units: list[_Unit], targets: list[_Target], facts: TerritoryFacts) -> list[_Unit]:
    """A Samtgemeinde whose ending members continue the names of different new keys (Hörden
    -> Hörden am Harz, Wulften -> Wulften am Harz) is one unit per member."""
    result = []
    for unit in units:
        named = {t.key for k in unit.keys for t in targets if _name_linked([k], t, facts)}
        if len(named) < 2:
            result.append(unit)
            continue
        result += [
            _Unit((k,), (a,), (p,))
            for k, a, p in zip(unit.keys, unit.areas, unit.populations, strict=True)
        ]
    return result


def _assign(
    units: list[_Unit], targets: list[_Target], facts: TerritoryFacts
) -> dict[_Target, list[tuple[_Unit, bool]]] | str:
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
        grouped: dict[_Target, list[tuple[_Unit, bool]]] = {t: [] for t in targets}
        for unit, (target, linked) in zip(units, combination, strict=True):
            grouped[target].append((unit, linked))
        if all(parts and _fits(t, parts) for t, parts in grouped.items()):
            fitting.append(grouped)
            if len(fitting) > 1:
                return "mehrere Zuordnungen passen zu Fläche und Bevölkerung"
    if not fitting:
        forced = _forced_by_links(units, targets, choices)
        return forced or "keine Zuordnung passt zu Fläche und Bevölkerung"
    return fitting[0]


def _forced_by_links(
    units: list[_Unit], targets: list[_Target], choices: list[list[tuple[_Target, bool]]]
) -> dict[_Target, list[tuple[_Unit, bool]]] | None:
    """The assignment the links force, when single areas misfit only because an uninhabited
    gemeindefreies Gebiet gave land to its neighbours: every unit linked to exactly one target,
    every target reached, the populations fit, an uninhabited unit lost land and the areas of
    the whole Kreis group balance."""
    if any(len(options) != 1 or not options[0][1] for options in choices):
        return None
    grouped: dict[_Target, list[tuple[_Unit, bool]]] = {t: [] for t in targets}
    for unit, options in zip(units, choices, strict=True):
        grouped[options[0][0]].append((unit, True))
    if not all(grouped.values()):
        return None
    populations = [_residuals(t, [u for u, _ in parts])[1] for t, parts in grouped.items()]
    if any(
        r is not None and abs(r) > t.population_tolerance
        for r, t in zip(populations, targets, strict=True)
    ):
        return None
    donor = any(
        t.area is not None
        and all(u.population == 0 for u, _ in parts)
        and t.area < (_sum(u.area for u, _ in parts) or 0)
        for t, parts in grouped.items()
    )
    old = _sum(u.area for u in units)
    new = _sum(t.area for t in targets)
    if not donor or old is None or not new:
        return None
    total = _Target("", new, None, targets[0].from_polygon)
    return grouped if abs(new - old) / new <= _area_tolerance(total, True) else None


def _linked(unit: _Unit, target: _Target, facts: TerritoryFacts) -> bool:
    return bool(_shared_verband(unit.keys, target.key, facts)) or _name_linked(
        unit.keys, target, facts
    )


def _shared_verband(keys: Iterable[str], target: str, facts: TerritoryFacts) -> set[str]:
    listings = facts.listings
    shared = set(listings.loc[listings["ags"] == target, "verband"]) & set(
        listings.loc[listings["ags"].isin(list(keys)), "verband"]
    )
    return shared - {""}


def _name_linked(keys: Iterable[str], target: _Target, facts: TerritoryFacts) -> bool:
    listings = facts.listings
    names = [*listings.loc[listings["ags"] == target.key, "name"], *target.names]
    new_names = {_core(n) for n in names}
    old_names = {_core(n) for n in listings.loc[listings["ags"].isin(list(keys)), "name"]}
    return any(_continues(new, old) for new in new_names for old in old_names)


_KREIS_QUALIFIER = re.compile(r"\s*\((Landkreis|Ldkr\.|Kreis)[^)]*\)$")


def _core(name: str) -> str:
    """Base name without a Kreis qualifier: 'Harz (Landkreis Osterode), gem.fr. Geb.' -> 'Harz'."""
    return _KREIS_QUALIFIER.sub("", base_name(name))


def _continues(new: str, old: str) -> bool:
    """'Hörden am Harz' continues 'Hörden'; 'Bad Grund (Harz)' continues itself."""
    return new == old or new.startswith(f"{old} ")


def _fits(target: _Target, parts: list[tuple[_Unit, bool]]) -> bool:
    area, population = _residuals(target, [u for u, _ in parts])
    if area is None and population is None:
        return False  # nothing to check: never assigned
    linked = all(link for _, link in parts)
    return all(
        residual is None or abs(residual) <= tolerance
        for residual, tolerance in (
            (area, _area_tolerance(target, linked)),
            (population, target.population_tolerance),
        )
    )


def _area_tolerance(target: _Target, linked: bool) -> float:
    """Official areas agree to rounding; polygon areas err more the smaller the area."""
    if not target.from_polygon or not target.area:
        return OFFICIAL_AREA_TOLERANCE
    scale = POLYGON_SCALE_LINKED if linked else POLYGON_SCALE_FIT
    return max(POLYGON_MIN_TOLERANCE, scale / math.sqrt(target.area))


def _residuals(target: _Target, units: list[_Unit]) -> tuple[float | None, float | None]:
    """(area, population) residual: (target - sum of units) / target; None when unknown."""
    area = _sum(u.area for u in units)
    population = _sum(u.population for u in units)
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


def _rows(
    found: dict[_Target, list[tuple[_Unit, bool]]], event: _Event, facts: TerritoryFacts
) -> list[dict]:
    rows = []
    for target, parts in found.items():
        units = [u for u, _ in parts]
        area, population = _residuals(target, units)
        evidence = _evidence(target, units, event, area, population)
        for unit, linked in parts:
            for key in unit.keys:
                link = _link_text(unit, target, facts) if linked else "nur Summenprüfung"
                both = area is not None and population is not None and not target.from_polygon
                if not _fits(target, parts):
                    link += (
                        "; Fläche weicht ab, Summe des Kreises stimmt (Land aus unbewohntem Gebiet)"
                    )
                    linked = both = False
                rows.append(
                    {
                        "old_key": key,
                        "new_key": target.key,
                        "weight": 1.0,
                        "valid_from": event.valid_from,
                        "confidence": "hoch" if linked or both else "mittel",
                        "area_residual": area,
                        "population_residual": population,
                        "evidence": f"{evidence}; Verbindung: {link}",
                    }
                )
    return rows


def _evidence(
    target: _Target,
    units: list[_Unit],
    event: _Event,
    area: float | None,
    population: float | None,
) -> str:
    keys = sum(len(u.keys) for u in units)
    parts = []
    if area is not None:
        source = "amtlich" if event.after_year is not None else "Polygon"
        parts.append(
            f"Fläche {_sum(u.area for u in units):.2f} km² ({keys} Gebiete, amtlich "
            f"{event.before_year}) gegenüber {target.area:.2f} km² ({source}), "
            f"Rest {area:+.1%}"
        )
    if population is not None:
        parts.append(
            f"Bevölkerung {event.before_year}: {_sum(u.population for u in units):.0f} "
            f"gegenüber {event.after_year}: {target.population:.0f}, Rest {population:+.1%}"
        )
    return "; ".join(parts)


def _link_text(unit: _Unit, target: _Target, facts: TerritoryFacts) -> str:
    shared = _shared_verband(unit.keys, target.key, facts)
    return f"Verband {', '.join(sorted(shared))}" if shared else "Name"


def _area_lookup(facts: TerritoryFacts) -> dict[tuple[str, int], float]:
    area = facts.area
    if area.empty:
        return {}
    return {
        (str(a), int(y)): float(v)
        for a, y, v in zip(area["ags"], area["year"], area["area_km2"], strict=True)
        if pd.notna(v)
    }


def _get(values: pd.Series, key: str, year: int) -> float | None:
    value = values.get((key, year))
    return None if value is None or pd.isna(value) else float(value)


def _sum(values: Iterable[float | None]) -> float | None:
    """Sum, or None when any part is unknown."""
    total = 0.0
    for value in values:
        if value is None:
            return None
        total += value
    return total


def _number(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)
