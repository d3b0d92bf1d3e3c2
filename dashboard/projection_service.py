"""Interactive projections from PUBLISHED cells only, and the archived official vintages.

The gateway for the Prognose page: reads go through the DashboardService (cached per release),
the arithmetic is `etl.projection` (imputation in `published_inputs`, projection in `area`).
Inputs per release and area are cached on this instance (never in module globals); one
recompute after an assumption edit is a single `project_areas` call on a few areas.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd
from flask import current_app

from dashboard.memo import Memo, cached_read
from dashboard.services import DashboardService, get_service
from etl.projection.area import project_areas
from etl.projection.assumptions import Assumptions
from etl.projection.forecast_totals import TotalsForecast, forecast_totals
from etl.projection.outlook import (
    BaseValues,
    Outlook,
    base_values,
    history_from_cells,
    region_outlook,
)
from etl.projection.published_inputs import (
    impute_by_parent,
    impute_households,
    impute_population,
    local_assumptions,
    reference_shape,
    single_years,
)
from etl.projection.scenarios import Scenario
from etl.store.published import list_vintages, read_projection
from etl.transform.census import trend_years

EXTENSION_KEY: Final = "demografie_projection"
KEY_GROUPS: Final = {  # label key -> (age_from, age_to exclusive or None)
    "grp_total": (0, None),
    "grp_daycare": (0, 3),
    "grp_kindergarten": (3, 6),
    "grp_school": (6, 18),
    "grp_working": (18, 65),
    "grp_80plus": (80, None),
}
SPREAD: Final = {"tfr": 0.12, "e0_gain": 1.5, "migration_change": 2.0}  # low/high around middle
HOUSEHOLD_SHAPE: Final = np.array([0.41, 0.33, 0.12, 0.09, 0.05])
MAX_AREAS: Final = 20  # areas per request: bounds the work of one recompute
MAX_HORIZON: Final = 30


@dataclass(frozen=True)
class Params:
    """The assumptions panel: reference TFR at the horizon, e0 gain, migration change, years."""

    tfr: float = 1.55
    e0_gain: float = 3.5
    migration_change: float = 0.0
    horizon: int = 20

    @classmethod
    def parse(cls, tfr, e0_gain, migration_change, horizon) -> Params:
        """From control values (None -> default), clipped to the panel's ranges."""
        default = cls()

        def number(raw, fallback: float, low: float, high: float) -> float:
            try:
                return float(min(max(float(raw), low), high))
            except (TypeError, ValueError):
                return fallback

        return cls(
            number(tfr, default.tfr, 0.8, 2.5),
            number(e0_gain, default.e0_gain, -2.0, 10.0),
            number(migration_change, default.migration_change, -15.0, 15.0),
            int(number(horizon, default.horizon, 5, 30)),
        )

    def scenarios(self) -> tuple[Scenario, Scenario, Scenario]:
        """Low, middle and high: the panel's values and a fixed spread around them."""
        out = []
        for name, sign in (("low", -1), ("middle", 0), ("high", 1)):
            out.append(
                Scenario(
                    name,
                    tfr=max(self.tfr + sign * SPREAD["tfr"], 0.0),
                    e0_gain=self.e0_gain + sign * SPREAD["e0_gain"],
                    migration_change=self.migration_change + sign * SPREAD["migration_change"],
                    horizon=self.horizon,
                )
            )
        return tuple(out)  # type: ignore[return-value]


@dataclass(frozen=True)
class RegionInputs:
    """Everything one recompute needs: base population, assumptions, households."""

    areas: tuple[str, ...]
    base_year: int
    population: np.ndarray  # (areas, sex, 101)
    assumptions: Assumptions
    households: np.ndarray  # (5,) households by size in the base year (summed over areas)
    imputed_cells: int


@dataclass(frozen=True)
class RegionProjection:
    """Summed over the region's areas: population (scenarios, years, sex, age), households."""

    scenarios: tuple[str, ...]
    years: tuple[int, ...]
    population: np.ndarray
    households: np.ndarray  # (scenarios, years, 5)


