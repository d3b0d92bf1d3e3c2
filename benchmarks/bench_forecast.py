"""Backtest of the municipal forecast (`python -m etl forecast`) on the real official tables.

Run from the project root:
`.venv/bin/python -m benchmarks.bench_forecast
[--ni-dir ../shared/real-samples/niedersachsen-bremen] [--wmk-dir ../shared/real-samples]`.

Prints Markdown: MAPE by method, size class and horizon (origins pooled; targets after the
2011 census break put on the basis of the origin, see etl/projection/backtest_real.py), how
often the ensemble beats each baseline, and the coverage of the 80 % intervals computed by the
forecast itself from data up to its base year, checked on later years it did not see.
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

import numpy as np
import pandas as pd

from etl.commands.forecast import (
    CENSUS_MEASURES,
    CENSUS_TO_YEAR_END,
    history_from_official,
    read_official,
)
from etl.projection.age_shares import keep_shares, project_age_groups
from etl.projection.backtest_real import backtest_errors, comparable_observed
from etl.projection.baselines import TotalsHistory, constant_forecast, linear_forecast
from etl.projection.forecast import (
    DEFAULT_PARAMETERS,
    ForecastParameters,
    component_forecast,
    ensemble_forecast,
)
from etl.projection.forecast_output import birth_rate, forecast_table
from etl.projection.forecast_totals import forecast_totals
from etl.projection.intervals import (
    SIZE_LABELS,
    coverage_table,
    error_quantiles,
    ratios_for_horizons,
    size_class,
)

NI_PAIRS = [(2009, 2010), (2010, 2011), (2011, 2012), (2012, 2013), (2009, 2011), (2010, 2012)]
NI_PAIRS += [(2011, 2013), (2009, 2012), (2010, 2013), (2009, 2013)]
WMK_PAIRS = [(2011, 2013), (2012, 2014), (2013, 2015), (2011, 2014), (2012, 2015), (2011, 2015)]
NO_SHRINK = ForecastParameters(shrink=0.0)
NO_BREAK = ForecastParameters(breaks=())


def methods() -> dict:
    """The forecasters compared: baselines, single models, the ensemble and ablations."""
    return {
        "constant": lambda k, o, h: constant_forecast(k.population, o, h),
        "linear": lambda k, o, h: linear_forecast(k, o, h),
        "component (damped)": lambda k, o, h: component_forecast(k, o, h, DEFAULT_PARAMETERS),
        "ensemble without shrinkage": lambda k, o, h: ensemble_forecast(k, o, h, NO_SHRINK),
        "ensemble ignoring the census break": lambda k, o, h: ensemble_forecast(k, o, h, NO_BREAK),
        "ensemble": lambda k, o, h: ensemble_forecast(k, o, h, DEFAULT_PARAMETERS),
    }


def markdown(table: pd.DataFrame, digits: int = 2) -> str:
    """A frame as a Markdown table (index as first column), numbers rounded."""
    index = [" / ".join(map(str, i)) if isinstance(i, tuple) else str(i) for i in table.index]
    head = ["", *map(str, table.columns)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for label, (_, row) in zip(index, table.iterrows(), strict=True):
        cells = ["" if pd.isna(v) else f"{v:.{digits}f}" for v in row]
        lines.append("| " + " | ".join([label, *cells]) + " |")
    return "\n".join(lines)


def load(directory: Path) -> TotalsHistory:
    data, _ = read_official(directory)
    data = data.rename(columns={"ags": "area_key"})
    last = int(data.loc[data["measure"] == "population", "year"].max())
    return history_from_official(data, last, str(directory))


def mape_table(errors: pd.DataFrame) -> pd.DataFrame:
    """MAPE by method (rows) and size class (columns) for one horizon, plus all areas."""
    data = errors.assign(
        size_class=size_class(errors["base_population"]), ape=errors["error"].abs()
    )
    table = data.pivot_table(index="method", columns="size_class", values="ape", aggfunc="mean")
    table = table.reindex(columns=[c for c in SIZE_LABELS if c in table.columns])
    table["alle"] = data.groupby("method")["ape"].mean()
    counts = data[data["method"] == "constant"].groupby("size_class")["area"].count()
    table.columns = [
        f"{c} (n={counts.get(c, len(data[data['method'] == 'constant']))})"
        if c != "alle"
        else f"alle (n={int(counts.sum())})"
        for c in table.columns
    ]
    return table.reindex(list(methods()))


def wins(errors: pd.DataFrame) -> pd.Series:
    """Share of forecasts where the ensemble's error is smaller than each baseline's."""
    ape = errors.assign(ape=errors["error"].abs()).pivot_table(
        index=["area", "origin", "horizon"], columns="method", values="ape"
    )
    return pd.Series({b: (ape["ensemble"] < ape[b]).mean() for b in ("constant", "linear")})


def coverage(history: TotalsHistory, base_year: int, last: int) -> pd.DataFrame:
    """Intervals of the forecast from base_year (fit on data up to it) against later years."""
    result = forecast_totals(history.until(base_year), base_year, last - base_year)
    totals = result.totals
    observed = pd.concat(
        [
            comparable_observed(history, base_year, year).rename(year)
            for year in range(base_year + 1, last + 1)
        ],
        axis=1,
    )
    evaluated = totals.assign(
        forecast=totals["population"],
        observed=[observed.at[a, y] for a, y in zip(totals["area"], totals["year"], strict=True)],
    ).dropna(subset="observed")
    evaluated = evaluated[evaluated["base_population"] > 0]
    return coverage_table(evaluated, result.ratios).assign(base_year=base_year)


def leave_one_origin_out(errors: pd.DataFrame) -> pd.DataFrame:
    """Coverage at each origin of intervals fit on the ensemble's errors from all other origins."""
    ensemble = errors[errors["method"] == "ensemble"]
    tables = []
    for origin in sorted(ensemble["origin"].unique()):
        fit = ensemble[ensemble["origin"] != origin]
        ratios = ratios_for_horizons(error_quantiles(fit), range(1, 5))
        held_out = ensemble[ensemble["origin"] == origin]
        tables.append(coverage_table(held_out, ratios))
    table = pd.concat(tables, ignore_index=True)
    table["inside"] = table["coverage"] * table["areas"]
    summed = table.groupby(["horizon", "size_class"])[["inside", "areas"]].sum()
    wide = (summed["inside"] / summed["areas"]).unstack("size_class")
    return wide.reindex(columns=[c for c in (*SIZE_LABELS, "alle") if c in wide.columns])


