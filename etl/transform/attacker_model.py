"""The attacker model, defined once: what a visitor can obtain, as cells and relations.

A visitor of the dashboard or `/api/v1` can read, for every release that is still readable
(the live one, and every older one a permalink or `?release=` reaches, unless withdrawn):

* every published cell of population, households and events, every year, every level;
* the areas table with each area's level and parent: Ortsteil -> Gemeinde, grid cell ->
  the Gemeinde that delivered it, Gemeinde -> Kreis -> Land, and the members of every
  predefined region (the geometry shows the same: a cell or Ortsteil lies in its Gemeinde);
* that zeros are published as zeros, so a suppressed cell is at least 1.

From this the visitor knows every relation total = sum(parts) over each dimension of a
table (area, sex, age, nationality, household size), and that the grid cells of a
Gemeinde add up to its population up to the people without coordinates (`grid-rest`,
never published; taken as known to the attacker, which only makes the model stronger).
A grid cell delivered by two municipalities (it straddles their border) is not published.

Households by size are tied to persons: every resident lives in one household and a
household of size "5 and more" holds at least 5, so h1 + 2 h2 + 3 h3 + 4 h4 + 5 h5 <= the
area's population, and in small areas the gap is often 0. The model lets the attacker know
this weighted sum exactly (`household_persons_id`, never published, like the grid rest),
written with unit coefficients through the never-published partial sums "households of at
least s persons" (`household_from_id`, s = 2, 3, 4), which the attacker does not know:
    from4 = h4 + h5,  from3 = h3 + from4,  from2 = h2 + from3,
    persons = h0 + from2 + from3 + from4 + h5   (h0: all households).

Both the protection (`etl.transform.publication`) and the public-side audit
(`etl.public_audit`, rebuilt from what the published store serves) take their cell ids and
relations from here, so the two cannot drift apart. Pure functions, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from etl.errors import InputError
from etl.privacy import cube_relations
from etl.symbols import NOT_AVAILABLE, PUBLISHED, ZERO
from etl.transform.ages import AGE_GROUPS_17

ALL = "total"
CELL_TABLES = ("population", "households", "events")
GRID_LEVELS = ("grid1km", "grid100m")
HIERARCHY_LEVELS = ("ortsteil", "gemeinde", "kreis")
AGE_EDGES = pd.DataFrame(
    {"total": "0-", "part": [f"{a}-{'' if b is None else b}" for a, b in AGE_GROUPS_17]}
)
SEX_EDGES = pd.DataFrame({"total": ALL, "part": ["female", "male"]})
SIZE_EDGES = pd.DataFrame({"total": "0", "part": ["1", "2", "3", "4", "5"]})
RELATION_COLUMNS = ["total", "part", "relation"]


@dataclass(frozen=True)
class Membership:
    """Which area is part of which, as the published areas table and region sets show it.

    `edges`: (total, part) of Land > Kreis > Gemeinde > Ortsteil and region > member;
    `grid_parent`: grid cell key -> the Gemeinde it belongs to.
    """

    edges: pd.DataFrame
    grid_parent: pd.Series


def membership(areas: pd.DataFrame, region_sets: pd.DataFrame) -> Membership:
    """Membership from a release's public `areas` (level, parent_key) and `region_sets`."""
    within = areas[areas["level"].isin(HIERARCHY_LEVELS) & areas["parent_key"].notna()]
    edges = [pd.DataFrame({"total": within["parent_key"], "part": within["area_key"]})]
    if not region_sets.empty:
        members = region_sets[["region_key", "member_key"]].drop_duplicates()
        edges.append(members.rename(columns={"region_key": "total", "member_key": "part"}))
    grid = areas[areas["level"].isin(GRID_LEVELS) & areas["parent_key"].notna()]
    return Membership(
        edges=pd.concat(edges, ignore_index=True).astype("str").drop_duplicates(),
        grid_parent=pd.Series(grid["parent_key"].to_numpy(), index=grid["area_key"], dtype=str),
    )


