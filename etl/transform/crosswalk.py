"""Territorial crosswalk: show time series on one territorial status.

A crosswalk row (old_key, new_key, weight, valid_from) says that from `valid_from` on the area
`old_key` belongs to `new_key` with share `weight` (1 for a merger, < 1 for the parts of a
split; the weights of one old key and date sum to 1). `apply_crosswalk` re-keys values whose
reference year ends before `valid_from`, step by step in date order, so chains (A -> B in 2019,
B -> C in 2021) end at C. Results from a weight < 1 are estimates (`estimated` is True).
Pure: the file is read by etl.extract.crosswalk.read_crosswalk.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

import pandas as pd

from etl.errors import InputError

COLUMNS: Final = ("old_key", "new_key", "weight", "valid_from")
TOLERANCE: Final = 1e-6


def validate_crosswalk(raw: pd.DataFrame, *, file: str = "") -> pd.DataFrame:
    """Typed crosswalk: keys str, weight float in (0, 1], valid_from date; errors name the row."""
    raw = raw.rename(columns=lambda c: str(c).strip().lower())
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        raise InputError(
            f"Spalten fehlen: {', '.join(missing)}; erwartet {', '.join(COLUMNS)}.",
            file=file,
            row=1,
            column=missing[0],
        )
    records = [
        _row(row, index, file)
        for index, row in enumerate(raw[list(COLUMNS)].itertuples(index=False), start=2)
    ]
    frame = pd.DataFrame(records, columns=list(COLUMNS))
    frame = frame.astype({"old_key": "str", "new_key": "str", "weight": "float64"})
    duplicated = frame.duplicated(["old_key", "new_key", "valid_from"], keep="first")
    if duplicated.any():
        row = int(duplicated.to_numpy().nonzero()[0][0]) + 2
        raise InputError("Zeile doppelt (old_key, new_key, valid_from).", file=file, row=row)
    sums = frame.groupby(["old_key", "valid_from"])["weight"].sum()
    wrong = sums[(sums - 1).abs() > TOLERANCE]
    if not wrong.empty:
        (key, date), total = wrong.index[0], wrong.iloc[0]
        raise InputError(
            f"Gewichte von {key!r} ab {date} summieren sich zu {total:.6g} statt 1; "
            "Anteile korrigieren.",
            file=file,
            column="weight",
        )
    return frame


def _row(row: Any, index: int, file: str) -> tuple[str, str, float, dt.date]:
    old, new = str(row.old_key).strip(), str(row.new_key).strip()
    for column, key in (("old_key", old), ("new_key", new)):
        if not key:
            raise InputError("Schlüssel leer.", file=file, row=index, column=column)
    try:
        weight = float(str(row.weight).replace(",", "."))
    except ValueError:
        raise InputError(
            f"Gewicht {row.weight!r} ist keine Zahl.", file=file, row=index, column="weight"
        ) from None
    if not 0 < weight <= 1:
        raise InputError(
            f"Gewicht {weight} muss in (0, 1] liegen.", file=file, row=index, column="weight"
        )
    try:
        valid_from = dt.date.fromisoformat(str(row.valid_from).strip())
    except ValueError:
        raise InputError(
            f"Datum {row.valid_from!r} ist nicht JJJJ-MM-TT.",
            file=file,
            row=index,
            column="valid_from",
        ) from None
    return old, new, weight, valid_from


def apply_crosswalk(
    values: pd.DataFrame,
    crosswalk: pd.DataFrame,
    target_date: dt.date,
    *,
    value_column: str = "value",
) -> pd.DataFrame:
    """Values (area_key, year, ..., value) re-keyed to the territorial status of target_date.

    Steps with valid_from <= target_date apply, in date order, to values whose year ends before
    valid_from. Parts of one new key are summed (a missing part makes the sum missing). Counts
    stay integers when every applied weight is 1; otherwise `value` is float and the rows from a
    weight < 1 are `estimated`. The input is not changed.
    """
    result = values.copy()
    if "estimated" not in result.columns:
        result["estimated"] = False
    steps = crosswalk[pd.to_datetime(crosswalk["valid_from"]).dt.date <= target_date]
    for valid_from, step in steps.groupby("valid_from", sort=True):
        result = _apply_step(result, step, valid_from, value_column)
    return result.reset_index(drop=True)


def _apply_step(
    values: pd.DataFrame, step: pd.DataFrame, valid_from: dt.date, value_column: str
) -> pd.DataFrame:
    before = values["year"].map(lambda y: dt.date(int(y), 12, 31) < valid_from)
    moved = before & values["area_key"].isin(set(step["old_key"]))
    if not moved.any():
        return values
    # Each value row meets at most one old key: m:1 onto the list of its successors.
    targets = step.groupby("old_key").agg(new_key=("new_key", list), weight=("weight", list))
    joined = (
        values[moved]
        .merge(targets, left_on="area_key", right_index=True, how="left", validate="m:1")
        .explode(["new_key", "weight"])
    )
    weight = joined["weight"].astype("float64")
    split = (weight != 1.0).any()
    joined[value_column] = (
        joined[value_column].astype("Float64") * weight if split else joined[value_column]
    )
    joined["estimated"] = joined["estimated"] | (weight != 1.0)
    joined = joined.assign(area_key=joined["new_key"]).drop(columns=["new_key", "weight"])
    stayed = values[~moved]
    if split:
        stayed = stayed.assign(**{value_column: stayed[value_column].astype("Float64")})
    return _sum_parts(pd.concat([stayed, joined], ignore_index=True), value_column)


def _sum_parts(frame: pd.DataFrame, value_column: str) -> pd.DataFrame:
    keys = [c for c in frame.columns if c not in (value_column, "estimated")]
    grouped = frame.assign(_missing=frame[value_column].isna()).groupby(
        keys, dropna=False, sort=False
    )
    summed = grouped.agg(
        **{
            value_column: (value_column, "sum"),
            "estimated": ("estimated", "any"),
            "_missing": ("_missing", "any"),
        }
    )
    summed[value_column] = summed[value_column].astype(frame[value_column].dtype)
    summed.loc[summed["_missing"], value_column] = pd.NA
    return summed.drop(columns="_missing").reset_index()[list(frame.columns)]


def validity_from_crosswalk(areas: pd.DataFrame, crosswalk: pd.DataFrame) -> pd.DataFrame:
    """`areas` with validity periods set from the crosswalk; the input is not changed.

    An old key that does not continue under the same key ends the day before `valid_from`;
    a new key that is not also an old key of that date starts on `valid_from`. Keys missing
    from `areas` are left alone.
    """
    result = areas.copy()
    for valid_from, step in crosswalk.groupby("valid_from", sort=True):
        ended = set(step["old_key"]) - set(step["new_key"])
        started = set(step["new_key"]) - set(step["old_key"])
        result.loc[result["area_key"].isin(ended), "valid_to"] = valid_from - dt.timedelta(1)
        result.loc[result["area_key"].isin(started), "valid_from"] = valid_from
    return result


def areas_valid_on(areas: pd.DataFrame, date: dt.date) -> pd.DataFrame:
    """Rows of the `areas` table whose validity period contains `date` (open ends allowed)."""
    start = pd.to_datetime(areas["valid_from"]).dt.date
    end = pd.to_datetime(areas["valid_to"]).dt.date
    valid = (start.isna() | (start <= date)) & (end.isna() | (end >= date))
    return areas[valid.fillna(True)].reset_index(drop=True)


def uploads_outside_validity(
    uploads: pd.DataFrame, crosswalk: pd.DataFrame, official_years: pd.DataFrame | None = None
) -> list[str]:
    """One message per active upload dated where the crosswalk says its key has no territory.

    A key that starts on `valid_from` (a merger's or split's new key) has no territory before
    that date, and one that ends (does not continue under itself) none from then on, the same
    periods `validity_from_crosswalk` gives the areas. A new key's extract for an earlier
    reference date counts its predecessors' people again: published next to theirs, the
    merger (public: new = sum of old) turns the merged area minus one predecessor into the
    other's suppressed cells, and the Kreis counts them twice. Register cells are not re-keyed
    (the crosswalk moves the official layer only), so such an upload is refused, not moved.

    official_years (area_key, year): a "new" key with official values before its start is an
    existing Gemeinde that absorbed others (derived crosswalks list no row old = new for it);
    its earlier extracts are on its old territory and pass.
    """
    if uploads.empty or crosswalk.empty:
        return []
    keys = pd.DataFrame({"area_key": uploads["municipality"].astype(str).unique()})
    dated = crosswalk.assign(valid_from=pd.to_datetime(crosswalk["valid_from"]).dt.date)
    periods = validity_from_crosswalk(keys.assign(valid_from=None, valid_to=None), dated)
    periods = periods.set_index("area_key")
    messages = []
    for upload in uploads.itertuples(index=False):
        start, end = periods.loc[str(upload.municipality), ["valid_from", "valid_to"]]
        date = pd.Timestamp(upload.reference_date).date()
        if pd.notna(start) and _existed_before(str(upload.municipality), start, official_years):
            start = None
        if (pd.notna(start) and date < start) or (pd.notna(end) and date > end):
            since = f"ab {start}" if pd.notna(start) else f"bis {end}"
            messages.append(
                f"Meldung {upload.upload_id}: Gemeinde {upload.municipality} gibt es laut "
                f"Gebietsänderungen (import-crosswalk) nur {since}, die Meldung ist zum {date}. "
                "Sie zählte dieselben Personen wie die Meldungen der Vorgänger oder Nachfolger "
                "desselben Stichtags; im Portal ablehnen oder den Schlüssel prüfen."
            )
    return messages


def _existed_before(key: str, start: dt.date, official_years: pd.DataFrame | None) -> bool:
    if official_years is None or official_years.empty:
        return False
    years = pd.to_numeric(official_years.loc[official_years["area_key"] == key, "year"])
    return bool((years < start.year).any())
