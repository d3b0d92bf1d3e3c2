"""The numpy group-by helpers of the extract checks, against pandas on the same rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.extract.grouping import first_duplicate, group_codes, group_sums, map_unique

ROWS = st.lists(
    st.tuples(st.sampled_from(["de", "foreign", "ä"]), st.integers(0, 3), st.integers(0, 9)),
    max_size=40,
)


def columns(rows: list[tuple[str, int, int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    names = np.array([r[0] for r in rows], dtype=object)
    ages = np.array([r[1] for r in rows], dtype=np.int64)
    return names, ages, np.array([r[2] for r in rows], dtype=np.int64)


@settings(deadline=None)  # the first call imports pandas' hashing; the machine may be busy
@given(ROWS)
def test_group_sums_equal_pandas_groupby(rows):
    names, ages, counts = columns(rows)
    codes, groups = group_codes([names, ages])
    assert groups == len(set(zip(names, ages, strict=True)))
    mask = counts % 2 == 0
    sums = group_sums(codes, groups, mask, counts)
    frame = pd.DataFrame({"name": names, "age": ages, "count": counts, "code": codes})
    expected = np.zeros(groups, dtype=np.int64)
    for code, total in frame[mask].groupby("code")["count"].sum().items():
        expected[code] = total
    assert sums.tolist() == expected.tolist()


@settings(deadline=None)  # the first call imports pandas' hashing; the machine may be busy
@given(ROWS)
def test_first_duplicate_is_the_first_row_pandas_marks(rows):
    names, ages, _ = columns(rows)
    marked = pd.DataFrame({"name": names, "age": ages}).duplicated().to_numpy()
    expected = int(marked.argmax()) if marked.any() else None
    assert first_duplicate([names, ages]) == expected


def test_map_unique_calls_once_per_value_and_keeps_row_order():
    calls: list[str] = []

    def upper(value: str) -> str:
        calls.append(value)
        return value.upper()

    column = np.array(["a", "b", "a", "c", "b"], dtype=object)
    assert map_unique(column, upper).tolist() == ["A", "B", "A", "C", "B"]
    assert calls == ["a", "b", "c"]
    assert map_unique(np.array([], dtype=object), upper, bool).shape == (0,)


def test_group_codes_of_no_rows():
    codes, groups = group_codes([np.array([], dtype=object)])
    assert (len(codes), groups) == (0, 0)
