"""Private households per Gemeinde from a projected population and persons per household.

households = projected population / persons per household. Persons per household is the
Zensus 2011 population of the area divided by its private households (12111-32-01-4: Kreise,
plus the Gemeinden it lists, such as Hannover; the rest of such a Kreis gets the residual),
or, where register households by size were uploaded, the municipality's own mean household
size. The ratio follows a damped national trend from the date it was observed. Needs,
assumes and leaves out: docs/projection.md, section "Haushalte / Households".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

CENSUS_TIME = 2011 + 128 / 365  # 09.05.2011 as a decimal year
OUTPUT_COLUMNS = ("ags", "year", "households", "lower", "upper", "method")
METHODS = ("register", "census_gemeinde", "census_kreis", "census_pooled")


@dataclass(frozen=True)
class HouseholdAssumptions:
    """Trend of persons per household and the size counted for households of 5+ persons.

    `annual_change` -0.2 % a year: the Destatis household projection 2020 (trend variant)
    expects 2.0 persons per household in 2018 and 1.9 in 2040 (ln(1.9/2.0)/22 = -0.23 %);
    1991-2012 the decline was faster (2.27 -> 2.01, -0.58 %), 2012-2019 slower (2.01 ->
    1.99, -0.14 %). `damping` shrinks each further year's change (1 = undamped).
    `top_size` is the mean size assumed for register households of 5 or more persons.
    """

    annual_change: float = -0.002
    damping: float = 0.95
    top_size: float = 5.4

    def __post_init__(self) -> None:
        if not -0.05 <= self.annual_change <= 0.05:
            raise ValueError(f"annual_change must lie in [-0.05, 0.05], got {self.annual_change}")
        if not 0 < self.damping <= 1:
            raise ValueError(f"damping must lie in (0, 1], got {self.damping}")
        if self.top_size < 5:
            raise ValueError(f"top_size must be at least 5, got {self.top_size}")


def trend_factor(elapsed: np.ndarray, assumptions: HouseholdAssumptions) -> np.ndarray:
    """Factor on persons per household after `elapsed` years (damped exponential trend)."""
    elapsed = np.clip(np.asarray(elapsed, dtype=float), 0.0, None)
    phi = assumptions.damping
    years = elapsed if phi == 1 else (1 - phi**elapsed) / (1 - phi)
    return np.exp(assumptions.annual_change * years)


def census_sizes(households: pd.DataFrame, persons: pd.DataFrame) -> pd.DataFrame:
    """Persons per household by census area: Gemeinden listed, else their Kreis's residual.

    `households`: `ags, household_type, value` (12111-32-01-4; 5-digit Kreise and 8-digit
    Gemeinden); `persons`: `ags, value`, the Zensus 2011 population per 8-digit Gemeinde.
    Returns `area, persons, households, size, method` (area 5 or 8 digits).
    """
    totals = households[households["household_type"] == "total"]
    totals = totals.groupby("ags")["value"].sum().astype(float)
    people = persons.groupby("ags")["value"].sum().astype(float)
    listed = totals[totals.index.str.len() == 8]
    kreise = totals[totals.index.str.len() == 5]
    kreis_people = people.groupby(people.index.str[:5]).sum()
    # A listed Gemeinde leaves its Kreis: the others get the rest of the Kreis.
    listed_people = people.reindex(listed.index)
    rest_households = kreise.sub(listed.groupby(listed.index.str[:5]).sum(), fill_value=0.0)
    rest_people = kreis_people.sub(listed_people.groupby(listed.index.str[:5]).sum(), fill_value=0)
    frames = [
        pd.DataFrame({"persons": listed_people, "households": listed, "method": "census_gemeinde"}),
        pd.DataFrame(
            {
                "persons": rest_people.reindex(kreise.index),
                "households": rest_households.reindex(kreise.index),
                "method": "census_kreis",
            }
        ),
    ]
    result = pd.concat(frames).rename_axis("area").reset_index()
    result = result[(result["persons"] > 0) & (result["households"] > 0)]
    return result.assign(size=result["persons"] / result["households"]).reset_index(drop=True)


def register_sizes(counts: pd.DataFrame, assumptions: HouseholdAssumptions) -> pd.DataFrame:
    """Mean household size per municipality from register counts `area_key, size, count, start`.

    `start` is the decimal year of the upload's reference date. Size 5 means 5 or more and
    counts as `assumptions.top_size` persons. Returns `area_key, size, start`.
    """
    if counts.empty:
        return pd.DataFrame(columns=["area_key", "size", "start"])
    unknown = sorted(set(counts["size"]) - {1, 2, 3, 4, 5})
    if unknown:
        raise ValueError(f"household sizes must be 1..5 (5 = five or more), got {unknown}")
    persons_each = counts["size"].astype(float).where(counts["size"] < 5, assumptions.top_size)
    frame = counts.assign(persons=persons_each * counts["count"])
    sums = frame.groupby("area_key").agg(
        persons=("persons", "sum"), households=("count", "sum"), start=("start", "max")
    )
    sums = sums[sums["households"] > 0]
    return (
        pd.DataFrame({"size": sums["persons"] / sums["households"], "start": sums["start"]})
        .rename_axis("area_key")
        .reset_index()
    )


def _size_table(
    areas: pd.Index, census: pd.DataFrame, register: pd.DataFrame | None
) -> pd.DataFrame:
    """Per area: size, the decimal year it was observed and the method."""
    by_area = census.set_index("area")
    pooled = census["persons"].sum() / census["households"].sum()
    table = pd.DataFrame({"size": pooled, "start": CENSUS_TIME, "method": "census_pooled"}, areas)
    kreis = by_area[by_area["method"] == "census_kreis"].reindex(areas.str[:5])
    found = kreis["size"].notna().to_numpy()
    table.loc[found, ["size", "method"]] = kreis.loc[found, ["size", "method"]].to_numpy()
    gemeinde = by_area[by_area["method"] == "census_gemeinde"].reindex(areas)
    found = gemeinde["size"].notna().to_numpy()
    table.loc[found, ["size", "method"]] = gemeinde.loc[found, ["size", "method"]].to_numpy()
    if register is not None and not register.empty:
        own = register.set_index("area_key").reindex(areas)
        found = own["size"].notna().to_numpy()
        table.loc[found, "size"] = own.loc[found, "size"].to_numpy()
        table.loc[found, "start"] = own.loc[found, "start"].to_numpy()
        table.loc[found, "method"] = "register"
    return table


def project_household_totals(
    population: pd.DataFrame,
    census: pd.DataFrame,
    register: pd.DataFrame | None = None,
    assumptions: HouseholdAssumptions | None = None,
) -> pd.DataFrame:
    """Households with bounds per area and year from the projected population.

    `population`: `ags, year, population, lower, upper` (totals, one row per area and year;
    year = 31.12. of that year); `census`: from `census_sizes`; `register` (optional):
    `area_key, size, start` with start the decimal year of the register's reference date.
    Bounds are the population bounds divided by the same size (size not uncertain here).
    """
    assumptions = assumptions or HouseholdAssumptions()
    if census.empty:
        raise ValueError("no census households: 12111-32-01-4 and 12111-02-01 are needed")
    areas = pd.Index(population["ags"].unique(), dtype=object)
    sizes = _size_table(areas, census, register)
    rows = population.merge(sizes, left_on="ags", right_index=True, validate="m:1")
    elapsed = rows["year"].to_numpy(float) + 1 - rows["start"].to_numpy(float)
    size = rows["size"].to_numpy(float) * trend_factor(elapsed, assumptions)
    result = pd.DataFrame(
        {
            "ags": rows["ags"].to_numpy(),
            "year": rows["year"].to_numpy(int),
            "households": rows["population"].to_numpy(float) / size,
            "lower": rows["lower"].to_numpy(float) / size,
            "upper": rows["upper"].to_numpy(float) / size,
            "method": rows["method"].to_numpy(),
        }
    )
    return result.sort_values(["ags", "year"], ignore_index=True)


def households_by_type(totals: pd.DataFrame, households: pd.DataFrame) -> pd.DataFrame:
    """Households split by the census type mix of their Kreis (held constant).

    `totals`: `ags, year, households`; `households`: 12111-32-01-4 rows (`ags,
    household_type, value`). Returns `ags, year, household_type, households`.
    """
    types = households[
        (households["household_type"] != "total") & (households["ags"].str.len() == 5)
    ]
    mix = types.pivot_table(index="ags", columns="household_type", values="value", aggfunc="sum")
    shares = mix.div(mix.sum(axis=1), axis=0).astype(float)
    joined = totals.assign(kreis=totals["ags"].str[:5]).merge(
        shares, left_on="kreis", right_index=True, how="inner", validate="m:1"
    )
    long = joined.melt(
        id_vars=["ags", "year", "households"],
        value_vars=list(shares.columns),
        var_name="household_type",
        value_name="share",
    )
    long["households"] = long["households"] * long["share"]
    return long.drop(columns="share").sort_values(
        ["ags", "year", "household_type"], ignore_index=True
    )
