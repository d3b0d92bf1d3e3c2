"""What GENESIS tables say about territory: Gemeinde populations, areas and listings."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from etl.extract.genesis import GenesisTable
from etl.transform.mergers import TerritoryFacts

POPULATION_MEASURE = "population"
AREA_MEASURE = "area_ha"


def territory_facts(tables: Iterable[GenesisTable]) -> TerritoryFacts:
    """Population totals, official areas (km²) and every Gemeinde row with its Samtgemeinde.

    The Samtgemeinde of a member row is the first 8 digits of its 11-digit code; rows of `-`
    count too, since the files list a Gemeinde under the Verband it joined later.
    """
    populations, areas, listings = [], [], []
    for table in tables:
        data = table.data[table.data["level"] == "gemeinde"]
        totals = data[_is_total(data) & data["value"].notna()]
        population = totals[totals["measure"] == POPULATION_MEASURE]
        populations.append(population[["ags", "year", "value"]])
        area = totals[totals["measure"] == AREA_MEASURE]
        areas.append(area.assign(area_km2=area["value"] / 100)[["ags", "year", "area_km2"]])
        listings.append(_listings(table.report))
    population = pd.concat(populations).drop_duplicates(["ags", "year"], keep="first")
    area = pd.concat(areas).drop_duplicates(["ags", "year"], keep="first")
    return TerritoryFacts(
        population.astype({"value": "float64"}).reset_index(drop=True),
        area.astype({"area_km2": "float64"}).reset_index(drop=True),
        pd.concat(listings).drop_duplicates().reset_index(drop=True),
    )


def _is_total(data: pd.DataFrame) -> pd.Series:
    total = data["sex"].isin(["total"]) | data["sex"].isna()
    # All ages: age_from 0 (or none) and no upper bound.
    total &= data["age_from"].fillna(0).eq(0) & data["age_to"].isna()
    for column in ("nationality", "household_type"):
        total &= data[column].isin(["total"]) | data[column].isna()
    return total


def _listings(report: pd.DataFrame) -> pd.DataFrame:
    rows = report[(report["level"] == "gemeinde") & report["status"].isin(["mapped", "vanished"])]
    code = rows["code"].astype(str)
    return pd.DataFrame(
        {
            "ags": rows["key"].astype(str),
            "name": rows["name"].astype(str),
            "verband": code.where(code.str.len() == 11, "").str[:8],
            "with_values": rows["status"].eq("mapped"),
        }
    )
