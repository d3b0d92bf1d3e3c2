"""Life tables and survival ratios."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from etl.projection.lifetable import (
    andreev_kingkade_a0,
    coale_demeny_4a1,
    default_ax,
    life_table,
    survival_from_L,
    survival_ratios,
)

from . import preston


@pytest.mark.parametrize(
    ("m0", "sex", "expected"),
    [
        (0.01, "female", 0.14903 - 2.05527 * 0.01),
        (0.03, "female", 0.04667 + 3.88089 * 0.03),
        (0.10, "female", 0.31411),
        (0.01, "male", 0.14929 - 1.99545 * 0.01),
        (0.05, "male", 0.02832 + 3.26201 * 0.05),
        (0.09, "male", 0.29915),
    ],
)
def test_andreev_kingkade_a0(m0: float, sex: str, expected: float) -> None:
    assert andreev_kingkade_a0(m0, sex) == pytest.approx(expected)


def test_coale_demeny_4a1_and_total_average() -> None:
    assert coale_demeny_4a1(0.02, "male") == pytest.approx(1.651 - 2.816 * 0.02)
    assert coale_demeny_4a1(0.2, "female") == pytest.approx(1.361)
    total = andreev_kingkade_a0(0.004, "total")
    both = (andreev_kingkade_a0(0.004, "female") + andreev_kingkade_a0(0.004, "male")) / 2
    assert total == pytest.approx(both)
    with pytest.raises(ValueError, match="sex must be one of"):
        andreev_kingkade_a0(0.01, "divers")


def test_default_ax_uses_half_width_and_open_group_inverse_rate() -> None:
    mx = np.array([0.004, 0.0002, 0.0001, 0.2])
    ax = default_ax(mx, np.array([1, 4, 5, np.inf]), "female")
    assert ax[2] == 2.5
    assert ax[3] == pytest.approx(5.0)
    assert ax[1] == pytest.approx(1.522 - 1.518 * 0.004)


@given(arrays(float, 6, elements=st.floats(1e-4, 0.5)))
def test_life_table_identities(rates: np.ndarray) -> None:
    ages = np.array([0, 1, 5, 10, 15, 20])
    widths = np.array([1, 4, 5, 5, 5, np.inf])
    table = life_table(ages, widths, rates * 1000, np.full(6, 1000.0), sex="male", radix=1000)
    assert table["dx"].sum() == pytest.approx(1000)
    assert np.all(np.diff(table["lx"]) <= 0)
    assert table["Tx"].iloc[0] == pytest.approx(table["Lx"].sum())
    assert table["ex"].iloc[0] == pytest.approx(table["Tx"].iloc[0] / 1000)
    assert table["qx"].iloc[-1] == 1.0


def test_life_table_refuses_zero_open_rate_and_zero_exposure() -> None:
    with pytest.raises(ValueError, match="open age group"):
        life_table([0, 5], [5, np.inf], [1, 0], [10, 10])
    with pytest.raises(ValueError, match="exposure"):
        life_table([0, 5], [5, np.inf], [1, 1], [0, 10])


def test_given_ax_overrides_default() -> None:
    table = life_table([0, 1], [1, np.inf], [10, 100], [1000, 500], ax=[0.3, np.nan])
    assert table["ax"].iloc[0] == 0.3


def _preston_table() -> pd.DataFrame:
    L = preston.L_5
    T = np.flip(np.cumsum(np.flip(L)))
    lx = np.full(18, np.nan)
    lx[0] = preston.RADIX
    return pd.DataFrame({"age": preston.AGES, "Lx": L, "Tx": T, "lx": lx})


def test_survival_ratios_match_preston_definitions() -> None:
    ratios = survival_ratios(_preston_table(), step=5, open_age=85)
    np.testing.assert_allclose(ratios["survival"], preston.survival())
    assert ratios["age"].tolist() == list(preston.AGES)


def test_survival_ratios_aggregate_abridged_table_into_five_year_groups() -> None:
    ages = np.array([0, 1, 5, 10, 15])
    widths = np.array([1, 4, 5, 5, np.inf])
    table = life_table(ages, widths, [5, 2, 1, 1, 50], [1000, 4000, 5000, 5000, 1000])
    ratios = survival_ratios(table, step=5, open_age=15)
    L5_0 = table["Lx"].iloc[0] + table["Lx"].iloc[1]
    assert ratios["survival"].iloc[0] == pytest.approx(L5_0 / (5 * 100_000))
    assert ratios["survival"].iloc[1] == pytest.approx(table["Lx"].iloc[2] / L5_0)
    with pytest.raises(ValueError, match="multiple of 3"):
        survival_ratios(table, step=3, open_age=15)


def test_survival_from_arrays_equals_frame_version() -> None:
    table = _preston_table()
    arrays_version = survival_from_L(
        table["Lx"].to_numpy(), table["Tx"].to_numpy(), table["lx"].to_numpy(), 5
    )
    np.testing.assert_allclose(arrays_version, preston.survival())