class ProjectionService:
    """Cached inputs per release and area (single-flight, bounded); projections on demand."""

    def __init__(self, service: DashboardService):
        self.service = service
        self.memo = Memo(max_entries=8)

    def warm(self) -> None:
        """Compute the live release's per-release inputs (imputed events, forecast calibration).

        Run in the background at a worker's first request, so the first visitor of the
        Prognose page does not wait for them (seconds at national scale).
        """
        release = self.service.resolve_release(None)
        self.shape(release)
        self.events(release)
        try:
            self.calibration(release)
        except ValueError:  # too few years to backtest: the page shows no outlook then
            return

    @cached_read
    def shape(self, release: str) -> np.ndarray:
        cells = self.service.cells(release, "population")
        levels = self.service.areas(release)["level"]
        return reference_shape(cells.assign(level=cells["area_key"].map(levels)))

    @cached_read
    def events(self, release: str) -> pd.DataFrame:
        """All published events with suppressed cells imputed from their parent's remainder."""
        events = self.service.cells(release, "events")
        population = self.service.cells(release, "population")
        totals = population[
            (population["sex"] == "total")
            & (population["nationality"] == "total")
            & (population["age_from"] == 0)
            & population["age_to"].isna()
        ]
        parents = self.service.areas(release)["parent_key"]
        frames = []
        for (year, _event), rows in events.groupby(["year", "event"]):
            weights = totals[totals["year"] == year].set_index("area_key")["value"]
            rows = rows.assign(parent_key=rows["area_key"].map(parents))
            weight = pd.to_numeric(weights, errors="coerce").astype(float).fillna(1.0)
            frames.append(impute_by_parent(rows, weight))
        if not frames:  # a release without events (e.g. official population tables only)
            return events.assign(parent_key=pd.Series(dtype="str"))
        return pd.concat(frames, ignore_index=True)

    @cached_read(max_entries=512)
    def area_inputs(self, release: str, area_key: str) -> tuple[np.ndarray, np.ndarray, int]:
        """(population by year (years, sex, 101), households (5,), imputed cell count)."""
        cells = self.service.cells(release, "population", area_key)
        imputed = impute_population(cells, self.shape(release))
        years = self.service.years(release)
        stocks = np.stack([single_years(imputed, [area_key], y)[0] for y in years])
        households = self.service.cells(release, "households", area_key)
        base = households[households["year"] == years[-1]]
        by_size = (
            impute_households(base, HOUSEHOLD_SHAPE)["value"].to_numpy(float)
            if not base.empty
            else np.zeros(5)
        )
        return stocks, by_size, int(imputed["imputed"].sum())

    @cached_read(max_entries=32)
    def inputs(self, release: str, areas: tuple[str, ...]) -> RegionInputs:
        """Base population, assumptions (indirect standardisation) and households of areas."""
        parts = [self.area_inputs(release, key) for key in areas]
        years = self.service.years(release)
        # Official series break at the Zensus 2011: trends use one side of it only.
        usable = trend_years(years, years[-1], official=self._official(release, areas))
        rows = [years.index(y) for y in usable]
        events = self.events(release)
        own = events[events["area_key"].isin(areas) & events["year"].isin(usable)]
        mean_stock = np.stack([p[0][rows].mean(axis=0) for p in parts])
        assumptions = local_assumptions(areas, mean_stock, own, years=len(usable))
        return RegionInputs(
            areas,
            years[-1],
            np.stack([p[0][-1] for p in parts]),
            assumptions,
            np.sum([p[1] for p in parts], axis=0),
            sum(p[2] for p in parts),
        )

    @cached_read(max_entries=2)
    def calibration(self, release: str) -> TotalsForecast:
        """The forecast engine on the release's published totals: forecasts and intervals."""
        history = history_from_cells(
            self.service.cells(release, "population"), self.events(release)
        )
        return forecast_totals(history, self.service.years(release)[-1], MAX_HORIZON)

    def outlook(self, release: str, areas: tuple[str, ...], horizon: int) -> Outlook | None:
        """Calibrated totals (80 % interval from backtests) of a region of up to MAX_AREAS.

        None when the release has too few years to backtest (fewer than three).
        """
        try:
            return region_outlook(self.calibration(release), areas[:MAX_AREAS], horizon)
        except ValueError:
            return None

    def base_values(self, release: str, areas: tuple[str, ...]) -> BaseValues:
        """The region's own TFR, life expectancy and net migration, with their period."""
        inputs = self.inputs(release, areas)
        years = self.service.years(release)
        mean = np.stack([self.area_inputs(release, key)[0].mean(axis=0) for key in areas])
        events = self.events(release)
        own = events[events["area_key"].isin(areas)]
        moves = own.groupby("event")["value"].sum()
        net = float(moves.get("move_in", 0.0) - moves.get("move_out", 0.0))
        return base_values(inputs.assumptions, mean, net, years)

    def _official(self, release: str, areas: tuple[str, ...]) -> bool:
        """True when any of the areas' population figures are official statistics."""
        cells = self.service.cells(release, "population")
        if "source" not in cells:
            return False
        return bool((cells.loc[cells["area_key"].isin(areas), "source"] == "official").any())

    def project(self, release: str, areas: tuple[str, ...], params: Params) -> RegionProjection:
        """Project each area with low, middle, high and sum them (custom regions too)."""
        inputs = self.inputs(release, areas)
        return project_inputs(inputs, params)

    # --- archived vintages --------------------------------------------------------------
    def vintages(self) -> pd.DataFrame:
        return list_vintages(self.service.engine)

    def vintage_rows(self, area_key: str) -> pd.DataFrame:
        """All archived vintages' rows of one area (vintage_id added)."""
        frames = [
            read_projection(self.service.engine, vintage_id, area_key=area_key)
            for vintage_id in self.vintages()["vintage_id"]
        ]
        frames = [f for f in frames if not f.empty]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def actual_totals(self, release: str, area_key: str) -> pd.DataFrame:
        """Published totals (year, value, status) of an area for projected-against-actual."""
        cells = self.service.cells(release, "population", area_key)
        rows = cells[
            (cells["sex"] == "total")
            & (cells["nationality"] == "total")
            & (cells["age_from"] == 0)
            & cells["age_to"].isna()
        ]
        return rows[["year", "value", "status"]].sort_values("year")


