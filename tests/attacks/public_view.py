"""The attacker's view: everything a visitor can fetch, turned into cells and relations.

Only public requests are used: `/api/v1/releases`, `/api/v1/areas?release=` (every level),
`/api/v1/{population,households,events}?area=&release=` and the served GeoJSON of each
level. Nothing here reads a store or imports the pipeline's relation builders: the
relations are rebuilt from what the API serves, as an outsider would:

* within an area: sex total = female + male (per age group), all ages = sum of the served
  age groups (when they tile 0..open end), nationality total = German + foreign, all
  households = sum of the sizes;
* between areas: a parent (`parent_key`: Land, Kreis, Gemeinde of an Ortsteil) and every
  predefined region (membership as the area profile shows it) equals the sum of its parts,
  per cell;
* grid cells (and Ortsteile) against geometry: the served GeoJSON tells which Gemeinde (and
  Ortsteil) each 1 km cell overlaps. A cell that overlaps several areas is split into
  unknown non-negative shares, y(c, g) >= 0 with cell = sum_g y(c, g), and each area's
  total equals the sum of its shares. This is sound whatever the straddling cells hold, and
  only used for areas that have grid cells at all.

Cell ids do not contain the release: the same cell served by two releases is one unknown,
which is exactly what an attacker holding both releases knows.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from shapely.geometry import shape
from shapely.strtree import STRtree

KNOWN = ("published", "zero")
SUPPRESSED = "suppressed"
TABLES = ("population", "households", "events")
DIMENSIONS = {
    "population": ("sex", "age_from", "age_to", "nationality"),
    "households": ("size",),
    "events": ("event",),
}
MIN_OVERLAP = 1e-4  # share of a grid cell's area below which an overlap is a rounding sliver


def get_json(client: Any, url: str) -> dict[str, Any]:
    """GET a public URL and return its JSON; fails loudly on anything but 200."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.data[:300])
    return response.get_json()


def readable_releases(client: Any) -> list[str]:
    """Every release id the public list names that also answers `?release=`."""
    listed = [r["release_id"] for r in get_json(client, "/api/v1/releases")["releases"]]
    return [r for r in listed if client.get(f"/api/v1/areas?release={r}").status_code == 200]


def release_parameters(client: Any, release: str) -> tuple[int, float]:
    """(min_count k, protection p) as the release list publishes them."""
    for row in get_json(client, "/api/v1/releases")["releases"]:
        if row["release_id"] == release:
            return int(row["min_count"]), float(row["protection"])
    raise AssertionError(f"release {release} not listed")


def areas(client: Any, release: str) -> pd.DataFrame:
    """All areas of a release with level and parent, as /api/v1/areas serves them."""
    rows = get_json(client, f"/api/v1/areas?release={release}")["rows"]
    return pd.DataFrame(rows).astype({"key": str})


