"""From restricted counts of one year to the tables a release publishes, and their relations.

Pure functions. The published tables are
- population: area x sex (total, female, male) x 17 age groups and all ages, plus German and
  non-German counts of each area (all sexes and ages): one protection problem, because the
  nationality margin shares its total with the age-sex table;
- grid: 1 km INSPIRE cells, total population only, in the same problem (their sum equals the
  sum of the municipalities that delivered coordinates, which an attacker can also compute);
- events: births, deaths, moves in and out per area;
- households: households by size 1..5+ and all households per area.
Ortsteile carry an `-000` remainder ("ohne Ortsteilzuordnung") where the register could not
place everybody, so Ortsteile always add up to their Gemeinde.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from etl.errors import InputError
from etl.model import EVENTS
from etl.privacy import cube_relations
from etl.transform.ages import AGE_GROUPS_17
from etl.transform.hierarchy import aggregate_up

UNASSIGNED_SUFFIX = "-000"
ALL = "total"
GRID_TOTAL = "G|*"


@dataclass(frozen=True)
class Problem:
    """A protection problem: cells (cell, value), relations (total, part) and how cell ids map
    back to rows of the published table (`rows`: the table with a `cell` column)."""

    cells: pd.DataFrame
    relations: pd.DataFrame
    rows: pd.DataFrame


def age_group_columns(ages: pd.Series) -> pd.DataFrame:
    """age_from and age_to (exclusive, <NA> open) of the 17 groups for single years."""
    bounds = np.array([lower for lower, _ in AGE_GROUPS_17])
    position = np.searchsorted(bounds, ages.to_numpy(), side="right") - 1
    uppers = pd.array([upper for _, upper in AGE_GROUPS_17], dtype="Int64")
    return pd.DataFrame(
        {"age_from": bounds[position], "age_to": uppers[position]}, index=ages.index
    )


def _complete_ortsteile(leaves: pd.DataFrame, dims: list[str]) -> pd.DataFrame:
    """Add the `-000` Ortsteil with what a Gemeinde has beyond the sum of its Ortsteile."""
    is_ortsteil = leaves["area_key"].str.contains("-", regex=False)
    ortsteile = leaves[is_ortsteil].assign(area_key=lambda f: f["area_key"].str[:8])
    if ortsteile.empty:
        return leaves
    by_parent = ortsteile.groupby(["area_key", *dims], as_index=False, dropna=False)["value"].sum()
    gemeinden = leaves[~is_ortsteil & leaves["area_key"].isin(by_parent["area_key"])]
    merged = gemeinden.merge(
        by_parent, on=["area_key", *dims], how="outer", suffixes=("", "_ot"), validate="1:1"
    ).fillna({"value": 0, "value_ot": 0})
    rest = merged.assign(value=merged["value"] - merged["value_ot"])
    if (rest["value"] < 0).any():
        bad = rest[rest["value"] < 0].iloc[0]
        raise InputError(
            f"Die Ortsteile von {bad['area_key']} ergeben mehr als die Gemeinde selbst "
            f"({bad.to_dict()}); die Meldung ist widersprüchlich und muss neu erzeugt werden."
        )
    rest = rest[rest["value"] > 0].drop(columns="value_ot")
    rest = rest.assign(area_key=rest["area_key"] + UNASSIGNED_SUFFIX)
    return pd.concat([leaves, rest], ignore_index=True)


def population_leaves(counts: pd.DataFrame) -> pd.DataFrame:
    """Main-residence population of Gemeinden and Ortsteile by sex, age group, nationality."""
    main = counts[
        (counts["residence"] == "main") & counts["area_level"].isin(["gemeinde", "ortsteil"])
    ]
    frame = pd.concat(
        [main[["area_key", "sex", "nationality"]], age_group_columns(main["age"])], axis=1
    ).assign(value=main["count"].astype("int64"))
    dims = ["sex", "age_from", "age_to", "nationality"]
    leaves = frame.groupby(["area_key", *dims], as_index=False, dropna=False)["value"].sum()
    return _complete_ortsteile(leaves, dims)


def _complete(frame: pd.DataFrame, axes: dict[str, list]) -> pd.DataFrame:
    """Every combination of the axes for every area, missing ones as true zeros."""
    index = pd.MultiIndex.from_product(
        [frame["area_key"].unique(), *axes.values()], names=["area_key", *axes]
    )
    summed = frame.groupby(["area_key", *axes], dropna=False)["value"].sum()
    return summed.reindex(index, fill_value=0).reset_index()


def population_cube(leaves: pd.DataFrame, edges: pd.DataFrame) -> pd.DataFrame:
    """All areas with sex and age margins (nationality total) plus nationality margins.

    Every area has every sex x age cell and both nationality cells, zeros included: zeros are
    published as zeros and the relations must see every part.
    """
    by_area = aggregate_up(leaves, edges)
    groups = pd.DataFrame(AGE_GROUPS_17, columns=["age_from", "age_to"])
    core = _complete(
        by_area.drop(columns="nationality"),
        {"sex": ["female", "male"], "age_from": groups["age_from"].tolist()},
    )
    core = core.merge(groups, on="age_from", validate="m:1")
    core["age_to"] = core["age_to"].astype("Int64")
    core = pd.concat([core, _margin(core, "sex", ALL)], ignore_index=True)
    all_ages = core.groupby(["area_key", "sex"], as_index=False)["value"].sum()
    all_ages = all_ages.assign(age_from=0, age_to=pd.array([pd.NA] * len(all_ages), "Int64"))
    core = pd.concat([core, all_ages], ignore_index=True).assign(nationality=ALL)
    nationality = _complete(
        by_area[["area_key", "nationality", "value"]], {"nationality": ["de", "foreign"]}
    )
    nationality = nationality.assign(
        sex=ALL, age_from=0, age_to=pd.array([pd.NA] * len(nationality), "Int64")
    )
    cube = pd.concat([core, nationality], ignore_index=True)
    cube["age_to"] = cube["age_to"].astype("Int64")
    return cube.reset_index(drop=True)


def _margin(frame: pd.DataFrame, dimension: str, label: str) -> pd.DataFrame:
    others = [c for c in frame.columns if c not in (dimension, "value")]
    return (
        frame.groupby(others, as_index=False, dropna=False)["value"]
        .sum()
        .assign(**{dimension: label})
    )


def _age_label(age_from: pd.Series, age_to: pd.Series) -> pd.Series:
    upper = age_to.astype("string").fillna("")
    return age_from.astype("string") + "-" + upper


def _relation(label: str, total: str | pd.Series, parts: pd.Series | list[str]) -> pd.DataFrame:
    """Rows of one named relation total = sum(parts) (or one per total when totals vary)."""
    frame = pd.DataFrame({"total": total, "part": parts})
    return frame.assign(relation=label + ":" + frame["total"])


AGE_EDGES = pd.DataFrame(
    {"total": "0-", "part": [f"{a}-{'' if b is None else b}" for a, b in AGE_GROUPS_17]}
)
SEX_EDGES = pd.DataFrame({"total": ALL, "part": ["female", "male"]})


def population_problem(
    cube: pd.DataFrame, edges: pd.DataFrame, grid: pd.DataFrame, grid_providers: list[str]
) -> Problem:
    """Cells and relations of the population table, nationality margins and grid cells."""
    core = cube[cube["nationality"] == ALL]
    keys = pd.DataFrame(
        {
            "table": "P",
            "area_key": core["area_key"],
            "sex": core["sex"],
            "age": _age_label(core["age_from"], core["age_to"]),
        }
    )
    core = core.assign(cell=keys.agg("|".join, axis=1))
    nationality = cube[cube["nationality"] != ALL]
    nationality_keys = pd.DataFrame(
        {
            "table": "N",
            "area_key": nationality["area_key"],
            "nationality": nationality["nationality"],
        }
    )
    nationality = nationality.assign(cell=nationality_keys.agg("|".join, axis=1))
    # An area's German and non-German counts add up to its total over all sexes and ages.
    area_totals = "P|" + nationality["area_key"] + "|total|0-"
    relations = [
        cube_relations(keys, {"area_key": edges, "sex": SEX_EDGES, "age": AGE_EDGES}),
        cube_relations(nationality_keys, {"area_key": edges}),
        _relation("nationality", area_totals, nationality["cell"]),
    ]
    rows = pd.concat([core, nationality], ignore_index=True)
    rows, grid_relations = _with_grid(rows, grid, grid_providers)
    relations += grid_relations
    return Problem(rows[["cell", "value"]], pd.concat(relations, ignore_index=True), rows)


def grid_leaves(counts: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """1 km cells summed over the municipalities' parts, and which municipalities sent any."""
    grid = counts[counts["area_level"] == "grid1km"]
    cells = grid.groupby("area_key", as_index=False)["count"].sum()
    return cells.rename(columns={"count": "value"}), sorted(grid["municipality"].unique())


