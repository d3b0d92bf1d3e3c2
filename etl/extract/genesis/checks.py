"""Aggregate rows checked against the sum of their members in the same file.

Members of a Samtgemeinde (8 digits) are the 11-digit rows with its 8 digits; of a 9-digit
Verband (or a 12-digit Verband row) the 12-digit rows with its 9 digits; of a Kreis,
Regierungsbezirk or Land the data rows (Gemeinden, or Kreise in a Kreis table) whose key
starts with its code. A cell is checked when the aggregate is a number or '-' and no member is
'.', 'x' or '/'; '-' counts as 0. Decimal tables (area) allow the rounding of each value.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

DIMENSIONS: Final = (
    "year",
    "measure",
    "sex",
    "age_from",
    "age_to",
    "nationality",
    "household_type",
)


def check_aggregates(
    data_cells: pd.DataFrame, aggregate_cells: pd.DataFrame, depth: str, scale: int
) -> pd.DataFrame:
    """One row per aggregate line: line, check (text), mismatches (count)."""
    if aggregate_cells.empty:
        return pd.DataFrame({"line": [], "check": [], "mismatches": []})
    members = _member_sums(data_cells, depth)
    targets = aggregate_cells.assign(group=_aggregate_group(aggregate_cells))
    merged = _with_filled_ages(targets).merge(
        _with_filled_ages(members), on=["group", *DIMENSIONS], how="left", validate="m:1"
    )
    merged["checked"] = (
        merged["n"].notna() & merged["unknown"].eq(0) & merged["symbol"].isin(["", "-"])
    )
    own = merged["value"].fillna(0).astype("int64")
    tolerance = (merged["n"].fillna(0) + 1) / 2 if scale > 1 else 0
    merged["differs"] = merged["checked"] & ((own - merged["total"]).abs() > tolerance)
    merged["own"] = own
    return pd.DataFrame(
        [_verdict(line, block) for line, block in merged.groupby("line", sort=True)],
        columns=["line", "check", "mismatches"],
    )


def _member_sums(cells: pd.DataFrame, depth: str) -> pd.DataFrame:
    """Sum, member count and count of unknown cells per aggregate group and dimensions."""
    parts = []
    prefixes = (2, 3, 5) if depth == "gemeinde" else (2, 3)
    at_depth = cells[cells["level"].eq(depth)]
    for length in prefixes:
        parts.append(at_depth.assign(group=at_depth["key"].str[:length]))
    for length, prefix in ((11, 8), (12, 9)):
        verband = cells[cells["code"].str.len().eq(length)]
        parts.append(verband.assign(group="V" + verband["code"].str[:prefix]))
    frame = pd.concat(parts, ignore_index=True)
    frame = frame.assign(
        number=frame["value"].fillna(0).astype("int64"),
        unknown_cell=~frame["symbol"].isin(["", "-"]),
    )
    grouped = frame.groupby(["group", *DIMENSIONS], dropna=False, sort=False)
    return grouped.agg(
        total=("number", "sum"), n=("number", "size"), unknown=("unknown_cell", "sum")
    ).reset_index()


def _aggregate_group(cells: pd.DataFrame) -> pd.Series:
    code = cells["code"]
    verband = cells["level"].eq("gemeindeverband")
    return code.where(~verband, "V" + code.str[:9])


def _with_filled_ages(frame: pd.DataFrame) -> pd.DataFrame:
    """Open age ranges as -1 so that they join (a missing value never equals another)."""
    return frame.assign(age_to=frame["age_to"].astype("Int64").fillna(-1))


def _verdict(line: int, block: pd.DataFrame) -> tuple[int, str, int]:
    checked = int(block["checked"].sum())
    if block["n"].isna().all():
        return line, "nicht geprüft: keine Mitglieder in der Datei", 0
    if checked == 0:
        return line, "nicht geprüft: Werte geheim oder unbekannt", 0
    wrong = block[block["differs"]]
    if wrong.empty:
        return line, f"geprüft: {checked} Werte = Summe der Mitglieder", 0
    first = wrong.iloc[0]
    return (
        line,
        f"abweichend: {len(wrong)} von {checked} Werten, z. B. {first['column']}: "
        f"Zeile {first['own']}, Summe der Mitglieder {int(first['total'])}",
        len(wrong),
    )