def report(name: str, history: TotalsHistory, pairs: list, bases: list, last: int) -> None:
    errors = backtest_errors(history, methods(), pairs)
    errors = errors[errors["base_population"] > 0]
    print(f"\n### {name}: MAPE (%) by size class (population in the origin year)\n")
    for horizon in sorted(errors["horizon"].unique()):
        at = errors[errors["horizon"] == horizon]
        origins = sorted({(o, o + horizon) for o in at["origin"]})
        print(f"\nHorizon {horizon} ({', '.join(f'{o} → {t}' for o, t in origins)}):\n")
        print(markdown(mape_table(at)))
        share = wins(at)
        print(
            f"\nEnsemble more accurate than constant in {share['constant']:.0%} and than "
            f"linear in {share['linear']:.0%} of the area forecasts."
        )
    print(f"\n### {name}: coverage of the 80 % intervals (fit on data up to the base year)\n")
    table = pd.concat([coverage(history, base, last) for base in bases], ignore_index=True)
    wide = table.pivot_table(
        index=["base_year", "horizon"], columns="size_class", values="coverage"
    )
    wide = wide.reindex(columns=[c for c in (*SIZE_LABELS, "alle") if c in wide.columns])
    print(markdown(100 * wide, 0))
    print(f"\n### {name}: coverage, intervals fit on all other origins (by horizon)\n")
    print(markdown(100 * leave_one_origin_out(errors), 0))


CENSUS_BOUNDS = (0, 3, 6, 15, 18, 25, 30, 40, 50, 65, 75)
CENSUS_YEARS_TO_2015 = 4.65  # 09.05.2011 -> 31.12.2015


def census_age_groups(directory: Path) -> pd.DataFrame:
    """Zensus 2011 (12111-02-01-5-B) population by its 11 age groups, all sexes, per Gemeinde."""
    data, _ = read_official(directory)
    rows = data[data["measure"].isin(CENSUS_MEASURES) & (data["sex"] == "total")]
    rows = rows[rows["age_to"].notna() | (rows["age_from"] > 0)]
    wide = rows.pivot_table(index="ags", columns="age_from", values="value", aggfunc="first")
    return wide.reindex(columns=list(CENSUS_BOUNDS)).astype(float).dropna()


