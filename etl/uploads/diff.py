"""Differences between an extract and the previous upload of the same municipality and date."""

from __future__ import annotations

from typing import Final

import pandas as pd

from etl.model import TABLE_COLUMNS
from etl.uploads.report import TableChange, TableDiff

TOP_CHANGES: Final = 5


def table_diff(name: str, new: pd.DataFrame, old: pd.DataFrame) -> TableDiff:
    """Rows added, removed and changed, the totals, and the largest changes of one table."""
    keys = list(TABLE_COLUMNS[name][:-1])
    merged = new[[*keys, "count"]].merge(
        old[[*keys, "count"]],
        on=keys,
        how="outer",
        suffixes=("_new", "_old"),
        validate="1:1",
        indicator=True,
    )
    merged[["count_new", "count_old"]] = merged[["count_new", "count_old"]].fillna(0)
    merged["change"] = merged["count_new"] - merged["count_old"]
    changed = merged[(merged["_merge"] == "both") & (merged["change"] != 0)]
    largest = (
        merged[merged["change"] != 0]
        .reindex(
            merged.loc[merged["change"] != 0, "change"].abs().sort_values(ascending=False).index
        )
        .head(TOP_CHANGES)
    )
    return TableDiff(
        table=name,
        added=int((merged["_merge"] == "left_only").sum()),
        removed=int((merged["_merge"] == "right_only").sum()),
        changed=len(changed),
        total_new=int(merged["count_new"].sum()),
        total_old=int(merged["count_old"].sum()),
        largest=tuple(_change(r, keys) for _, r in largest.iterrows()),
    )


def _change(row: pd.Series, keys: list[str]) -> TableChange:
    cells = {k: int(row[k]) if k in ("age", "size") else str(row[k]) for k in keys}
    return TableChange(cells=cells, old=int(row["count_old"]), new=int(row["count_new"]))


def extract_diff(
    new: dict[str, pd.DataFrame], old: dict[str, pd.DataFrame]
) -> tuple[TableDiff, ...]:
    """One entry per table of the extract."""
    return tuple(table_diff(name, new[name], old[name]) for name in TABLE_COLUMNS)
