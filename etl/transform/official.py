"""The official layer: public Regionalstatistik values as release rows, beside the register.

Pure functions. Official values (imported with `import-genesis`) are public already: they are
published as the source publishes them, with the source's symbols mapped to statuses, and are
never part of the register data's protection problem. Every row says where it comes from
(`source` = official | register, `sources` = table code, `reference_date`).

Per table, area and year one source serves a row set: the register where the protected
register data have a usable total for that area and year, otherwise the official values.
Kreise, Länder and predefined regions get the sums of their official Gemeinden; such a sum is
not available when an inhabited member has no value (uninhabited gemeindefreie Gebiete are not
members that could report). Keys of earlier territorial status are mapped onto the
boundaries' status with the crosswalk before anything is summed.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import pandas as pd

from etl.symbols import NOT_AVAILABLE, PUBLISHED, ZERO
from etl.transform.crosswalk import apply_crosswalk
from etl.transform.hierarchy import area_edges, level_of

OFFICIAL: Final = "official"
REGISTER: Final = "register"
SOURCES: Final = (OFFICIAL, REGISTER)
# GENESIS measures shown as population stock (31.12.) and as events of the year.
POPULATION_MEASURES: Final = ("population",)
EVENT_OF_MEASURE: Final[dict[str, str]] = {
    "births": "birth",
    "deaths": "death",
    "moves_in": "move_in",
    "move_in": "move_in",
    "moves_out": "move_out",
    "move_out": "move_out",
}
# Population series come from the continued count (Fortschreibung, 12411); the census (12111)
# is a different reference date and stays in the `official` table of the release.
SERIES_TABLE_PREFIXES: Final = ("12411", "12612", "12613", "12711")
UNINHABITED_BEZ: Final = "gemeindefrei"
KEY_COLUMNS: Final[dict[str, list[str]]] = {
    "population": ["area_key", "year", "sex", "age_from", "age_to", "nationality"],
    "events": ["area_key", "year", "event"],
    "households": ["area_key", "year", "size"],
}


def official_status(values: pd.Series, symbols: pd.Series) -> pd.Series:
    """GENESIS symbols to statuses: `-` nothing there (zero); `.`, `x`, `/` not available."""
    status = pd.Series(PUBLISHED, index=values.index)
    status[(symbols == "-") | ((symbols == "") & (values == 0))] = ZERO
    status[symbols.isin([".", "x", "/"]) | (values.isna() & (symbols != "-"))] = NOT_AVAILABLE
    return status


def uninhabited_areas(boundaries: pd.DataFrame, official_values: pd.DataFrame) -> set[str]:
    """Gemeindefreie Gebiete without any inhabitant in the official population values."""
    if boundaries.empty or "bez" not in boundaries:
        return set()
    bez = boundaries["bez"].fillna("").str.lower()
    free = set(boundaries.loc[bez.str.contains(UNINHABITED_BEZ), "area_key"])
    population = official_values[official_values["measure"].isin(POPULATION_MEASURES)]
    inhabited = set(population.loc[population["value"].fillna(0) > 0, "ags"])
    return free - inhabited


def expected_reporters(
    areas: pd.DataFrame, boundaries: pd.DataFrame, official_values: pd.DataFrame
) -> list[str]:
    """Gemeinden whose data a complete total needs: all but the uninhabited ones."""
    gemeinden = areas.loc[areas["level"] == "gemeinde", "area_key"]
    empty = uninhabited_areas(boundaries, official_values)
    return sorted(k for k in gemeinden if k not in empty)


def _gemeinde_totals(values: pd.DataFrame) -> pd.DataFrame:
    """Gemeinde rows over all nationalities and household types (Kreis tables stay aside)."""
    keep = values["ags"].str.len() == 8
    for column, wanted in (("level", "gemeinde"), ("nationality", "total")):
        if column in values:
            keep &= values[column].fillna(wanted) == wanted
    if "household_type" in values:
        keep &= values["household_type"].fillna("total") == "total"
    return values[keep]


def _series_rows(values: pd.DataFrame) -> pd.DataFrame:
    """Rows of the series tables, one table per cell (the first table code wins)."""
    rows = values[values["table_code"].str.startswith(SERIES_TABLE_PREFIXES)]
    rows = rows.assign(
        age_from=rows["age_from"].fillna(0).astype("int64"),
        age_to=rows["age_to"].astype("Int64"),
        status=official_status(rows["value"], rows["symbol"].fillna("")),
    )
    rows = rows.assign(value=rows["value"].astype("Int64").where(rows["status"] != NOT_AVAILABLE))
    rows = rows.assign(value=rows["value"].mask(rows["status"] == ZERO, 0))
    cell = ["ags", "year", "measure", "sex", "age_from", "age_to"]
    return rows.sort_values(["table_code", *cell]).drop_duplicates(cell, keep="first")


def _to_territory(rows: pd.DataFrame, crosswalk: pd.DataFrame) -> pd.DataFrame:
    """Gemeinde rows re-keyed to the latest territorial status of the crosswalk."""
    if crosswalk.empty or rows.empty:
        return rows
    target = max(pd.to_datetime(crosswalk["valid_from"]).dt.date)
    keyed = rows.rename(columns={"ags": "area_key"}).drop(columns=["status", "symbol"])
    keyed = keyed.assign(value=keyed["value"].astype("Float64"))
    moved = apply_crosswalk(keyed, crosswalk.assign(valid_from=_dates(crosswalk)), target)
    moved = moved.assign(value=moved["value"].round().astype("Int64"))
    status = pd.Series(PUBLISHED, index=moved.index)
    status[moved["value"] == 0] = ZERO
    status[moved["value"].isna()] = NOT_AVAILABLE
    return moved.assign(status=status).rename(columns={"area_key": "ags"})


def _dates(crosswalk: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(crosswalk["valid_from"]).dt.date


def _members(edges: pd.DataFrame, leaves: list[str]) -> pd.DataFrame:
    """(total, gemeinde) for every total of `edges` and the Gemeinden below it."""
    pairs = pd.DataFrame({"total": leaves, "gemeinde": leaves})
    level = edges.rename(columns={"part": "gemeinde"})
    found = [pairs]
    frontier = level[level["gemeinde"].isin(leaves)]
    while not frontier.empty:
        found.append(frontier[["total", "gemeinde"]])
        up = edges.merge(
            frontier, left_on="part", right_on="total", suffixes=("", "_below"), validate="m:m"
        )
        frontier = up[["total", "gemeinde"]]
    return pd.concat(found, ignore_index=True).drop_duplicates()


def aggregate(
    leaves: pd.DataFrame, dims: list[str], uncovered: list[str], regions: pd.DataFrame
) -> pd.DataFrame:
    """Gemeinde rows plus sums for Kreise, Länder and regions; incomplete sums not available.

    `leaves` has area_key (Gemeinde), year, dims, value, status. A sum is not available when a
    member is not available that year, or when an `uncovered` Gemeinde (one the tables should
    list but do not) belongs to it.
    """
    keys = sorted(set(leaves["area_key"]) | set(uncovered))
    edges = area_edges(pd.Series(keys, dtype="str"), regions)
    members = _members(edges, keys)
    blocked = set(members.loc[members["gemeinde"].isin(uncovered), "total"])
    joined = members.merge(
        leaves.rename(columns={"area_key": "gemeinde"}), on="gemeinde", validate="m:m"
    )
    joined = joined.assign(missing=joined["status"] == NOT_AVAILABLE)
    sums = (
        joined.groupby(["total", "year", *dims], dropna=False)
        .agg(value=("value", "sum"), missing=("missing", "any"))
        .reset_index()
    )
    complete = ~sums["missing"] & ~sums["total"].isin(blocked)
    status = pd.Series(PUBLISHED, index=sums.index)
    status[sums["value"] == 0] = ZERO
    status[~complete] = NOT_AVAILABLE
    sums = sums.assign(status=status, value=sums["value"].astype("Int64").where(complete))
    return sums.rename(columns={"total": "area_key"})[
        ["area_key", "year", *dims, "value", "status"]
    ]


def uncovered_gemeinden(expected: list[str], official_keys: set[str]) -> list[str]:
    """Expected Gemeinden the official tables should list but never do.

    A key of the boundaries without any official row is a new key (a merger after the
    tables' years) when the tables hold keys of the same Land that the boundaries lack; then
    the Land's sums rest on the tables' own Gemeinden, which cover the territory. Otherwise the
    tables do not cover it, and the sums it belongs to are not available.
    """
    expected_set = set(expected)
    changed_lands = {k[:2] for k in official_keys - expected_set}
    return sorted(k for k in expected_set - official_keys if k[:2] not in changed_lands)


def _finish(frame: pd.DataFrame, sources: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Add reference date (31.12. of the year), table codes and the source label."""
    group = ["year"] if by is None else ["year", by]
    codes = sources.groupby(group)["table_code"].agg(lambda c: ",".join(sorted(set(c))))
    index = pd.MultiIndex.from_frame(frame[group]) if by else pd.Index(frame["year"])
    return frame.assign(
        reference_date=frame["year"].map(lambda y: dt.date(int(y), 12, 31)),
        sources=codes.reindex(index).fillna("").to_numpy(),
        source=OFFICIAL,
    )


def official_tables(
    values: pd.DataFrame,
    expected: list[str],
    regions: pd.DataFrame,
    crosswalk: pd.DataFrame,
) -> dict[str, pd.DataFrame]:
    """Population and events rows of the official layer, in the release tables' columns."""
    if values.empty:
        return {}
    rows = _series_rows(_gemeinde_totals(values))
    rows = _to_territory(rows, crosswalk)
    uncovered = uncovered_gemeinden(expected, set(rows["ags"]))
    tables: dict[str, pd.DataFrame] = {}
    population = rows[rows["measure"].isin(POPULATION_MEASURES)]
    if not population.empty:
        leaves = population.rename(columns={"ags": "area_key"}).assign(nationality="total")
        dims = ["sex", "age_from", "age_to", "nationality"]
        summed = aggregate(
            leaves[["area_key", "year", *dims, "value", "status"]], dims, uncovered, regions
        )
        tables["population"] = _finish(summed, rows[rows["measure"].isin(POPULATION_MEASURES)])
    events = rows[rows["measure"].isin(EVENT_OF_MEASURE) & (rows["sex"] == "total")]
    events = events[(events["age_from"] == 0) & events["age_to"].isna()]
    if not events.empty:
        leaves = events.rename(columns={"ags": "area_key"}).assign(
            event=events["measure"].map(EVENT_OF_MEASURE)
        )
        summed = aggregate(
            leaves[["area_key", "year", "event", "value", "status"]], ["event"], uncovered, regions
        )
        tables["events"] = _finish(summed, leaves, by="event")
    return tables


def _usable_register(register: pd.DataFrame, name: str) -> pd.DataFrame:
    """(area_key, year) pairs where the register's all-over total is not 'not available'."""
    if register.empty:
        return pd.DataFrame(columns=["area_key", "year"])
    totals = register
    if name == "population":
        totals = register[
            (register["sex"] == "total")
            & (register["nationality"] == "total")
            & (register["age_from"] == 0)
            & register["age_to"].isna()
        ]
    elif name == "households":
        totals = register[register["size"] == 0]
    usable = totals[totals["status"] != NOT_AVAILABLE]
    return usable[["area_key", "year"]].drop_duplicates()


def combine(register: pd.DataFrame, official: pd.DataFrame, name: str) -> pd.DataFrame:
    """One row set per area and year: the register's where usable, else the official one.

    The two never mix within an area and year, so no published relation links them.
    """
    register = register.assign(source=REGISTER) if not register.empty else register
    if official is None or official.empty:
        return register
    usable = _usable_register(register, name)
    taken = official.merge(
        usable.assign(_register=True), on=["area_key", "year"], how="left", validate="m:1"
    )
    official_rows = official[taken["_register"].isna().to_numpy()]
    if register.empty:
        return official_rows.reset_index(drop=True)
    keep = register.merge(usable.assign(_ok=True), on=["area_key", "year"], how="left")
    official_keys = official_rows[["area_key", "year"]].drop_duplicates().assign(_official=True)
    keep = keep.merge(official_keys, on=["area_key", "year"], how="left", validate="m:1")
    register_rows = register[(keep["_ok"].notna() | keep["_official"].isna()).to_numpy()]
    return pd.concat([register_rows, official_rows], ignore_index=True)


def source_of_area_keys(tables: dict[str, pd.DataFrame]) -> set[str]:
    """Every area key that any table serves."""
    keys: set[str] = set()
    for frame in tables.values():
        if not frame.empty:
            keys |= set(frame["area_key"])
    return {k for k in keys if _is_area(k)}


def _is_area(key: str) -> bool:
    try:
        level_of(key)
    except ValueError:
        return False
    return True
