"""Backtest of totals: pure function on literal data and the command on real GENESIS files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from etl.cli import main
from etl.projection.backtest import backtest, event_years, size_class, summarize_backtest

REAL_SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "real-samples"


def _observed() -> pd.DataFrame:
    """Area 01 grows by 10 % a year through births alone; area 02 is constant."""
    rows = []
    for year in range(2000, 2006):
        size = 1000 * 1.1 ** (year - 2000)
        rows.append(("01", year, size, size / 1.1 * 0.1 if year > 2000 else 0.0, 0.0))
        rows.append(("02", year, 20000.0, 100.0, 100.0))
    return pd.DataFrame(rows, columns=["area", "year", "population", "births", "deaths"])


def test_component_method_recovers_a_constant_growth_rate() -> None:
    result = backtest(_observed(), base_year=2003, target_year=2005, base_period=3)
    component = result[result["method"] == "component"].set_index("area")
    assert component.loc["02", "projected"] == pytest.approx(20000.0)
    # Crude birth rate over mean exposure, not start population: close, not equal.
    assert component.loc["01", "pct_error"] == pytest.approx(0.0, abs=1.0)
    constant = result[result["method"] == "constant"].set_index("area")
    assert constant.loc["01", "pct_error"] == pytest.approx((1 / 1.21 - 1) * 100)
    linear = result[result["method"] == "linear"].set_index("area")
    assert linear.loc["02", "pct_error"] == pytest.approx(0.0)
    assert list(result.columns) == [
        "area",
        "method",
        "size_class",
        "base_population",
        "projected",
        "observed",
        "pct_error",
    ]


def test_summary_by_size_class() -> None:
    result = backtest(_observed(), base_year=2003, target_year=2005)
    summary = summarize_backtest(result)
    assert list(summary.columns) == ["method", "size_class", "areas", "mape", "mdape", "bias"]
    constant = summary[summary["method"] == "constant"].set_index("size_class")
    assert constant.loc["< 2.000", "areas"] == 1
    assert constant.loc["alle", "areas"] == 2
    assert constant.loc["alle", "bias"] == pytest.approx((1 / 1.21 - 1) * 100 / 2)
    assert summary["method"].tolist()[0] == "component"


def test_only_data_up_to_the_base_year_are_used() -> None:
    observed = _observed()
    changed = observed.copy()
    changed.loc[changed["year"] == 2004, ["population", "births"]] *= 3
    first = backtest(observed, 2003, 2005)
    second = backtest(changed, 2003, 2005)
    pd.testing.assert_series_equal(first["projected"], second["projected"])


def test_event_years_need_the_previous_stock_and_skip_exclusions() -> None:
    assert event_years(range(2008, 2016), 2012, 5) == [2009, 2010, 2011, 2012]
    assert event_years(range(2008, 2016), 2012, 5, [2011]) == [2009, 2010, 2012]
    with pytest.raises(ValueError, match="no base-period year"):
        event_years([2012], 2012, 5)
    with pytest.raises(ValueError, match="must follow"):
        backtest(_observed(), 2003, 2003)


def test_size_classes() -> None:
    assert size_class(1999) == "< 2.000"
    assert size_class(2000) == "2.000 - < 5.000"
    assert size_class(10000) == ">= 10.000"


@pytest.mark.real_samples
@pytest.mark.skipif(not REAL_SAMPLES.is_dir(), reason="../shared/real-samples absent")
def test_backtest_command_on_werra_meissner(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, areas_out = tmp_path / "summary.csv", tmp_path / "areas.csv"
    args = [
        "backtest",
        "--base-year",
        "2012",
        "--target-year",
        "2015",
        "--genesis-dir",
        str(REAL_SAMPLES),
        "--out",
        str(out),
        "--areas-out",
        str(areas_out),
    ]
    assert main(args) == 0
    summary = pd.read_csv(out)
    overall = summary[summary["size_class"] == "alle"].set_index("method")
    assert overall.loc["component", "areas"] == 16  # Gutsbezirk Kaufunger Wald is empty
    assert overall["mape"].between(0, 10).all()
    areas = pd.read_csv(areas_out, dtype={"area": str})
    assert areas["area"].str.startswith("06636").all()
    assert "Backtest 2012 -> 2015" in capsys.readouterr().out


@pytest.mark.real_samples
@pytest.mark.skipif(not REAL_SAMPLES.is_dir(), reason="../shared/real-samples absent")
def test_backtest_command_reports_missing_tables(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = REAL_SAMPLES / "genesis_12411-01-01-5-B_population_sex_werra-meissner_2008-2015.csv"
    (tmp_path / source.name).write_bytes(source.read_bytes())
    args = [
        "backtest",
        "--base-year",
        "2012",
        "--target-year",
        "2015",
        "--genesis-dir",
        str(tmp_path),
    ]
    assert main(args) == 2
    assert "births, deaths" in capsys.readouterr().err


def test_backtest_series_are_rekeyed_to_the_territory_of_the_target_year() -> None:
    """Two Gemeinden merged on 1.1.2013: their series before the merger are summed."""
    import datetime as dt

    import pandas as pd

    from etl.commands.backtest import on_territory_of

    observed = pd.DataFrame(
        {
            "area": ["03159001", "03159002", "03159016"],
            "year": [2012, 2012, 2013],
            "population": [100.0, 50.0, 149.0],
            "births": [1.0, 0.0, 2.0],
            "deaths": [2.0, 1.0, 1.0],
        }
    )
    crosswalk = pd.DataFrame(
        {
            "old_key": ["03159001", "03159002"],
            "new_key": ["03159016", "03159016"],
            "weight": [1.0, 1.0],
            "valid_from": [dt.date(2013, 1, 1)] * 2,
        }
    )
    moved = on_territory_of(observed, crosswalk, dt.date(2013, 12, 31))
    assert moved.to_dict("records") == [
        {"area": "03159016", "year": 2012, "population": 150.0, "births": 1.0, "deaths": 3.0},
        {"area": "03159016", "year": 2013, "population": 149.0, "births": 2.0, "deaths": 1.0},
    ]