def _text(value: Any) -> str:
    """One id component: '' for missing, integers without decimals."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def cell_id(table: str, frame: pd.DataFrame) -> pd.Series:
    """Release-free id of each row: table|area|year|dimensions (also used by the oracle)."""
    columns = ["area", "year", *DIMENSIONS[table]]
    texts = [frame[c].astype(object).map(_text) for c in columns]
    joined = texts[0]
    for text in texts[1:]:
        joined = joined + "|" + text
    return table + "|" + joined


def table_cells(client: Any, release: str, table: str, keys: Iterable[str]) -> pd.DataFrame:
    """All register cells of one table for the given areas, every year, release-free cell ids.

    Official statistics (`source=official`) are public anyway and share no relation with the
    register's cells (another count, another reference), so the attacker's system holds the
    register data only; the oracle checks them against the extracts.
    """
    frames = []
    for key in keys:
        url = f"/api/v1/{table}?area={key}&release={release}&source=register"
        rows = get_json(client, url)["rows"]
        if rows:
            frames.append(pd.DataFrame(rows))
    frame = pd.concat(frames, ignore_index=True)
    frame["area"] = frame["area"].astype(str)
    if table == "population":
        frame["age_to"] = pd.array(frame["age_to"], dtype="Int64")
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    return frame.assign(table=table, release=release, cell=cell_id(table, frame))


def geometry(client: Any, release: str, level: str) -> dict[str, Any]:
    """area key -> shapely geometry of one served GeoJSON level (empty if not served)."""
    response = client.get(f"/api/v1/geometry/{release}/{level}.geojson")
    if response.status_code != 200:
        return {}
    features = json.loads(response.data)["features"]
    return {str(f["id"]): shape(f["geometry"]) for f in features}


def overlaps(cells: dict[str, Any], containers: dict[str, Any]) -> pd.DataFrame:
    """(cell, container) pairs whose overlap is more than a rounding sliver of the cell."""
    keys = list(containers)
    tree = STRtree([containers[k] for k in keys])
    pairs = []
    for cell, polygon in cells.items():
        for index in tree.query(polygon):
            shared = polygon.intersection(containers[keys[int(index)]]).area
            if shared > MIN_OVERLAP * polygon.area:
                pairs.append((cell, keys[int(index)]))
    return pd.DataFrame(pairs, columns=["cell_area", "container"])


@dataclass
class PublicView:
    """Cells (one row per cell id) and linear relations sum(coefficient * variable) = 0.

    Variables are cell ids and auxiliary shares (ids starting with 'share|', bound >= 0).
    `conflicts` lists cell ids served with different numbers by different releases, and
    `revealed` cell ids suppressed in one release but published in another (either way),
    `withdrawn_protection` those published in an older release and suppressed in a newer
    one (the newer pattern then protects nothing the older one gave away).
    """

    cells: pd.DataFrame
    relations: pd.DataFrame  # relation, variable, coefficient
    min_count: int
    protection: float
    releases: list[str]
    conflicts: list[str] = field(default_factory=list)
    revealed: list[str] = field(default_factory=list)
    withdrawn_protection: list[str] = field(default_factory=list)
    grid_inside: dict[str, str] = field(default_factory=dict)  # cell in exactly one Gemeinde
    straddled: dict[str, bool] = field(default_factory=dict)  # Gemeinde with a shared cell
    bounds: dict[str, tuple[float, float]] = field(default_factory=dict)  # extra variables


def _sum_relation(name: str, total: str, parts: Iterable[str]) -> list[tuple[str, str, float]]:
    return [(name, total, 1.0), *((name, part, -1.0) for part in parts)]


def _within_area(cells: pd.DataFrame) -> list[tuple[str, str, float]]:
    """Margins inside one area and year: sex, age, nationality and household size."""
    rows: list[tuple[str, str, float]] = []
    population = cells[cells["table"] == "population"]
    keyed = population.assign(
        age=population["age_from"].astype(str)
        + "-"
        + population["age_to"].astype("string").fillna("").astype(str)
    )
    lookup = {
        (r.area, r.year, r.sex, r.age, r.nationality): r.cell for r in keyed.itertuples(index=False)
    }
    for (area, year, sex, age, nationality), cell in lookup.items():
        if sex == "total":
            parts = [lookup.get((area, year, s, age, nationality)) for s in ("female", "male")]
            if all(parts):
                rows += _sum_relation(f"sex|{cell}", cell, parts)
        if sex == "total" and age == "0-" and nationality == "total":
            parts = [lookup.get((area, year, "total", "0-", n)) for n in ("de", "foreign")]
            if all(parts):
                rows += _sum_relation(f"nat|{cell}", cell, parts)
    for _, group in keyed.groupby(["area", "year", "sex", "nationality"]):
        total = group[group["age"] == "0-"]
        bands = group[group["age"] != "0-"].sort_values("age_from")
        if len(total) == 1 and len(bands) and _tiles(bands):
            rows += _sum_relation(
                f"age|{total['cell'].iloc[0]}", total["cell"].iloc[0], bands["cell"]
            )
    households = cells[cells["table"] == "households"]
    for _, group in households.groupby(["area", "year"]):
        total = group[group["size"] == 0]
        if len(total) == 1:
            rows += _sum_relation(
                f"size|{total['cell'].iloc[0]}",
                total["cell"].iloc[0],
                group[group["size"] > 0]["cell"],
            )
    return rows


def _tiles(bands: pd.DataFrame) -> bool:
    """Whether age bands sorted by start cover 0 .. open end without gap or overlap."""
    starts = bands["age_from"].to_numpy(dtype=float)
    ends = bands["age_to"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    closed = ends[:-1]
    return (
        starts[0] == 0
        and bool(np.all(~np.isnan(closed)))
        and bool(np.all(starts[1:] == closed))
        and bool(np.isnan(ends[-1]))
    )


def _membership(area_frame: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """(whole, part, level of the part): parent_key links plus predefined regions' members.

    Parts of one whole are summed per level: a Gemeinde is the sum of its Ortsteile and,
    separately, the sum of its grid cells when the areas table names it as their parent.
    """
    parents = area_frame.dropna(subset=["parent_key"])
    pairs = [
        parents.rename(columns={"parent_key": "whole", "key": "part"})[["whole", "part", "level"]]
    ]
    if not regions.empty:
        members = regions.rename(columns={"region_key": "whole", "member_key": "part"})
        pairs.append(members.assign(level="gemeinde"))
    return pd.concat(pairs, ignore_index=True).drop_duplicates()


def _between_areas(cells: pd.DataFrame, membership: pd.DataFrame) -> list[tuple[str, str, float]]:
    """Per cell key: whole = sum of parts, where the whole and every part are served."""
    rows: list[tuple[str, str, float]] = []
    signature = cells["cell"].str.split("|", n=2).str[2]  # year|dims, without table and area
    index = dict(
        zip(zip(cells["table"], cells["area"], signature, strict=True), cells["cell"], strict=True)
    )
    for (whole, level), group in membership.groupby(["whole", "level"]):
        parts = group["part"].tolist()
        mine = cells[cells["area"] == whole]
        for table, sig, cell in zip(
            mine["table"], signature[mine.index], mine["cell"], strict=True
        ):
            members = [index.get((table, part, sig)) for part in parts]
            if all(members):
                rows += _sum_relation(f"area|{level}|{cell}", cell, members)
    return rows


def total_rows(cells: pd.DataFrame) -> pd.DataFrame:
    """The all-ages, both-sexes, all-nationalities population cell of every area and year."""
    return cells[
        (cells["table"] == "population")
        & (cells["sex"] == "total")
        & (cells["age_from"] == 0)
        & cells["age_to"].isna()
        & (cells["nationality"] == "total")
    ]


def _grid_shares(
    cells: pd.DataFrame, pairs: pd.DataFrame, owned: set[str]
) -> list[tuple[str, str, float]]:
    """Grid cells split over the areas they overlap; an owning area's total = its shares."""
    rows: list[tuple[str, str, float]] = []
    totals = total_rows(cells)
    by_area_year = dict(
        zip(zip(totals["area"], totals["year"], strict=True), totals["cell"], strict=True)
    )
    for year in sorted(totals["year"].unique()):
        shares: dict[str, list[str]] = {}
        for cell_area, group in pairs.groupby("cell_area"):
            cell = by_area_year.get((cell_area, year))
            if cell is None:
                continue
            names = [f"share|{cell}|{container}" for container in group["container"]]
            rows += _sum_relation(f"split|{cell}", cell, names)
            for container, name in zip(group["container"], names, strict=True):
                shares.setdefault(container, []).append(name)
        for container, names in shares.items():
            total = by_area_year.get((container, year))
            if total is not None and container in owned:
                rows += _sum_relation(f"grid|{total}", total, names)
    return rows