def actual_age_groups(directory: Path, year: int) -> pd.DataFrame:
    """12411-02-03-5-B totals by age group in `year`, summed into the census groups."""
    data, _ = read_official(directory)
    grouped = data["age_to"].notna() | (data["age_from"] > 0)
    rows = data[(data["year"] == year) & (data["sex"] == "total") & grouped]
    rows = rows[rows["measure"] == "population"]
    wide = rows.pivot_table(index="ags", columns="age_from", values="value", aggfunc="first")
    groups = np.searchsorted(CENSUS_BOUNDS, wide.columns.to_numpy(), side="right") - 1
    summed = wide.T.groupby(groups).sum().T.astype(float)
    summed.columns = list(CENSUS_BOUNDS)
    return summed


def age_report(census_dir: Path, wmk_dir: Path, history: TotalsHistory) -> None:
    """Census 2011 age groups carried to 31.12.2015 against the 2015 table (Werra-Meißner)."""
    census = census_age_groups(census_dir)
    actual = actual_age_groups(wmk_dir, 2015)
    actual = actual[actual.sum(axis=1) > 0]
    areas = [a for a in actual.index if a in census.index]
    base = census.loc[areas].to_numpy()
    totals = {
        "observed 2015 total": actual.loc[areas].sum(axis=1).to_numpy(),
        "ensemble total (base 2011)": ensemble_forecast(history.until(2011), 2011, 4)
        .loc[areas, 2015]
        .to_numpy(),
    }
    rate = birth_rate(history, 2011).reindex(areas).to_numpy()
    rows = {}
    for label, total in totals.items():
        steps = np.vstack([total] * 5)
        aged = project_age_groups(base, CENSUS_BOUNDS, steps, rate)
        fraction = CENSUS_YEARS_TO_2015 - 4
        carried = (1 - fraction) * aged[3] + fraction * aged[4]
        kept = keep_shares(base, total[None, :])[0]
        truth = actual.loc[areas].to_numpy()
        for method, values in (("census shares kept", kept), ("cohorts aged", carried)):
            ape = 100 * np.abs(values - truth) / np.where(truth > 0, truth, np.nan)
            rows[(label, method)] = [*np.nanmean(ape, axis=0), np.nanmean(ape)]
    columns = [f"{a}–{b - 1}" for a, b in itertools.pairwise(CENSUS_BOUNDS)] + ["75+", "all"]
    table = pd.DataFrame.from_dict(rows, orient="index", columns=columns)
    print(
        f"\n### Werra-Meißner-Kreis: age groups 2015 from the Zensus 2011 ({len(areas)} "
        "Gemeinden), MAPE (%) by age group\n"
    )
    print(markdown(table))


def age_interval_coverage(census_dir: Path, wmk_dir: Path, history: TotalsHistory) -> None:
    """Coverage of the age-group intervals of the forecast from 2011 (Zensus ages) in 2015."""
    census, _ = read_official(census_dir)
    wmk, _ = read_official(wmk_dir)
    census = census[census["ags"].str.startswith("06636") & (census["measure"] != "population")]
    census = census[census["measure"].isin(CENSUS_MEASURES)].rename(columns={"ags": "area_key"})
    stocks = wmk[(wmk["measure"] == "population") & (wmk["year"] == 2011)]
    stocks = stocks.rename(columns={"ags": "area_key"})
    table = forecast_table(history.until(2011), stocks, 2011, 4, census, CENSUS_TO_YEAR_END)
    rows = table[(table["year"] == 2015) & (table["sex"] == "total") & table["age_from"].notna()]
    actual = actual_age_groups(wmk_dir, 2015).stack().rename("observed")
    actual.index = actual.index.set_names(["ags", "age_from"])
    joined = rows.set_index(["ags", "age_from"]).join(actual, how="inner")
    joined = joined[joined["observed"] > 0]
    inside = (joined["observed"] >= joined["lower"]) & (joined["observed"] <= joined["upper"])
    print(
        f"\nAge-group 80 % intervals of the forecast from 2011 (Zensus ages), checked in 2015: "
        f"{inside.mean():.0%} of {len(inside)} Gemeinde x age group cells inside."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--ni-dir", type=Path, default=Path("../shared/real-samples/niedersachsen-bremen")
    )
    parser.add_argument("--wmk-dir", type=Path, default=Path("../shared/real-samples"))
    args = parser.parse_args()
    report("Niedersachsen and Bremen", load(args.ni_dir), NI_PAIRS, [2011, 2012], 2013)
    wmk = load(args.wmk_dir)
    report("Werra-Meißner-Kreis", wmk, WMK_PAIRS, [2011, 2013], 2015)
    age_report(args.ni_dir, args.wmk_dir, wmk)
    age_interval_coverage(args.ni_dir, args.wmk_dir, wmk)


if __name__ == "__main__":
    main()