def age_label(age_from: pd.Series, age_to: pd.Series) -> pd.Series:
    """`0-3`, `90-` (open), `0-` (all ages): the age part of a cell id."""
    upper = pd.Series(age_to, dtype="Int64").astype("string").fillna("")
    return pd.Series(age_from).astype("Int64").astype("string") + "-" + upper


def cell_ids(table: str, rows: pd.DataFrame) -> pd.Series:
    """The id of each published row: `P|area|sex|age`, `N|area|nationality`, `H|area|size`,
    `E|area|event`."""
    area = rows["area_key"].astype("string")
    if table == "population":
        core = "P|" + area + "|" + rows["sex"].astype("string") + "|"
        core = core + age_label(rows["age_from"], rows["age_to"]).to_numpy()
        nationality = "N|" + area + "|" + rows["nationality"].astype("string")
        return core.where(rows["nationality"] == ALL, nationality).astype(str)
    if table == "households":
        return ("H|" + area + "|" + rows["size"].astype("Int64").astype("string")).astype(str)
    if table == "events":
        return ("E|" + area + "|" + rows["event"].astype("string")).astype(str)
    raise ValueError(f"Tabelle {table!r} gibt es nicht; möglich: {', '.join(CELL_TABLES)}.")


def grid_rest_id(municipality: str) -> str:
    """The never-published cell: a Gemeinde's people without a grid cell."""
    return f"X|{municipality}|grid-rest"


def total_id(area_key: str | pd.Series) -> str | pd.Series:
    """The id of an area's population over all sexes, ages and nationalities."""
    return "P|" + area_key + "|total|0-"


