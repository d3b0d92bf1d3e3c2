"""The forecast table: totals, sexes and age groups per Gemeinde and year, with intervals.

Sexes keep their base-year shares of the total. Age groups (where the base year has them)
come from `etl.projection.age_shares`. Every row carries an 80 % interval from the backtest
errors of areas of its size; age groups at least the wider age-group error measured from the
Zensus 2011 to 2015 in the Werra-Meißner-Kreis (`intervals.widen_for_age_groups`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from etl.projection.age_shares import project_age_groups
from etl.projection.baselines import TotalsHistory
from etl.projection.forecast_totals import TotalsForecast, forecast_totals
from etl.projection.intervals import interval_bounds, widen_for_age_groups

OUTPUT_COLUMNS = ("ags", "year", "sex", "age_from", "age_to", "population", "lower", "upper")
SEXES = ("female", "male")


def _all_ages(stocks: pd.DataFrame) -> pd.Series:
    return (stocks["age_from"] == 0) & stocks["age_to"].isna()


def sex_shares(stocks: pd.DataFrame) -> pd.DataFrame:
    """Base-year share of each sex in the total (rows: areas with both sexes)."""
    rows = stocks[_all_ages(stocks) & stocks["sex"].isin(SEXES)]
    wide = rows.pivot_table(index="area_key", columns="sex", values="value", aggfunc="first")
    wide = wide.reindex(columns=list(SEXES)).astype(float).dropna()
    wide = wide[wide.sum(axis=1) > 0]
    return wide.div(wide.sum(axis=1), axis=0)


def birth_rate(history: TotalsHistory, base_year: int, years: int = 3) -> pd.Series:
    """Crude birth rate per area over the last `years` years up to the base year."""
    span = list(range(base_year - years + 1, base_year + 1))
    births = history.births.reindex(columns=span).sum(axis=1, min_count=1)
    stocks = history.population.reindex(columns=span).sum(axis=1, min_count=1)
    return (births / stocks).fillna(0.0).clip(0.0, 0.05)


def _rows(
    frame: pd.DataFrame,
    sex: str,
    ratios: pd.DataFrame,
    size: pd.Series,
    years_before: float | None = None,
) -> pd.DataFrame:
    """Rows with interval bounds; age groups (years_before given) widened for age error."""
    lower, upper = interval_bounds(frame["population"], size, frame["horizon"], ratios)
    if years_before is not None:
        elapsed = frame["horizon"] + years_before
        lower, upper = widen_for_age_groups(lower, upper, frame["population"], size, elapsed)
    return frame.assign(sex=sex, lower=lower, upper=upper)


def _sex_rows(result: TotalsForecast, shares: pd.DataFrame) -> list[pd.DataFrame]:
    totals = result.totals
    frames = [totals.assign(sex="total")[["area", "year", "sex", "population", "lower", "upper"]]]
    for sex in SEXES:
        share = totals["area"].map(shares[sex])
        part = totals.assign(population=totals["population"] * share).dropna(subset="population")
        size = part["base_population"] * share.loc[part.index]
        frames.append(_rows(part, sex, result.ratios, size))
    return frames


def _age_rows(
    result: TotalsForecast,
    stocks: pd.DataFrame,
    ages: pd.DataFrame,
    sex: str,
    births: pd.Series,
    years_before: float,
) -> pd.DataFrame | None:
    groups = ages[~_all_ages(ages) & (ages["sex"] == sex)]
    if groups.empty:
        return None
    wide = groups.pivot_table(
        index="area_key", columns="age_from", values="value", aggfunc="first"
    ).astype(float)
    bounds = sorted(int(a) for a in wide.columns)
    if bounds[0] != 0:
        return None
    wide = wide.dropna()
    sex_total = stocks[_all_ages(stocks) & (stocks["sex"] == sex)].set_index("area_key")["value"]
    totals = result.totals.pivot(index="year", columns="area", values="population")
    areas = [a for a in wide.index if a in totals.columns and a in sex_total.index]
    if not areas:
        return None
    base = result.totals.groupby("area")["base_population"].first()
    share = sex_total.reindex(areas).astype(float) / base.reindex(areas).replace(0.0, np.nan)
    targets = totals[areas].to_numpy() * share.fillna(0.0).to_numpy()[None, :]
    counts = project_age_groups(
        wide.loc[areas].to_numpy(),
        bounds,
        targets,
        births.reindex(areas).to_numpy(),
        years_before,
    )
    years = list(totals.index)
    return _long_age_rows(counts, years, areas, bounds, wide, sex, result.ratios, years_before)


def _long_age_rows(
    counts: np.ndarray,
    years: list[int],
    areas: list[str],
    bounds: list[int],
    base_counts: pd.DataFrame,
    sex: str,
    ratios: pd.DataFrame,
    years_before: float,
) -> pd.DataFrame:
    """Rows (area, year, horizon, population, age_from, age_to) from counts (H, n, groups)."""
    n_years, n_areas, n_groups = counts.shape
    uppers = [*bounds[1:], None]
    long = pd.DataFrame(
        {
            "year": np.repeat(years, n_areas * n_groups),
            "area": np.tile(np.repeat(areas, n_groups), n_years),
            "age_from": np.tile(bounds, n_years * n_areas),
            "age_to": pd.array(uppers * (n_years * n_areas), dtype="Int64"),
            "population": counts.reshape(-1),
        }
    )
    long["horizon"] = long["year"] - min(years) + 1
    size = pd.Series(np.tile(base_counts.loc[areas, bounds].to_numpy().reshape(-1), n_years))
    return _rows(long, sex, ratios, size, years_before)


def forecast_table(
    history: TotalsHistory,
    stocks: pd.DataFrame,
    base_year: int,
    horizon: int,
    ages: pd.DataFrame | None = None,
    years_before: float = 0.0,
) -> pd.DataFrame:
    """The output rows (OUTPUT_COLUMNS), sorted by key, year, sex and age.

    `stocks` holds the base-year population rows (area_key, sex, age_from, age_to, value);
    `ages` the rows with age groups to start from (default: `stocks`), observed
    `years_before` years before 31.12. of the base year (e.g. the Zensus of 9 May 2011).
    """
    result = forecast_totals(history, base_year, horizon)
    frames = _sex_rows(result, sex_shares(stocks))
    births = birth_rate(history, base_year)
    ages = stocks if ages is None else ages
    for sex in ("total", *SEXES):
        rows = _age_rows(result, stocks, ages, sex, births, years_before)
        if rows is not None:
            frames.append(rows)
    table = pd.concat(frames, ignore_index=True).rename(columns={"area": "ags"})
    for column in ("age_from", "age_to"):
        table[column] = table.get(column, pd.Series(pd.NA, index=table.index)).astype("Int64")
    table["population"] = table["population"].round().astype("int64")
    table["lower"] = np.floor(table["lower"]).astype("int64")
    table["upper"] = np.ceil(table["upper"]).astype("int64")
    order = {"total": 0, "female": 1, "male": 2}
    table = table.assign(_sex=table["sex"].map(order), _age=table["age_from"].fillna(-1))
    table = table.sort_values(["ags", "year", "_sex", "_age"]).drop(columns=["_sex", "_age"])
    return table[list(OUTPUT_COLUMNS)].reset_index(drop=True)