def _with_grid(
    rows: pd.DataFrame, grid: pd.DataFrame, providers: list[str]
) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """Grid cells as rows plus the relations an attacker knows about them.

    The cells add up to the grid total. When the grid covers everybody of the municipalities
    that sent coordinates, the grid total equals the sum of their published totals, so that
    relation is known too; otherwise the grid total is an unknown quantity (forced primary).
    """
    rows = rows.assign(publish=True, primary=0)
    if grid.empty:
        return rows, []
    grid_rows = grid.assign(
        cell="G|" + grid["area_key"],
        sex=ALL,
        age_from=0,
        nationality=ALL,
        age_to=pd.array([pd.NA] * len(grid), "Int64"),
        publish=True,
        primary=0,
    )
    provider_cells = "P|" + pd.Series(providers) + "|total|0-"
    provider_total = rows.loc[rows["cell"].isin(provider_cells), "value"].sum()
    covered = int(grid["value"].sum()) == int(provider_total)
    total_row = pd.DataFrame(
        {
            "cell": [GRID_TOTAL],
            "area_key": ["*"],
            "value": [int(grid["value"].sum())],
            "publish": [False],
            "primary": [0 if covered else 1],
        }
    )
    relations = [_relation("grid", GRID_TOTAL, grid_rows["cell"])]
    if covered:
        relations.append(_relation("grid-municipalities", GRID_TOTAL, provider_cells))
    return pd.concat([rows, grid_rows, total_row], ignore_index=True), relations