def project_inputs(inputs: RegionInputs, params: Params) -> RegionProjection:
    """Pure: the projection of a region from its inputs (summed over its areas)."""
    scenarios = params.scenarios()
    result = project_areas(
        inputs.population,
        inputs.assumptions,
        scenarios,
        params.horizon,
        base_year=inputs.base_year,
    )
    population = result.population.sum(axis=2)  # (scenarios, years, sex, age)
    adults = population[..., 18:].sum(axis=(-1, -2))
    growth = np.divide(adults, adults[:, :1], out=np.ones_like(adults), where=adults[:, :1] > 0)
    households = growth[..., None] * inputs.households[None, None, :]
    return RegionProjection(result.scenarios, result.years, population, households)


def key_groups_frame(projection: RegionProjection) -> pd.DataFrame:
    """Long frame group, scenario, year, value for the key age groups (both sexes)."""
    both = projection.population.sum(axis=-2)
    rows = []
    for key, (low, high) in KEY_GROUPS.items():
        values = both[..., low : (both.shape[-1] if high is None else high)].sum(axis=-1)
        for i, scenario in enumerate(projection.scenarios):
            rows += [
                (key, scenario, y, float(v))
                for y, v in zip(projection.years, values[i], strict=True)
            ]
    return pd.DataFrame(rows, columns=["group", "scenario", "year", "value"])


def get_projection_service() -> ProjectionService:
    """The projection service of the current app, created on first use."""
    extensions = current_app.extensions
    with _LOCK:
        if EXTENSION_KEY not in extensions:
            extensions[EXTENSION_KEY] = ProjectionService(get_service())
    return extensions[EXTENSION_KEY]


_LOCK = threading.Lock()
