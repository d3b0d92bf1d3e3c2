"""Turn projection arrays into long data frames (and back) for files and the dashboard."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from etl.projection.engine import SEXES, Projection

POPULATION_COLUMNS = ("area", "step", "sex", "age", "population")
COMPONENT_COLUMNS = ("area", "step", "sex", "births", "deaths", "net_migration")


def population_frame(
    projection: Projection,
    areas: Sequence[str],
    ages: Sequence[int],
    *,
    include_base: bool = False,
) -> pd.DataFrame:
    """Long frame `area, step, sex, age, population` (steps 1..K; 0 too with include_base)."""
    values = projection.population if include_base else projection.population[1:]
    first = 0 if include_base else 1
    steps = values.shape[0]
    index = pd.MultiIndex.from_product(
        [range(first, first + steps), list(areas), SEXES, list(ages)],
        names=["step", "area", "sex", "age"],
    )
    frame = pd.DataFrame({"population": values.reshape(-1)}, index=index).reset_index()
    frame["area"] = frame["area"].astype(str)
    return frame[list(POPULATION_COLUMNS)]


def components_frame(projection: Projection, areas: Sequence[str]) -> pd.DataFrame:
    """Long frame `area, step, sex, births, deaths, net_migration` for steps 1..K."""
    steps = projection.births.shape[0]
    index = pd.MultiIndex.from_product(
        [range(1, steps + 1), list(areas), SEXES], names=["step", "area", "sex"]
    )
    frame = pd.DataFrame(
        {
            "births": projection.births.reshape(-1),
            "deaths": projection.deaths.reshape(-1),
            "net_migration": projection.net_migration.reshape(-1),
        },
        index=index,
    ).reset_index()
    frame["area"] = frame["area"].astype(str)
    return frame[list(COMPONENT_COLUMNS)]


def population_array(
    frame: pd.DataFrame, areas: Sequence[str], ages: Sequence[int], value: str = "population"
) -> np.ndarray:
    """Array (areas, sex, age) from a long frame `area, sex, age, <value>`; absent cells are 0."""
    index = pd.MultiIndex.from_product([list(areas), SEXES, list(ages)])
    keyed = frame.set_index(["area", "sex", "age"])[value]
    return keyed.reindex(index, fill_value=0.0).to_numpy(float).reshape(len(areas), 2, len(ages))
