"""An upload's areas against the restricted zone: registered Ortsteile, grid cells inside.

Ortsteil keys must be in the sub-area key registry the statistician maintains
(etl.store.subareas); INSPIRE grid cells must intersect the imported Gemeinde boundary. Where
no boundary is imported, the grid cannot be checked: that is a finding the reviewer sees, not
a silent acceptance. Reads the restricted zone, never writes it.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Engine

from etl.config import Settings
from etl.errors import InputError
from etl.extract.inspire import CELL_SIZES, to_laea
from etl.extract.structure import source_file
from etl.model import GRID_LEVELS, TABLE_COLUMNS, ExtractBundle
from etl.store.subareas import municipality_boundaries, municipality_boundary, read_subareas
from etl.uploads.report import Check

GRID_ID: Final = re.compile(r"(?:1km|100m)N(\d+)E(\d+)")
LISTED: Final = 5
REGISTRY_HINT: Final = (
    "Nur registrierte Ortsteile werden angenommen; die Statistikstelle pflegt die Liste "
    "(`python -m etl import-subareas` oder Portalseite „Ortsteile“)."
)


@dataclass(frozen=True)
class UploadScope:
    """What the restricted zone knows about the uploading municipality's territory."""

    municipality: str
    registered: frozenset[str]
    boundary_wkb: str | None  # hex WKB, EPSG:25832; None when no boundary is imported


def load_scope(engine: Engine, municipality: str) -> UploadScope:
    registered = read_subareas(engine, municipality)["area_key"]
    return UploadScope(
        municipality, frozenset(registered), municipality_boundary(engine, municipality)
    )


def load_scopes(engine: Engine, municipalities: Collection[str]) -> dict[str, UploadScope]:
    """The scopes of many municipalities in two queries (a bulk import reads them once)."""
    registry = read_subareas(engine)
    registered: dict[str, set[str]] = {}
    for municipality, key in zip(registry["municipality"], registry["area_key"], strict=True):
        registered.setdefault(municipality, set()).add(key)
    boundaries = municipality_boundaries(engine, municipalities)
    return {
        municipality: UploadScope(
            municipality,
            frozenset(registered.get(municipality, ())),
            boundaries.get(municipality),
        )
        for municipality in municipalities
    }


def _first(bundle: ExtractBundle, table: str, mask: pd.Series | np.ndarray) -> int:
    return bundle.line(table, int(np.asarray(mask).nonzero()[0][0]))


def check_registered(bundle: ExtractBundle, scope: UploadScope) -> None:
    """Every Ortsteil key of every table is registered for the municipality."""
    for table in TABLE_COLUMNS:
        frame = bundle.table(table)
        ortsteile = frame["area_level"].to_numpy() == "ortsteil"
        if not ortsteile.any():
            continue  # the common case of a Gemeinde without Ortsteile: no pandas work
        unknown = ortsteile & ~frame["area_key"].isin(scope.registered).to_numpy()
        if unknown.any():
            key = frame["area_key"].to_numpy()[unknown][0]
            listed = ", ".join(sorted(scope.registered)[:LISTED])
            more = " …" if len(scope.registered) > LISTED else ""
            known = f"registriert: {listed}{more}" if listed else "keine Ortsteile registriert"
            raise InputError(
                f"Ortsteil-Schlüssel {key!r} ist für die Gemeinde {scope.municipality} nicht "
                f"registriert ({known}). {REGISTRY_HINT}",
                file=source_file(bundle, table),
                row=_first(bundle, table, unknown),
                column="area_key",
            )


def cell_boxes(keys: pd.Series, level: str) -> np.ndarray:
    """The squares (EPSG:3035) of INSPIRE cell ids such as `1kmN3334E4241`."""
    size = CELL_SIZES[level]
    indices = keys.str.extract(GRID_ID).astype("int64")
    north, east = indices[0].to_numpy() * size, indices[1].to_numpy() * size
    return shapely.box(east, north, east + size, north + size)


def _in_laea(boundary_wkb: str) -> shapely.Geometry:
    boundary = shapely.from_wkb(boundary_wkb)
    return shapely.transform(boundary, lambda xy: np.column_stack(to_laea(xy[:, 0], xy[:, 1])))


def check_grid_inside(bundle: ExtractBundle, scope: UploadScope) -> list[Check]:
    """Grid cells intersect the municipality; without a boundary, a finding says so."""
    population = bundle.population
    grid = np.isin(population["area_level"].to_numpy(), GRID_LEVELS)
    if not grid.any():
        return []
    if scope.boundary_wkb is None:
        return [
            Check(
                "grid-boundary",
                "warning",
                "Rasterzellen nicht geprüft",
                f"Für {scope.municipality} ist keine Gemeindegrenze importiert "
                "(`python -m etl import-boundaries`); ob die "
                f"{population.loc[grid, 'area_key'].nunique()} Rasterzellen in der Gemeinde "
                "liegen, ließ sich daher nicht prüfen.",
            )
        ]
    boundary = _in_laea(scope.boundary_wkb)
    shapely.prepare(boundary)
    for level in GRID_LEVELS:
        keys = population.loc[population["area_level"] == level, "area_key"].drop_duplicates()
        if keys.empty:
            continue
        outside = keys[~shapely.intersects(boundary, cell_boxes(keys, level))]
        if not outside.empty:
            mask = (population["area_level"] == level) & (population["area_key"] == outside.iloc[0])
            raise InputError(
                f"Rasterzelle {outside.iloc[0]!r} liegt außerhalb der Gemeinde "
                f"{scope.municipality} ({len(outside)} Zellen ohne Überschneidung mit der "
                "Gemeindegrenze). Rasterzellen zählen nur Einwohner der eigenen Gemeinde; "
                "Koordinaten (ETRS89/UTM32) prüfen und den Auszug neu erzeugen.",
                file=source_file(bundle, "population"),
                row=_first(bundle, "population", mask),
                column="area_key",
            )
    return []


def small_subareas_finding(bundle: ExtractBundle, min_population: int) -> list[Check]:
    """Which Ortsteile will not be published as areas of their own (too few residents)."""
    population = bundle.population
    ortsteile = population["area_level"].to_numpy() == "ortsteil"
    if not ortsteile.any():
        return []
    rows = population[ortsteile & (population["residence"].to_numpy() == "main")]
    persons = rows.groupby("area_key")["count"].sum()
    small = persons[persons < min_population]
    if small.empty:
        return []
    listed = ", ".join(small.index[:LISTED]) + (" …" if len(small) > LISTED else "")
    return [
        Check(
            "subareas-small",
            "info",
            "Kleine Ortsteile",
            f"{len(small)} Ortsteile haben weniger als {min_population} Einwohner "
            f"({listed}); sie werden nicht als eigene Gebiete veröffentlicht, ihre "
            "Einwohner zählen in der Gemeinde mit.",
        )
    ]


def check_territory(
    bundle: ExtractBundle, scope: UploadScope, min_subarea_population: int
) -> list[Check]:
    """Refuse unregistered Ortsteile and grid cells outside; returns the findings."""
    check_registered(bundle, scope)
    return [
        *check_grid_inside(bundle, scope),
        *small_subareas_finding(bundle, min_subarea_population),
    ]


def check_upload(engine: Engine, bundle: ExtractBundle, settings: Settings) -> list[Check]:
    """`check_territory` against the restricted zone (read only)."""
    scope = load_scope(engine, bundle.municipality)
    return check_territory(bundle, scope, settings.min_subarea_population)
