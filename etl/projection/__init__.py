"""Population projection: life tables, cohort-component steps, assumptions, households.

Public API: pure functions over numpy arrays and pandas frames; see docs/projection.md.
"""

from etl.projection.area import AreaProjection, project_area, project_areas
from etl.projection.assumptions import Assumptions, borrow_strength
from etl.projection.backtest import backtest, summarize_backtest
from etl.projection.engine import (
    GrossMigration,
    MigrationRates,
    NetMigration,
    Projection,
    StepInputs,
    project,
    project_step,
)
from etl.projection.history import ObservedCounts, observed_counts
from etl.projection.households import household_rates, households_by_size, project_households
from etl.projection.lifetable import life_table, survival_ratios
from etl.projection.scenarios import HIGH, LOW, MIDDLE, STANDARD_SCENARIOS, Scenario
from etl.projection.smallarea import control_to_total, hamilton_perry, project_small_areas
from etl.projection.ungroup import GENESIS_17_BOUNDS, split_age_groups

__all__ = [
    "GENESIS_17_BOUNDS",
    "HIGH",
    "LOW",
    "MIDDLE",
    "STANDARD_SCENARIOS",
    "AreaProjection",
    "Assumptions",
    "GrossMigration",
    "MigrationRates",
    "NetMigration",
    "ObservedCounts",
    "Projection",
    "Scenario",
    "StepInputs",
    "backtest",
    "borrow_strength",
    "control_to_total",
    "hamilton_perry",
    "household_rates",
    "households_by_size",
    "life_table",
    "observed_counts",
    "project",
    "project_area",
    "project_areas",
    "project_households",
    "project_small_areas",
    "project_step",
    "split_age_groups",
    "summarize_backtest",
    "survival_ratios",
]
