"""Area hierarchy from keys: Ortsteil -> Gemeinde -> Kreis -> Land, plus predefined regions.

Pure functions on key strings: `04021000-003` (Ortsteil) -> `04021000` (Gemeinde) -> `04021`
(Kreis; a kreisfreie Stadt is its own Kreis, as in the AGS) -> `04` (Land). Regions are sums of
their member municipalities and may cut across Kreise and Länder.
"""

from __future__ import annotations

import pandas as pd

LEVEL_BY_LENGTH = {2: "land", 5: "kreis", 8: "gemeinde"}


def level_of(key: str) -> str:
    """The level a key belongs to; regions start with `R-`, grid cells with the resolution."""
    if key.startswith("R-"):
        return "region"
    if key.startswith(("1km", "100m")):
        return "grid1km" if key.startswith("1km") else "grid100m"
    if "-" in key:
        return "ortsteil"
    level = LEVEL_BY_LENGTH.get(len(key))
    if level is None or not key.isdigit():
        raise ValueError(f"{key!r} is not an area key (2, 5 or 8 digits, AGS-code, R-..., grid)")
    return level


def parent_of(key: str) -> str | None:
    """The next larger area in the AGS hierarchy; None for a Land, region or grid cell."""
    level = level_of(key)
    return {"ortsteil": key.split("-")[0], "gemeinde": key[:5], "kreis": key[:2]}.get(level)


def area_edges(leaf_keys: pd.Series, regions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Edges (total, part) from every leaf (Ortsteil or Gemeinde) up to its Land, plus regions.

    `regions` has columns region_key, member_key (member = Gemeinde).
    """
    edges: set[tuple[str, str]] = set()
    for key in leaf_keys.drop_duplicates():
        child, parent = key, parent_of(key)
        while parent is not None:
            edges.add((parent, child))
            child, parent = parent, parent_of(parent)
    frame = pd.DataFrame(sorted(edges), columns=["total", "part"], dtype="str")
    if regions is not None and not regions.empty:
        members = regions[["region_key", "member_key"]].drop_duplicates()
        members = members.rename(columns={"region_key": "total", "member_key": "part"})
        frame = pd.concat([frame, members.astype("str")], ignore_index=True)
    return frame


def aggregate_up(leaves: pd.DataFrame, edges: pd.DataFrame, value: str = "value") -> pd.DataFrame:
    """Sum leaf rows (column area_key) into every total of `edges` whose parts are all known.

    Totals already present among the leaves are kept as they are (a Gemeinde's own count is
    not replaced by the sum of its Ortsteile). A total with a part that has no rows (say, a
    municipality that sent nothing for that year) is left out: the caller reports it as not
    available instead of publishing an incomplete sum.
    """
    dims = [c for c in leaves.columns if c not in ("area_key", value)]
    known = leaves
    pending = edges[~edges["total"].isin(leaves["area_key"])]
    while not pending.empty:
        blocked = set(pending.loc[~pending["part"].isin(known["area_key"]), "total"])
        ready = pending[~pending["total"].isin(blocked)]
        if ready.empty:
            break
        # m:m on purpose: a part sits in several totals and has one row per other dimension.
        parts = ready.merge(known, left_on="part", right_on="area_key", validate="m:m")
        totals = parts.groupby(["total", *dims], as_index=False, dropna=False)[value].sum()
        known = pd.concat([known, totals.rename(columns={"total": "area_key"})], ignore_index=True)
        pending = pending[pending["total"].isin(blocked)]
    return known