def region_members(app: Any, release: str, area_frame: pd.DataFrame) -> pd.DataFrame:
    """(region_key, member_key) as each Gemeinde's profile page lists its regions."""
    from dashboard.services import get_service

    regions = set(area_frame.loc[area_frame["level"] == "region", "key"])
    pairs = []
    with app.server.test_request_context("/"):
        service = get_service()
        for key in area_frame.loc[area_frame["level"] == "gemeinde", "key"]:
            pairs += [(r, key) for r in service.context_keys(release, key) if r in regions]
    return pd.DataFrame(pairs, columns=["region_key", "member_key"])


def _fingerprinted(cells: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    """Region cells get their membership in the id: a region whose members change is new."""
    prints = members.groupby("region_key")["member_key"].agg(lambda m: "+".join(sorted(m)))
    area = cells["area"].map(lambda key: f"{key}[{prints[key]}]" if key in prints else key)
    renamed = cells.assign(area=area)
    parts = [
        renamed[renamed["table"] == t].assign(cell=lambda f, t=t: cell_id(t, f)) for t in TABLES
    ]
    return pd.concat(parts).loc[cells.index]


def _split_containers(
    area_frame: pd.DataFrame, shapes: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """Ortsteile of Gemeinden whose served Ortsteile all have geometry, other Gemeinden."""
    ortsteile = area_frame[area_frame["level"] == "ortsteil"]
    complete = {
        parent
        for parent, group in ortsteile.groupby("parent_key")
        if set(group["key"]) <= set(shapes["ortsteil"])
    }
    containers = {k: g for k, g in shapes["gemeinde"].items() if k not in complete}
    containers |= {k: g for k, g in shapes["ortsteil"].items() if k[:8] in complete}
    return containers


def gemeinde_membership(client: Any, release: str) -> tuple[dict[str, str], dict[str, bool]]:
    """Grid cells lying in exactly one Gemeinde, and Gemeinden sharing a cell with another.

    When the areas table names each grid cell's Gemeinde (parent_key), that is used;
    otherwise the served geometry decides.
    """
    grid = _grid_parents(areas(client, release))
    if grid is not None:
        return dict(zip(grid["key"], grid["parent_key"], strict=True)), {}
    pairs = overlaps(geometry(client, release, "grid1km"), geometry(client, release, "gemeinde"))
    count = pairs.groupby("cell_area")["container"].transform("size")
    single = pairs[count == 1]
    shared = set(pairs.loc[count > 1, "container"])
    inside = dict(zip(single["cell_area"], single["container"], strict=True))
    return inside, {g: g in shared for g in set(pairs["container"])}


def _grid_parents(area_frame: pd.DataFrame) -> pd.DataFrame | None:
    """Grid areas with their parent Gemeinde, if the areas table names one for each."""
    grid = area_frame[area_frame["level"] == "grid1km"]
    if grid.empty or grid["parent_key"].isna().any():
        return None
    return grid


def release_view(client: Any, app: Any, release: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cells and relations of one release, from public requests only."""
    area_frame = areas(client, release)
    grid = area_frame["level"] == "grid1km"
    frames = [table_cells(client, release, "population", area_frame["key"])]
    frames += [table_cells(client, release, t, area_frame.loc[~grid, "key"]) for t in TABLES[1:]]
    members = region_members(app, release, area_frame)
    cells = _fingerprinted(pd.concat(frames, ignore_index=True), members)
    prints = cells.drop_duplicates("area")
    membership = _membership(area_frame, members)
    renamed = dict(zip(_strip(prints["area"]), prints["area"], strict=True))
    membership = membership.assign(whole=membership["whole"].map(lambda k: renamed.get(k, k)))
    rows = _within_area(cells) + _between_areas(cells, membership)
    if _grid_parents(area_frame) is None:  # no parent named: the geometry tells
        shapes = {
            level: geometry(client, release, level) for level in ("gemeinde", "ortsteil", "grid1km")
        }
        pairs = overlaps(shapes["grid1km"], _split_containers(area_frame, shapes))
        rows += _grid_shares(cells, pairs, _owners(pairs, shapes))
    relations = pd.DataFrame(rows, columns=["relation", "variable", "coefficient"])
    return cells, relations.assign(relation=release + "|" + relations["relation"])


def _strip(keys: pd.Series) -> pd.Series:
    return keys.str.replace(r"\[.*\]$", "", regex=True)


def _owners(pairs: pd.DataFrame, shapes: dict[str, dict[str, Any]]) -> set[str]:
    """Containers holding more than half of at least one grid cell (they sent grid data)."""
    owned = set()
    every = shapes["gemeinde"] | shapes["ortsteil"]
    for cell, container in zip(pairs["cell_area"], pairs["container"], strict=True):
        polygon = shapes["grid1km"][cell]
        if polygon.intersection(every[container]).area > 0.5 * polygon.area:
            owned.add(container)
    return owned


def collect(client: Any, app: Any, releases: list[str] | None = None) -> PublicView:
    """The union of the given (default: every readable) releases."""
    chosen = releases if releases is not None else readable_releases(client)
    cell_frames, relation_frames = [], []
    for release in chosen:
        cells, relations = release_view(client, app, release)
        cell_frames.append(cells)
        relation_frames.append(relations)
    cells = pd.concat(cell_frames, ignore_index=True)
    known = cells[cells["status"].isin(KNOWN)]
    values = known.groupby("cell")["value"].nunique()
    conflicts = sorted(values[values > 1].index)
    hidden = set(cells.loc[cells["status"] == SUPPRESSED, "cell"])
    revealed = sorted(hidden & set(known["cell"]))
    order = {release: position for position, release in enumerate(sorted(chosen))}
    first_known = known.groupby("cell")["release"].agg(lambda r: min(order[x] for x in r))
    suppressed = cells[cells["status"] == SUPPRESSED]
    later = suppressed["release"].map(order) > suppressed["cell"].map(first_known)
    merged = pd.concat([known, cells[~cells["cell"].isin(known["cell"])]])
    merged = merged.drop_duplicates("cell").reset_index(drop=True)
    relations = _unique_relations(pd.concat(relation_frames, ignore_index=True))
    k, p = release_parameters(client, chosen[-1])
    inside, straddled = gemeinde_membership(client, chosen[-1])
    return PublicView(
        merged,
        relations,
        k,
        p,
        list(chosen),
        conflicts=conflicts,
        revealed=revealed,
        withdrawn_protection=sorted(set(suppressed.loc[later, "cell"])),
        grid_inside=inside,
        straddled=straddled,
    )


def _unique_relations(relations: pd.DataFrame) -> pd.DataFrame:
    """Drop relations that two releases state identically."""
    signature = relations.groupby("relation").apply(
        lambda g: tuple(sorted(zip(g["variable"], g["coefficient"], strict=True))),
        include_groups=False,
    )
    keep = signature[~signature.duplicated()].index
    return relations[relations["relation"].isin(keep)].reset_index(drop=True)