def known_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows that say something: everything except `not available` (…)."""
    return rows[rows["status"] != NOT_AVAILABLE] if "status" in rows else rows


def relations(table: str, rows: pd.DataFrame, member: Membership) -> pd.DataFrame:
    """Every relation total = sum(parts) a visitor knows among the rows of one table-year.

    Rows are in the published shape (area_key plus the table's dimensions); a relation is
    emitted when its total and all parts are among the rows. Grid relations also name the
    hidden `grid_rest_id` cell of each Gemeinde.
    """
    rows = known_rows(rows).reset_index(drop=True)
    if rows.empty:
        return pd.DataFrame(columns=RELATION_COLUMNS, dtype=str)
    if table == "households":
        keys = pd.DataFrame(
            {"t": "H", "area_key": rows["area_key"], "size": rows["size"].astype("string")}
        )
        cube = cube_relations(keys, {"area_key": member.edges, "size": SIZE_EDGES})
        return pd.concat([cube, household_persons_relations(rows)], ignore_index=True)
    if table == "events":
        keys = pd.DataFrame({"t": "E", "area_key": rows["area_key"], "event": rows["event"]})
        return cube_relations(keys, {"area_key": member.edges})
    return _population_relations(rows, member)


def _population_relations(rows: pd.DataFrame, member: Membership) -> pd.DataFrame:
    is_grid = rows["area_key"].isin(member.grid_parent.index)
    core = rows[(rows["nationality"] == ALL) & ~is_grid]
    keys = pd.DataFrame(
        {
            "t": "P",
            "area_key": core["area_key"],
            "sex": core["sex"],
            "age": age_label(core["age_from"], core["age_to"]).to_numpy(),
        }
    )
    hierarchies = {"area_key": member.edges, "sex": SEX_EDGES, "age": AGE_EDGES}
    frames = [cube_relations(keys, hierarchies)]
    nationality = rows[rows["nationality"] != ALL]
    if not nationality.empty:
        nation_keys = pd.DataFrame(
            {"t": "N", "area_key": nationality["area_key"], "nat": nationality["nationality"]}
        )
        frames.append(cube_relations(nation_keys, {"area_key": member.edges}))
        frames.append(_nationality_relations(nationality, set(cell_ids("population", core))))
    frames.append(_grid_relations(rows[is_grid], set(cell_ids("population", core)), member))
    return pd.concat(frames, ignore_index=True)


def _nationality_relations(nationality: pd.DataFrame, present: set[str]) -> pd.DataFrame:
    """An area's German and non-German counts add up to its total (both parts present)."""
    complete = nationality.groupby("area_key")["nationality"].transform("nunique") == 2
    parts = nationality[complete]
    totals = total_id(parts["area_key"].astype(str))
    keep = totals.isin(present)
    frame = pd.DataFrame(
        {"total": totals[keep], "part": cell_ids("population", parts[keep]).to_numpy()}
    )
    return frame.assign(relation="nationality:" + frame["total"])


def _grid_relations(grid: pd.DataFrame, present: set[str], member: Membership) -> pd.DataFrame:
    """Gemeinde total = its grid cells + its hidden grid rest (per delivering Gemeinde)."""
    if grid.empty:
        return pd.DataFrame(columns=RELATION_COLUMNS, dtype=str)
    parent = grid["area_key"].map(member.grid_parent)
    totals = total_id(parent.astype(str))
    parts = pd.DataFrame({"total": totals, "part": cell_ids("population", grid).to_numpy()})
    rest = pd.DataFrame(
        {"total": totals.unique(), "part": [grid_rest_id(m) for m in parent.unique()]}
    )
    frame = pd.concat([parts, rest], ignore_index=True)
    frame = frame[frame["total"].isin(present)]
    return frame.assign(relation="grid:" + frame["total"]).reset_index(drop=True)


def grid_rest_values(
    population: pd.DataFrame, member: Membership, ids: pd.Series | None = None
) -> pd.DataFrame:
    """True value of each hidden grid rest: Gemeinde total minus its grid cells.

    `population` holds true values (restricted side). Raises InputError when the grid cells
    of a Gemeinde hold more people than the Gemeinde.
    """
    grid = population[population["area_key"].isin(member.grid_parent.index)]
    if grid.empty:
        return pd.DataFrame({"cell": [], "value": []}).astype({"cell": str, "value": "int64"})
    by_parent = grid.groupby(grid["area_key"].map(member.grid_parent))["value"].sum()
    ids = cell_ids("population", population) if ids is None else ids
    totals = pd.Series(population["value"].to_numpy(), index=ids.to_numpy())
    own = totals.reindex(total_id(by_parent.index.to_series()).to_numpy()).to_numpy()
    rest = pd.DataFrame(
        {"municipality": by_parent.index, "value": own - by_parent.to_numpy()}
    ).dropna()
    if (rest["value"] < 0).any():
        bad = rest[rest["value"] < 0].iloc[0]
        raise InputError(
            f"Die Rasterzellen von {bad['municipality']} enthalten mehr Personen als die "
            "Gemeinde selbst; die Meldung ist widersprüchlich und muss neu erzeugt werden."
        )
    return pd.DataFrame(
        {"cell": rest["municipality"].map(grid_rest_id), "value": rest["value"].astype("int64")}
    )


HOUSEHOLD_SIZES = (1, 2, 3, 4, 5)
PARTIAL_SIZES = (4, 3, 2)  # "at least s persons", innermost first


def household_persons_id(area_key: str | pd.Series) -> str | pd.Series:
    """The never-published cell h1 + 2 h2 + ... + 5 h5 of an area (known to the attacker)."""
    return "X|" + area_key + "|hh-persons"


def household_from_id(area_key: str | pd.Series, size: int) -> str | pd.Series:
    """The never-published count of households with at least `size` persons (unknown)."""
    return "A|" + area_key + f"|hh-from{size}"


def _complete_household_areas(rows: pd.DataFrame) -> pd.Series:
    """Areas whose rows hold all households and every size 1..5."""
    sizes = rows["size"].astype("Int64")
    present = rows.assign(size=sizes).groupby("area_key")["size"].agg(set)
    wanted = {0, *HOUSEHOLD_SIZES}
    return pd.Series(sorted(k for k, found in present.items() if wanted <= found), dtype=str)


def household_persons_relations(rows: pd.DataFrame) -> pd.DataFrame:
    """The persons relations of every area with a complete size breakdown (see the top)."""
    areas = _complete_household_areas(rows)
    if areas.empty:
        return pd.DataFrame(columns=RELATION_COLUMNS, dtype=str)
    size = {s: "H|" + areas + f"|{s}" for s in (0, *HOUSEHOLD_SIZES)}
    start = {s: household_from_id(areas, s) for s in PARTIAL_SIZES}
    persons = household_persons_id(areas)
    pairs = [
        (start[4], size[4]),
        (start[4], size[5]),
        (start[3], size[3]),
        (start[3], start[4]),
        (start[2], size[2]),
        (start[2], start[3]),
        *[(persons, part) for part in (size[0], start[2], start[3], start[4], size[5])],
    ]
    frame = pd.concat(
        [pd.DataFrame({"total": total, "part": part}) for total, part in pairs],
        ignore_index=True,
    )
    return frame.assign(relation="hh-persons:" + frame["total"])


def household_persons_values(rows: pd.DataFrame) -> pd.DataFrame:
    """True values (restricted side) of the persons and partial-sum cells: cell, value, known."""
    areas = _complete_household_areas(rows)
    by_size = (
        rows.assign(size=rows["size"].astype("Int64"))
        .pivot_table(index="area_key", columns="size", values="value", aggfunc="sum")
        .reindex(areas)
    )
    frames = []
    for start in PARTIAL_SIZES:
        value = by_size[[s for s in HOUSEHOLD_SIZES if s >= start]].sum(axis=1)
        frames.append(
            pd.DataFrame(
                {"cell": household_from_id(areas, start), "value": value.values, "known": 0}
            )
        )
    weighted = sum(by_size[s] * s for s in HOUSEHOLD_SIZES)
    frames.append(
        pd.DataFrame({"cell": household_persons_id(areas), "value": weighted.values, "known": 1})
    )
    return pd.concat(frames, ignore_index=True).astype(
        {"cell": str, "value": "int64", "known": int}
    )


# The release record (`/api/v1/releases`, the Methodik page) describes each table's
# protection only by what a visitor can count in the cells themselves. Sums or maxima of the
# values behind suppressed cells, and the split into primary and secondary (how many of them
# lie below k), stay with the statistician: added to the relations they make suppressed cells
# exact (tests/attacks/test_release_record.py).
PUBLIC_AUDIT_FIELDS = ("year", "table", "cells", "suppressed")


def public_audit_entry(stats: dict) -> dict:
    """One table and year of the public release record, from the restricted statistics."""
    return {
        "year": stats["year"],
        "table": stats["table"],
        "cells": stats["shown"],
        "suppressed": stats["shown_suppressed"],
    }


def public_audit(audit: dict) -> dict:
    """A stored audit record cut to what may be shown (older records held more)."""
    entries = audit.get("tables", [])
    tables = [{k: entry[k] for k in PUBLIC_AUDIT_FIELDS if k in entry} for entry in entries]
    return {**{k: audit[k] for k in ("safe", "method") if k in audit}, "tables": tables}


def is_hidden(cell: pd.Series) -> pd.Series:
    """Cells that no release shows but the model lets the attacker know (grid rests and the
    households' persons); the partial sums `A|...` are never shown and stay unknown."""
    return cell.str.startswith("X|")


def is_partial_sum(cell: pd.Series) -> pd.Series:
    """The households' never-published partial sums: unknown to the attacker; only their
    protection as small counts matters (being exact is no disclosure: from2 = h0 - h1)."""
    return cell.str.startswith("A|")


def public_cells(table: str, rows: pd.DataFrame) -> pd.DataFrame:
    """cell, value, shown (published or zero) of a table-year as a visitor reads it."""
    rows = known_rows(rows)
    return pd.DataFrame(
        {
            "cell": cell_ids(table, rows).to_numpy(),
            "value": rows["value"].astype("Int64").to_numpy(),
            "shown": rows["status"].isin([PUBLISHED, ZERO]).to_numpy(),
        }
    )