def simple_problem(
    table: str,
    cube: pd.DataFrame,
    dimension: str,
    edges: pd.DataFrame,
    dimension_edges: pd.DataFrame | None = None,
) -> Problem:
    """Cells and relations of a two-dimensional table: area x (event or household size)."""
    keys = (
        cube[["area_key", dimension]]
        .astype("string")
        .assign(table=table)[["table", "area_key", dimension]]
    )
    rows = cube.assign(cell=keys.agg("|".join, axis=1), publish=True, primary=0)
    hierarchies = {"area_key": edges}
    if dimension_edges is not None:
        hierarchies[dimension] = dimension_edges.astype("string")
    relations = cube_relations(keys, hierarchies)
    return Problem(rows[["cell", "value"]], relations, rows)


def event_cube(counts: pd.DataFrame, edges: pd.DataFrame) -> pd.DataFrame:
    """Births, deaths, moves in and out per area (sex and age summed)."""
    local = counts[counts["area_level"].isin(["gemeinde", "ortsteil"])]
    leaves = local.groupby(["area_key", "event"], as_index=False)["count"].sum()
    leaves = _complete_ortsteile(leaves.rename(columns={"count": "value"}), ["event"])
    leaves = _complete(leaves, {"event": list(EVENTS)})
    return _complete(aggregate_up(leaves, edges), {"event": list(EVENTS)})


def household_cube(counts: pd.DataFrame, edges: pd.DataFrame) -> pd.DataFrame:
    """Households by size 1..5+ and all households (size 0) per area."""
    local = counts[counts["area_level"].isin(["gemeinde", "ortsteil"])]
    leaves = local.groupby(["area_key", "size"], as_index=False)["count"].sum()
    leaves = _complete_ortsteile(leaves.rename(columns={"count": "value"}), ["size"])
    by_area = _complete(aggregate_up(leaves, edges), {"size": [1, 2, 3, 4, 5]})
    return pd.concat([by_area, _margin(by_area, "size", 0)], ignore_index=True)


SIZE_EDGES = pd.DataFrame({"total": "0", "part": ["1", "2", "3", "4", "5"]})
