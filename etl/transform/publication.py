"""From restricted counts of one year to the tables a release publishes, and their relations.

Pure functions. The published tables are
- population: area x sex (total, female, male) x 17 age groups and all ages, plus German and
  non-German counts of each area (all sexes and ages): one protection problem, because the
  nationality margin shares its total with the age-sex table;
- grid: 1 km INSPIRE cells, total population only, in the same problem; each cell is a
  part of the Gemeinde that delivered it (see `etl.transform.attacker_model`);
- events: births, deaths, moves in and out per area;
- households: households by size 1..5+ and all households per area.
Ortsteile carry an `-000` remainder ("ohne Ortsteilzuordnung") where the register could not
place everybody, so Ortsteile always add up to their Gemeinde.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from etl.errors import InputError
from etl.model import EVENTS
from etl.transform import attacker_model as attacker
from etl.transform.ages import AGE_GROUPS_17
from etl.transform.hierarchy import aggregate_up

log = logging.getLogger(__name__)

UNASSIGNED_SUFFIX = "-000"
ALL = "total"


@dataclass(frozen=True)
class Problem:
    """A protection problem: cells (cell, value), relations (total, part) and how cell ids map
    back to rows of the published table (`rows`: the table with `cell`, `publish`,
    `primary` and `known` columns; rows with publish=False are never stored)."""

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


AGE_EDGES = attacker.AGE_EDGES
SEX_EDGES = attacker.SEX_EDGES


def population_problem(
    cube: pd.DataFrame, member: attacker.Membership, grid: pd.DataFrame | None = None
) -> Problem:
    """Cells and relations of the population table (with nationality margins and grid cells).

    Relations come from the attacker model (`etl.transform.attacker_model`); each Gemeinde
    with grid cells also gets its hidden grid rest as an unpublished cell the attacker is
    assumed to know (`known`).
    """
    rows = cube.assign(publish=True, primary=0, known=0)
    if grid is not None and not grid.empty:
        grid_rows = pd.DataFrame(
            {
                "area_key": grid["area_key"],
                "sex": ALL,
                "age_from": 0,
                "age_to": pd.array([pd.NA] * len(grid), "Int64"),
                "nationality": ALL,
                "value": grid["value"].astype("int64"),
                "publish": True,
                "primary": 0,
                "known": 0,
            }
        )
        rows = pd.concat([rows, grid_rows], ignore_index=True)
    rows = rows.assign(cell=attacker.cell_ids("population", rows).to_numpy())
    relations = attacker.relations("population", rows, member)
    rest = attacker.grid_rest_values(rows, member, rows["cell"])
    if not rest.empty:
        hidden = rest.assign(publish=False, primary=0, known=1, area_key="*")
        rows = pd.concat([rows, hidden], ignore_index=True)
    rows["age_to"] = rows["age_to"].astype("Int64")
    return Problem(rows[["cell", "value"]], relations, rows)


def straddling_cells(counts: list[pd.DataFrame]) -> frozenset[str]:
    """1 km cells delivered by more than one Gemeinde (in any of the years): they straddle a
    border and are not published; their people still count in each Gemeinde."""
    frames = [c.loc[c["area_level"] == "grid1km", ["area_key", "municipality"]] for c in counts]
    if not frames:
        return frozenset()
    grid = pd.concat(frames, ignore_index=True)
    owners = grid.groupby("area_key")["municipality"].nunique()
    return frozenset(owners[owners > 1].index)


def grid_leaves(
    counts: pd.DataFrame, straddling: frozenset[str] = frozenset()
) -> tuple[pd.DataFrame, pd.Series]:
    """1 km cells per delivering Gemeinde, and each cell's Gemeinde.

    A cell delivered by more than one Gemeinde (here, or in `straddling`) lies on their
    border: it is not published (its people still count in each Gemeinde, inside the
    hidden grid rest of the attacker model).
    """
    grid = counts[(counts["area_level"] == "grid1km") & (counts["residence"] == "main")]
    cells = grid.groupby(["area_key", "municipality"], as_index=False)["count"].sum()
    dropped = cells["area_key"].duplicated(keep=False) | cells["area_key"].isin(straddling)
    if dropped.any():
        log.info("%d Rasterzellen auf Gemeindegrenzen nicht veröffentlicht", dropped.sum())
    cells = cells[~dropped].rename(columns={"count": "value"})
    parent = pd.Series(cells["municipality"].to_numpy(), index=cells["area_key"], dtype=str)
    return cells[["area_key", "value"]].reset_index(drop=True), parent


def simple_problem(
    table: str, cube: pd.DataFrame, dimension: str, member: attacker.Membership
) -> Problem:
    """Cells and relations of a two-dimensional table: area x (event or household size)."""
    name = {"H": "households", "E": "events"}[table]
    rows = cube.assign(publish=True, primary=0, known=0)
    rows = rows.assign(cell=attacker.cell_ids(name, rows).to_numpy())
    return Problem(rows[["cell", "value"]], attacker.relations(name, rows, member), rows)


def household_problem(cube: pd.DataFrame, member: attacker.Membership) -> Problem:
    """Households by size, with the never-published persons and partial-sum cells of the
    attacker model (`attacker_model.household_persons_relations`): the persons cell known to
    the attacker, the partial sums not; neither is ever stored."""
    problem = simple_problem("H", cube, "size", member)
    extra = attacker.household_persons_values(problem.rows)
    if extra.empty:
        return problem
    hidden = extra.assign(publish=False, primary=0, area_key="*")
    rows = pd.concat([problem.rows, hidden], ignore_index=True)
    rows["size"] = rows["size"].astype("Int64")
    return Problem(rows[["cell", "value"]], problem.relations, rows)


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


SIZE_EDGES = attacker.SIZE_EDGES
