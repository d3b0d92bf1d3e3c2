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

Confidence: "hoch" when the old key is linked to its new key by code or name, or when both
area and population were checked inside the tables; "mittel" when only the unique fit of the
polygon area assigns it, or when the links force an assignment whose single areas misfit
because an uninhabited gemeindefreies Gebiet gave land to its neighbours (the Kreis group
balances). A starting key without any area or population to check is never assigned.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Final

import pandas as pd

from etl.transform.merger_match import (
    CENSUS_POPULATION_TOLERANCE,
    GROWTH_KM2,
    POPULATION_TOLERANCE,
    Target,
    TerritoryFacts,
    Unit,
    assign,
    fits,
    residuals,
    shared_verband,
    split_units,
    sum_known,
)

__all__ = ["MERGER_COLUMNS", "Mergers", "TerritoryFacts", "derive_mergers"]

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
class Mergers:
    """Crosswalk rows with evidence (MERGER_COLUMNS), the refused Kreise and keys without a
    successor, both as report lines."""

    rows: pd.DataFrame
    ambiguous: list[str] = field(default_factory=list)
    without_successor: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Event:
    """One change date: ending keys and the starting (or growing) targets, by Kreis."""

    valid_from: dt.date
    ending: list[str]
    targets: list[Target]
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
    area, values = facts.area_by_year, facts.population_by_year
    events = []
    for before, year in itertools.pairwise(years):
        ending = span.index[span["max"] == before].tolist()
        if not ending:
            continue
        starting = span.index[span["min"] == year].tolist()
        tolerance = (
            CENSUS_POPULATION_TOLERANCE if year == facts.census_year else POPULATION_TOLERANCE
        )
        targets = [
            Target(k, area.get((k, year)), values.get((k, year)), False, tolerance)
            for k in starting
        ]
        kreise = {k[:5] for k in ending}
        targets += _growing(span, (before, year), area, values, kreise, tolerance)
        kreis = {k: k[:5] for k in [*ending, *(t.key for t in targets)]}
        events.append(_Event(dt.date(year, 1, 1), ending, targets, before, year, kreis))
    return events


def _growing(
    span: pd.DataFrame,
    years: tuple[int, int],
    area: dict,
    values: dict[tuple[str, int], float],
    kreise: set[str],
    tolerance: float,
) -> list[Target]:
    """Existing keys of those Kreise whose official area grew from `before` to `year`."""
    before, year = years
    targets = []
    existing = span.index[(span["min"] <= before) & (span["max"] >= year)]
    for key in existing:
        if key[:5] not in kreise:
            continue
        now, then = area.get((key, year)), area.get((key, before))
        if now is None or then is None or now - then <= GROWTH_KM2:
            continue
        grown, previous = values.get((key, year)), values.get((key, before))
        population = None if grown is None or previous is None else grown - previous
        targets.append(Target(key, now - then, population, False, tolerance))
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
        Target(r.area_key, _number(r.area_km2), None, True, names=(str(r.name),))
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
        units = split_units(_units(ending, event, facts), targets, facts)
        found = assign(units, targets, facts)
        if isinstance(found, str):
            ambiguous.append(
                f"Kreis {kreis} ab {event.valid_from}: {found}; entfallen "
                f"{', '.join(ending)}, neu {', '.join(t.key for t in targets)}"
            )
            continue
        rows += _rows(found, event, facts)
    return rows, ambiguous, without


def _units(ending: list[str], event: _Event, facts: TerritoryFacts) -> list[Unit]:
    """Ending keys grouped by the Samtgemeinde under which they have values."""
    listings = facts.listings
    valued = listings[listings["with_values"] & listings["ags"].isin(ending)]
    verband = valued[valued["verband"] != ""].groupby("ags")["verband"].first()
    groups: dict[str, list[str]] = {}
    for key in ending:
        groups.setdefault(verband.get(key, key), []).append(key)
    area, values = facts.area_by_year, facts.population_by_year
    year = event.before_year
    return [
        Unit(
            tuple(keys),
            tuple(area.get((k, year)) for k in keys),
            tuple(values.get((k, year)) for k in keys),
        )
        for keys in groups.values()
    ]


def _rows(
    found: dict[Target, list[tuple[Unit, bool]]], event: _Event, facts: TerritoryFacts
) -> list[dict]:
    rows = []
    for target, parts in found.items():
        units = [u for u, _ in parts]
        area, population = residuals(target, units)
        evidence = _evidence(target, units, event, area, population)
        for unit, linked in parts:
            for key in unit.keys:
                link = _link_text(unit, target, facts) if linked else "nur Summenprüfung"
                both = area is not None and population is not None and not target.from_polygon
                if not fits(target, parts):
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
    target: Target,
    units: list[Unit],
    event: _Event,
    area: float | None,
    population: float | None,
) -> str:
    keys = sum(len(u.keys) for u in units)
    parts = []
    if area is not None:
        source = "amtlich" if event.after_year is not None else "Polygon"
        parts.append(
            f"Fläche {sum_known(u.area for u in units):.2f} km² ({keys} Gebiete, amtlich "
            f"{event.before_year}) gegenüber {target.area:.2f} km² ({source}), "
            f"Rest {area:+.1%}"
        )
    if population is not None:
        parts.append(
            f"Bevölkerung {event.before_year}: {sum_known(u.population for u in units):.0f} "
            f"gegenüber {event.after_year}: {target.population:.0f}, Rest {population:+.1%}"
        )
    return "; ".join(parts)


def _link_text(unit: Unit, target: Target, facts: TerritoryFacts) -> str:
    shared = shared_verband(unit.keys, target.key, facts)
    return f"Verband {', '.join(sorted(shared))}" if shared else "Name"


def _number(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)
