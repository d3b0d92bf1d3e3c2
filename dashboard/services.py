"""The one data gateway of the dashboard and API: cached reads of the published zone.

Releases are immutable, so everything read for a release id is cached for the life of the
process (per DashboardService instance, never in module globals). The service is created by
`create_app` and stored on the Flask app; callbacks reach it with `get_service()`.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable
from typing import Any, Final

import numpy as np
import pandas as pd
from flask import current_app
from sqlalchemy import Engine

from dashboard import classify, indicators, regions
from dashboard.memo import Memo, cached_read
from dashboard.profile import AreaProfile
from dashboard.source_labels import area_sources
from etl.config import Settings
from etl.errors import StoreError
from etl.store.engine import reader_engine
from etl.store.published import (
    PublicationState,
    ReleaseWithdrawnError,
    Withdrawal,
    list_releases,
    live_release_id,
    publication_state,
    read_release_table,
    release_info,
    withdrawal,
)
from etl.symbols import NOT_AVAILABLE, PUBLISHED

log = logging.getLogger(__name__)
LARGE_LAYER: Final = 2000  # areas; above this the browser geometry is rounded to ~100 m
MAP_LEVELS: Final = ("land", "kreis", "gemeinde", "ortsteil", "grid1km")
EXTENSION_KEY: Final = "demografie_service"


class NotFoundError(LookupError):
    """A release, area, level or indicator that does not exist; message says what is valid."""


class DashboardService:
    """Cached read access to releases; thread-safe (gunicorn threads share one instance)."""

    def __init__(
        self, settings: Settings, engine_factory: Callable[[Settings], Engine] = reader_engine
    ):
        self.settings = settings
        self._engine_factory = engine_factory
        self._engine: Engine | None = None
        self._lock = threading.Lock()
        self.memo = Memo()

    @property
    def engine(self) -> Engine:
        with self._lock:
            if self._engine is None:
                self._engine = self._engine_factory(self.settings)
            return self._engine

    def warm(self) -> None:
        """Fill the caches for the live release (latest two years, municipality level).

        Run in a background thread at the first request, so the first map of a fresh worker
        at national scale does not wait for the reads (about 15 s for 11,000 municipalities).
        """
        try:
            release = self.resolve_release(None)
            for year in self.years(release)[-2:]:
                self.indicator_table(release, year)
            if "gemeinde" in self.levels(release):
                self.geojson(release, "gemeinde")
        except (StoreError, NotFoundError):
            log.info("Nothing to warm: no release yet.")

    # --- releases ------------------------------------------------------------------------
    def releases(self) -> pd.DataFrame:
        return list_releases(self.engine)

    def resolve_release(self, release: str | None, *, strict: bool = False) -> str:
        """The given release id if it exists, the live one when empty.

        A withdrawn release is not readable: `strict` (the API) raises ReleaseWithdrawnError
        with the reason; otherwise (pages) the live release is served and the page frame
        shows the notice (`withdrawal`).
        """
        if not release:
            return live_release_id(self.engine)
        try:
            self.info(release)
        except StoreError as error:
            raise NotFoundError(str(error)) from None
        withdrawn = self.withdrawal(release)
        if withdrawn is not None:
            if strict:
                raise ReleaseWithdrawnError(withdrawn)
            return live_release_id(self.engine)
        return release

    def publication_state(self) -> PublicationState:
        """Live release, releases, vintages and withdrawals now (read each time, not cached)."""
        return publication_state(self.engine)

    def withdrawal(self, release: str | None) -> Withdrawal | None:
        """Why a release was withdrawn (not cached: a withdrawal can happen at any time)."""
        return withdrawal(self.engine, release) if release else None

    @cached_read
    def info(self, release: str) -> dict[str, Any]:
        return release_info(self.engine, release)

    def years(self, release: str) -> list[int]:
        return sorted(int(y) for y in self.info(release)["years"])

    # --- areas and geometry --------------------------------------------------------------
    @cached_read
    def areas(self, release: str) -> pd.DataFrame:
        return read_release_table(self.engine, "areas", release).set_index("area_key", drop=False)

    @cached_read
    def boundaries(self, release: str) -> pd.DataFrame:
        return read_release_table(self.engine, "boundaries", release)

    def levels(self, release: str) -> list[str]:
        present = set(self.boundaries(release)["level"])
        return [level for level in MAP_LEVELS if level in present]

    @cached_read
    def level_areas(self, release: str, level: str) -> pd.DataFrame:
        """Areas with geometry at `level`, sorted by key: the fixed order of map locations."""
        if level not in MAP_LEVELS:
            raise NotFoundError(f"Ebene {level!r} gibt es nicht; möglich: {', '.join(MAP_LEVELS)}.")
        bounds = self.boundaries(release)
        keys = sorted(bounds.loc[bounds["level"] == level, "area_key"])
        return self.areas(release).reindex(keys)[
            ["area_key", "name", "level", "parent_key", "kreis_key", "land_key"]
        ]

    @cached_read
    def geojson(self, release: str, level: str) -> str:
        """A FeatureCollection of one level (feature id = area key), serialised once.

        No properties: names travel with the figure, so the (cached) geometry stays small.
        Layers of many areas are seen at national scale, so their coordinates are cut to 3
        decimals (about 100 m, far below a pixel there); small layers keep 5 decimals.
        """
        bounds = self.boundaries(release)
        rows = bounds[bounds["level"] == level].sort_values("area_key")
        if rows.empty:
            raise NotFoundError(f"Für die Ebene {level!r} gibt es keine Geometrien.")
        decimals = 3 if len(rows) > LARGE_LAYER else 5
        features = ",".join(
            f'{{"type":"Feature","id":{json.dumps(key)},"properties":{{}},"geometry":{geom}}}'
            for key, geom in zip(rows["area_key"], rows["web_geojson"], strict=True)
        )
        text = f'{{"type":"FeatureCollection","features":[{features}]}}'
        return _round_coordinates(text, decimals)

    def geometries(self, release: str, level: str) -> dict[str, str]:
        """area_key -> GeoJSON geometry string of one level (for GeoPackage exports)."""
        bounds = self.boundaries(release)
        rows = bounds[bounds["level"] == level]
        return dict(zip(rows["area_key"], rows["web_geojson"], strict=True))

    @cached_read
    def bbox(self, release: str, level: str) -> tuple[float, float, float, float]:
        """(west, south, east, north) of a level, for centring the map."""
        coords = np.array(_all_coordinates(json.loads(self.geojson(release, level))))
        return (*coords.min(axis=0), *coords.max(axis=0))

    # --- cells ---------------------------------------------------------------------------
    @cached_read
    def population_year(self, release: str, year: int) -> pd.DataFrame:
        return read_release_table(self.engine, "population", release, year=year)

    @cached_read
    def table_year(self, release: str, name: str, year: int | None) -> pd.DataFrame:
        if year is None:
            return read_release_table(self.engine, name, release)
        return read_release_table(self.engine, name, release, year=year)

    def population(self, release: str, years: list[int] | None = None) -> pd.DataFrame:
        wanted = years or self.years(release)
        frames = [self.population_year(release, y) for y in wanted if y in self.years(release)]
        return pd.concat(frames, ignore_index=True) if frames else self.population_year(release, 0)

    def cells(self, release: str, name: str, area_key: str | None = None) -> pd.DataFrame:
        """All years of one table, optionally for one area (population, households, events)."""
        frames = [self.table_year(release, name, y) for y in self.years(release)]
        frame = pd.concat(frames, ignore_index=True)
        return frame if area_key is None else frame[frame["area_key"] == area_key]

    def official(self, release: str, area_key: str) -> pd.DataFrame:
        return read_release_table(self.engine, "official", release, area_key=area_key)

    # --- indicators ----------------------------------------------------------------------
    @cached_read
    def indicator_table(self, release: str, year: int) -> pd.DataFrame:
        population = self.population(release, [year, year - 1, year - 5])
        area_km2 = self.boundaries(release).set_index("area_key")["area_km2"]
        return (
            indicators.compute_all(
                population,
                self.table_year(release, "households", year),
                self.table_year(release, "events", year),
                area_km2,
                year,
            )
            .set_index(["indicator", "area_key"])
            .sort_index()
        )

    def check_indicator(self, indicator: str) -> None:
        if indicator not in indicators.BY_KEY:
            raise NotFoundError(
                f"Kennzahl {indicator!r} gibt es nicht; möglich: {', '.join(indicators.BY_KEY)}."
            )

    def check_year(self, release: str, year: int) -> None:
        if year not in self.years(release):
            raise NotFoundError(f"Jahr {year} fehlt in {release}; möglich: {self.years(release)}.")

    @cached_read
    def map_values(self, release: str, level: str, indicator: str, year: int) -> pd.DataFrame:
        """Indicator per area of a level in map order: area_key, name, value, status, bounds."""
        self.check_indicator(indicator)
        self.check_year(release, year)
        areas = self.level_areas(release, level)
        table = self.indicator_table(release, year).loc[indicator]
        values = table.reindex(areas["area_key"])
        values["status"] = values["status"].fillna(NOT_AVAILABLE)
        sources = area_sources(self.population_year(release, year)).reindex(areas["area_key"])
        frame = pd.concat([areas[["area_key", "name"]], values, sources], axis=1)
        return frame.reset_index(drop=True)

    def map_layer(
        self, release: str, level: str, indicator: str, year: int, method: str, k: int
    ) -> tuple[pd.DataFrame, list[float]]:
        """Values of a map view and its class upper bounds."""
        values = self.map_values(release, level, indicator, year)
        return values, list(self.breaks(release, level, indicator, year, method, k))

    def indicator_rows(
        self, release: str, level: str, indicator: str, year: int, method: str, k: int
    ) -> pd.DataFrame:
        """The map's values as the API serves them: rounded as shown, with class (0-based)."""
        values = self.map_values(release, level, indicator, year)
        upper_bounds = list(self.breaks(release, level, indicator, year, method, k))
        decimals = indicators.BY_KEY[indicator].decimals
        shown = values["status"] == PUBLISHED
        number = values["value"].to_numpy(dtype=float)
        classes = classify.class_index(np.where(shown, number, np.nan), upper_bounds)
        return values.assign(
            value=values["value"].where(shown).round(decimals),
            lower=values["lower"].round(decimals),
            upper=values["upper"].round(decimals),
            class_=pd.array([None if np.isnan(c) else int(c) for c in classes], dtype="Int64"),
        ).rename(columns={"class_": "class"})

    def area_indicators(self, release: str, keys: list[str], year: int) -> pd.DataFrame:
        """All indicators of the given areas: rows indicator x area."""
        table = self.indicator_table(release, year).reset_index()
        return table[table["area_key"].isin(keys)]

    @cached_read
    def breaks(
        self, release: str, level: str, indicator: str, year: int, method: str, k: int
    ) -> tuple[float, ...]:
        values = self.map_values(release, level, indicator, year)
        return tuple(classify.breaks(values["value"].to_numpy(dtype=float), method, k))

    # --- profile, comparison, exports ----------------------------------------------------
    def region_sets(self, release: str) -> pd.DataFrame:
        return self.table_year(release, "region_sets", None)

    def area(self, release: str, area_key: str) -> pd.Series:
        areas = self.areas(release)
        if area_key not in areas.index:
            raise NotFoundError(f"Gebiet {area_key!r} gibt es in {release} nicht.")
        return areas.loc[area_key]

    def context_keys(self, release: str, area_key: str) -> list[str]:
        """The area, then its parents (Gemeinde for an Ortsteil, Kreis, Land) and regions."""
        row, areas = self.area(release, area_key), self.areas(release)
        keys = [area_key]
        for key in (row["parent_key"], row["kreis_key"], row["land_key"]):
            if isinstance(key, str) and key in areas.index and key not in keys:
                keys.append(key)
        sets = self.region_sets(release)
        keys += [
            k
            for k in sets.loc[sets["member_key"] == area_key, "region_key"]
            if k in areas.index and k not in keys
        ]
        return keys

    def profile(self, release: str, area_key: str) -> AreaProfile:
        """Everything the area profile shows, for all years of the release."""
        keys = self.context_keys(release, area_key)
        population = self.cells(release, "population")
        area = self.area(release, area_key)
        return AreaProfile(
            area_key=area_key,
            name=str(area["name"]),
            level=str(area["level"]),
            keys=tuple(keys),
            names=tuple(self.areas(release)["name"].reindex(keys).tolist()),
            population=population[population["area_key"].isin(keys)],
            households=self.cells(release, "households", area_key),
            events=self.cells(release, "events", area_key),
            official=self.official(release, area_key),
        )

    def export_frame(
        self, release: str, dataset: str, level: str, indicator: str, year: int
    ) -> pd.DataFrame:
        """The rows behind a view, for downloads (indicator of a level or cells of a level)."""
        if dataset == "indicator":
            frame = self.indicator_rows(release, level, indicator, year, "quantiles", 5)
            return frame.assign(indicator=indicator, year=year, level=level)
        if dataset not in ("population", "households", "events"):
            raise NotFoundError(f"Datensatz {dataset!r} gibt es nicht.")
        # level_areas is indexed by area_key too; pandas 3 refuses to merge on a name that is
        # both an index level and a column, so the index goes first.
        keys = self.level_areas(release, level)[["area_key", "name"]].reset_index(drop=True)
        cells = self.table_year(release, dataset, year)
        merged = keys.merge(cells, on="area_key", how="inner", validate="1:m")
        # Every exported number says its source: register or official, table(s) or uploads,
        # reference date.
        return merged

    # --- regions -------------------------------------------------------------------------
    def region_figures(self, release: str, members: list[str], year: int) -> pd.DataFrame:
        """Bounds of a custom region's figures from published cells only."""
        self.check_year(release, year)
        tables = {
            "population": self.population_year(release, year),
            "households": self.table_year(release, "households", year),
            "events": self.table_year(release, "events", year),
        }
        return regions.region_figures(tables, self.areas(release), members)


def _round_coordinates(text: str, decimals: int) -> str:
    """Cut every number in a GeoJSON text to `decimals` decimal places (truncation)."""
    pattern = re.compile(rf"(-?\d+\.\d{{{decimals}}})\d+")
    return pattern.sub(r"\1", text)


def _all_coordinates(geometry: Any) -> list[list[float]]:
    if isinstance(geometry, dict):
        if "coordinates" in geometry:
            return _flatten(geometry["coordinates"])
        parts = geometry.get("features") or geometry.get("geometries") or []
        if "geometry" in geometry:
            parts = [geometry["geometry"]]
        return [c for part in parts for c in _all_coordinates(part)]
    return []


def _flatten(coordinates: Any) -> list[list[float]]:
    if coordinates and isinstance(coordinates[0], int | float):
        return [coordinates[:2]]
    return [c for part in coordinates for c in _flatten(part)]


def get_service() -> DashboardService:
    """The service of the current Flask app (inside a request or callback)."""
    return current_app.extensions[EXTENSION_KEY]
