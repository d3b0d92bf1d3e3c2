"""Indicator math on tiny literal frames: values, statuses and bounds."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dashboard import indicators
from etl.symbols import NOT_AVAILABLE, PUBLISHED, SUPPRESSED, ZERO

NA = pd.NA


def cells(rows: list[tuple]) -> pd.DataFrame:
    """(area, age_from, age_to, value, status) rows of sex total, nationality total."""
    frame = pd.DataFrame(rows, columns=["area_key", "age_from", "age_to", "value", "status"])
    frame["age_to"] = frame["age_to"].astype("Int64")
    frame["value"] = frame["value"].astype("Int64")
    return frame.assign(sex="total", nationality="total", year=2023)


BROAD = cells(
    [
        ("A", 0, NA, 100, PUBLISHED),
        ("A", 0, 18, 20, PUBLISHED),
        ("A", 18, 65, 60, PUBLISHED),
        ("A", 65, NA, 20, PUBLISHED),
        ("B", 0, NA, 50, PUBLISHED),
        ("B", 0, 18, NA, SUPPRESSED),
        ("B", 18, 65, 40, PUBLISHED),
        ("B", 65, NA, 8, PUBLISHED),
        ("C", 0, NA, 0, ZERO),
        ("C", 0, 18, 0, ZERO),
        ("C", 18, 65, 0, ZERO),
        ("C", 65, NA, 0, ZERO),
    ]
)


def test_share_published_and_bounded() -> None:
    share = indicators.share_of_ages(BROAD, 0, 18)
    assert share.loc["A", "value"] == pytest.approx(20.0)
    assert share.loc["A", "status"] == PUBLISHED
    # B: 0-18 suppressed; >= 1 and <= 50 - 40 - 8 = 2 -> 2 % .. 4 %
    assert share.loc["B", "status"] == SUPPRESSED
    assert math.isnan(share.loc["B", "value"])
    assert (share.loc["B", "lower"], share.loc["B", "upper"]) == pytest.approx((2.0, 4.0))
    # C: nobody lives there -> a share is not available, not zero
    assert share.loc["C", "status"] == NOT_AVAILABLE


def test_share_of_range_not_tiled_is_not_available() -> None:
    # 75+ cannot be formed from the broad groups 0-18, 18-65, 65+
    share = indicators.share_of_ages(BROAD, 75, None)
    assert set(share["status"]) == {NOT_AVAILABLE}
    assert indicators.share_of_ages(BROAD, 65, None).loc["A", "value"] == pytest.approx(20.0)


def test_dependency_ratio_needs_20_64() -> None:
    ratio = indicators.dependency_ratio(BROAD, "old")
    assert set(ratio["status"]) == {NOT_AVAILABLE}
    fine = cells(
        [
            ("A", 0, NA, 100, PUBLISHED),
            ("A", 0, 20, 25, PUBLISHED),
            ("A", 20, 65, 50, PUBLISHED),
            ("A", 65, NA, 25, PUBLISHED),
        ]
    )
    assert indicators.dependency_ratio(fine, "old").loc["A", "value"] == pytest.approx(50.0)
    assert indicators.dependency_ratio(fine, "youth").loc["A", "value"] == pytest.approx(50.0)


def test_mean_age_from_midpoints_and_suppression() -> None:
    frame = cells(
        [
            ("A", 0, NA, 4, PUBLISHED),
            ("A", 0, 10, 2, PUBLISHED),
            ("A", 10, 20, 1, PUBLISHED),
            ("A", 75, NA, 1, PUBLISHED),
        ]
    )
    # (2*5 + 1*15 + 1*85) / 4 = 27.5 (open group 75+ counted at 85)
    assert indicators.mean_age(frame).loc["A", "value"] == pytest.approx(27.5)
    assert indicators.mean_age(BROAD).loc["B", "status"] == SUPPRESSED


def test_count_passes_status_and_change_needs_both_years() -> None:
    now = indicators.totals(BROAD)
    before = now.assign(value=[80.0, 50.0, 0.0], status=[PUBLISHED, PUBLISHED, ZERO])
    change = indicators.change(now, before)
    assert change.loc["A", "value"] == pytest.approx(25.0)
    assert change.loc["C", "status"] == NOT_AVAILABLE  # nothing to divide by
    assert set(indicators.change(now, None)["status"]) == {NOT_AVAILABLE}
    counted = indicators.count(now)
    assert counted.loc["C", "status"] == ZERO and counted.loc["C", "value"] == 0


def test_events_rate_suppressed_component_makes_rate_suppressed() -> None:
    total = indicators.totals(BROAD)
    events = pd.DataFrame(
        {
            "area_key": ["A", "A", "B", "B"],
            "event": ["move_in", "move_out"] * 2,
            "value": pd.array([10, 4, NA, 3], dtype="Int64"),
            "status": [PUBLISHED, PUBLISHED, SUPPRESSED, PUBLISHED],
        }
    )
    rate = indicators.events_rate(events, "move_in", total, minus="move_out")
    assert rate.loc["A", "value"] == pytest.approx(60.0)
    assert rate.loc["B", "status"] == SUPPRESSED and math.isnan(rate.loc["B", "value"])
    births = indicators.events_rate(events, "birth", total)
    assert set(births["status"]) == {NOT_AVAILABLE}


def test_household_indicators() -> None:
    households = pd.DataFrame(
        {
            "area_key": ["A"] * 6,
            "size": [0, 1, 2, 3, 4, 5],
            "value": pd.array([10, 4, 3, 1, 1, 1], dtype="Int64"),
            "status": [PUBLISHED] * 6,
        }
    )
    out = indicators.household_indicators(households, pd.Index(["A"]))
    assert out["households"].loc["A", "value"] == 10
    assert out["hh_share_1"].loc["A", "value"] == pytest.approx(40.0)
    # (4 + 6 + 3 + 4 + 5) / 10 with 5+ counted as 5
    assert out["mean_hh_size"].loc["A", "value"] == pytest.approx(2.2)


def test_compute_all_covers_every_indicator() -> None:
    frame = pd.concat([BROAD, BROAD.assign(year=2022)])
    empty = pd.DataFrame(columns=["area_key", "size", "event", "value", "status"])
    out = indicators.compute_all(frame, empty, empty, pd.Series({"A": 2.0}), 2023)
    assert set(out["indicator"]) == set(indicators.BY_KEY)
    density = out[(out.indicator == "density") & (out.area_key == "A")].iloc[0]
    assert density["value"] == pytest.approx(50.0)
    assert set(out["status"]) <= {PUBLISHED, ZERO, SUPPRESSED, NOT_AVAILABLE}


def test_natural_balance_with_a_suppressed_count_is_a_bound_never_a_number() -> None:
    """Births suppressed, 5 deaths: the balance is >= 1 - 5, not -5 (issue 8, Damnatz)."""
    from dashboard.figures import components_of_change

    events = pd.DataFrame(
        {
            "year": [2022, 2022, 2023, 2023, 2023, 2023],
            "event": ["birth", "death", "birth", "death", "move_in", "move_out"],
            "value": pd.array([pd.NA, 5, 2, pd.NA, 10, 3], "Int64"),
            "status": [
                "suppressed",
                "published",
                "published",
                "suppressed",
                "published",
                "published",
            ],
        }
    )
    balance = indicators.balance(events, "birth", "death")
    assert balance.loc[2022, "status"] == "suppressed"
    assert pd.isna(balance.loc[2022, "value"])
    assert balance.loc[2022, "lower"] == -4 and pd.isna(balance.loc[2022, "upper"])
    assert balance.loc[2023, "upper"] == 1 and pd.isna(balance.loc[2023, "lower"])
    figure = components_of_change(events, "de")
    natural = figure.data[0]
    assert all(pd.isna(v) for v in natural.y)  # no bar drawn from a suppressed count
    assert list(natural.hovertext) == ["≥ -4", "≤ +1"]
    migration = figure.data[1]
    assert list(migration.y)[1] == 7
