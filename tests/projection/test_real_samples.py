"""From the real Werra-Meißner GENESIS exports to a scenario projection (skipped if absent)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from etl.commands.backtest import read_directory
from etl.extract.genesis import read_genesis
from etl.projection import standard
from etl.projection.area import project_areas
from etl.projection.assumptions import assumptions_from_totals
from etl.projection.scenarios import STANDARD_SCENARIOS
from etl.projection.ungroup import GENESIS_17_BOUNDS, group_sums, split_age_groups

REAL_SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "real-samples"
AGE_GROUPS = (
    REAL_SAMPLES / "genesis_12411-02-03-5-B_population_sex_agegroups17_werra-meissner_2015.csv"
)

pytestmark = [
    pytest.mark.real_samples,
    pytest.mark.skipif(not REAL_SAMPLES.is_dir(), reason="../shared/real-samples absent"),
]


def _grouped_2015() -> tuple[tuple[str, ...], np.ndarray]:
    data = read_genesis(AGE_GROUPS).data
    groups = data[(data["sex"] != "total") & data["value"].notna()]
    groups = groups[~((groups["age_from"] == 0) & groups["age_to"].isna())]
    table = groups.pivot_table(index=["ags", "sex"], columns="age_from", values="value")
    areas = tuple(sorted(groups["ags"].unique()))
    values = table.loc[[(a, s) for a in areas for s in ("female", "male")]].to_numpy(float)
    return areas, values.reshape(len(areas), 2, 17)


def test_genesis_age_groups_split_exactly_into_single_years() -> None:
    areas, grouped = _grouped_2015()
    assert len(areas) == 16 and list(grouped.shape) == [16, 2, 17]
    single = split_age_groups(grouped, GENESIS_17_BOUNDS)
    assert single.shape == (16, 2, 101)
    assert np.all(single >= 0)
    np.testing.assert_allclose(group_sums(single, GENESIS_17_BOUNDS), grouped, atol=1e-9)


def test_werra_meissner_projection_from_totals_and_reference_schedules() -> None:
    areas, grouped = _grouped_2015()
    population = split_age_groups(grouped, GENESIS_17_BOUNDS)
    observed = read_directory(REAL_SAMPLES).set_index(["area", "year"]).sort_index()
    period = observed.loc[pd.IndexSlice[list(areas), 2012:2015], :]
    sums = period.groupby(level="area")[["births", "deaths"]].sum().loc[list(areas)]
    stocks = observed["population"].unstack("year").loc[list(areas)]
    net = stocks[2015] - stocks[2011] - sums["births"] + sums["deaths"]
    assumptions = assumptions_from_totals(
        areas,
        population,
        {
            "births": sums["births"].to_numpy(),
            "deaths": sums["deaths"].to_numpy(),
            "net_migration": net.to_numpy(),
        },
        fertility_schedule=standard.fertility_schedule(),
        reference_mx=standard.reference_death_rates(),
        reference_migration=standard.migration_schedule(),
        years=4,
    )
    result = project_areas(population, assumptions, STANDARD_SCENARIOS, 20, base_year=2015)
    totals = result.totals_frame().groupby(["scenario", "year"])["population"].sum()
    kreis_2015 = totals.loc[("middle", 2015)]
    assert kreis_2015 == pytest.approx(stocks[2015].sum())
    low, middle, high = (totals.loc[(s, 2035)] for s in ("low", "middle", "high"))
    assert low < middle < high
    assert 0.6 * kreis_2015 < middle < 1.2 * kreis_2015
