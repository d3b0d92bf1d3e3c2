"""All readable releases at once: what the attacker holds for one year and reference date.

A visitor can combine every release a permalink or `?release=` reaches. For one reference
year and date, the union of those releases is one table: a cell shown in any of them is
known, and every relation of every release holds. Protection treats the cells shown by
earlier readable releases as known (`known=1`: never suppressed now, same value), and the
audit that gates publishing checks the union. A region key whose member list differs
between releases names a different area: it is scoped as `key@release`. Pure functions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from etl.transform import attacker_model as attacker


@dataclass(frozen=True)
class PublicYear:
    """One readable release's year as a visitor reads it."""

    release_id: str
    tables: dict[str, pd.DataFrame]  # published rows of the year, per cell table
    region_sets: pd.DataFrame
    member: attacker.Membership


def _members(region_sets: pd.DataFrame) -> dict[str, frozenset[str]]:
    if region_sets.empty:
        return {}
    return {
        str(key): frozenset(group.astype(str))
        for key, group in region_sets.groupby("region_key")["member_key"]
    }


def scoped(view: PublicYear, current_regions: pd.DataFrame) -> PublicYear:
    """Rename the regions of an earlier release whose members differ from today's."""
    now, then = _members(current_regions), _members(view.region_sets)
    renamed = {key: f"{key}@{view.release_id}" for key, m in then.items() if now.get(key) != m}
    if not renamed:
        return view

    def rename(keys: pd.Series) -> pd.Series:
        return keys.map(lambda k: renamed.get(k, k))

    tables = {
        name: rows.assign(area_key=rename(rows["area_key"])) for name, rows in view.tables.items()
    }
    regions = view.region_sets.assign(region_key=rename(view.region_sets["region_key"]))
    edges = view.member.edges.assign(total=rename(view.member.edges["total"]))
    member = attacker.Membership(edges=edges, grid_parent=view.member.grid_parent)
    return PublicYear(view.release_id, tables, regions, member)


def scoped_regions(views: list[PublicYear]) -> pd.DataFrame:
    """Region memberships (scoped keys) of earlier releases, to compute their true values."""
    frames = [v.region_sets[["region_key", "member_key"]] for v in views]
    if not frames:
        return pd.DataFrame(columns=["region_key", "member_key"], dtype=str)
    return pd.concat(frames, ignore_index=True).drop_duplicates()


def union_relations(frames: list[pd.DataFrame], labels: list[str]) -> pd.DataFrame:
    """Relations of several releases; identical relations (same total and parts) once."""
    labelled = [
        frame.assign(relation=label + "/" + frame["relation"])
        for frame, label in zip(frames, labels, strict=True)
        if not frame.empty
    ]
    if not labelled:
        return pd.DataFrame(columns=attacker.RELATION_COLUMNS, dtype=str)
    relations = pd.concat(labelled, ignore_index=True)
    # An order-free signature per relation: its total and the sum of random 64-bit tags of
    # its parts (with the count); equal sets give equal signatures, others collide with
    # probability about 2**-64.
    codes, _ = pd.factorize(pd.concat([relations["total"], relations["part"]]))
    tags = np.random.default_rng(0).integers(0, 2**63, size=codes.max() + 1, dtype=np.uint64)
    frame = pd.DataFrame(
        {
            "relation": relations["relation"],
            "total": codes[: len(relations)],
            "tag": tags[codes[len(relations) :]],
        }
    )
    signature = frame.groupby("relation", sort=False).agg(
        total=("total", "first"), tag=("tag", "sum"), parts=("tag", "size")
    )
    first = signature.drop_duplicates(["total", "tag", "parts"]).index
    return relations[relations["relation"].isin(first)].reset_index(drop=True)


def shown_cells(table: str, views: list[PublicYear]) -> pd.DataFrame:
    """cell, value, release_id of every cell a view shows (published or zero)."""
    frames = [
        attacker.public_cells(table, v.tables[table]).assign(release_id=v.release_id)
        for v in views
        if table in v.tables
    ]
    if not frames:
        return pd.DataFrame({"cell": [], "value": [], "shown": [], "release_id": []})
    cells = pd.concat(frames, ignore_index=True)
    return cells[cells["shown"]]


def all_cells(table: str, views: list[PublicYear]) -> pd.Series:
    """Ids of every cell any view lists (shown or suppressed)."""
    ids = [
        attacker.public_cells(table, v.tables[table])["cell"] for v in views if table in v.tables
    ]
    return pd.concat(ids, ignore_index=True).drop_duplicates() if ids else pd.Series(dtype=str)


def conflicts(table: str, truth: pd.Series, views: list[PublicYear]) -> dict[str, str]:
    """Releases that showed a value the truth no longer has (a corrected upload): id -> why."""
    found: dict[str, str] = {}
    for view in views:
        if table not in view.tables:
            continue
        cells = attacker.public_cells(table, view.tables[table])
        now = truth.reindex(cells["cell"]).to_numpy()
        missing = pd.isna(now)
        changed = cells["shown"].to_numpy() & ~missing & (cells["value"].to_numpy() != now)
        bad = cells[missing | changed]
        if not bad.empty:
            example = bad.iloc[0]
            found[view.release_id] = (
                f"{len(bad)} Zelle(n) von {table} haben sich durch korrigierte Meldungen "
                f"geändert, z. B. {example['cell']}"
            )
    return found


def prior_relations(table: str, views: list[PublicYear]) -> list[pd.DataFrame]:
    """The relations of each earlier view (same attacker model as for the new release)."""
    return [
        attacker.relations(table, v.tables[table], v.member) for v in views if table in v.tables
    ]
