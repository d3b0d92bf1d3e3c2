"""The descriptive tables of a release: areas with names and parents, web boundaries, and the
official statistics (public data, copied with their symbols mapped to statuses)."""

from __future__ import annotations

import pandas as pd

from etl.symbols import NOT_AVAILABLE, PUBLISHED, ZERO
from etl.transform.geometry import dissolve_levels, from_hex_wkb, grid_web_geojson, web_geojson
from etl.transform.hierarchy import level_of, parent_of
from etl.transform.publication import UNASSIGNED_SUFFIX
from etl.transform.territory import LAND_NAMES

AREA_COLUMNS = ["area_key", "level", "name", "parent_key", "kreis_key", "land_key"]


def _name(key: str, level: str, names: dict[str, str]) -> str:
    if key in names:
        return names[key]
    if level == "land":
        return LAND_NAMES.get(key, f"Land {key}")
    if level == "kreis":
        return f"Kreis {key}"
    if level == "ortsteil" and key.endswith(UNASSIGNED_SUFFIX):
        return f"{names.get(key[:8], key[:8])}: ohne Ortsteilzuordnung"
    return key


def areas_frame(
    keys: pd.Series,
    master: pd.DataFrame,
    regions: pd.DataFrame,
    grid_parent: pd.Series | None = None,
) -> pd.DataFrame:
    """One row per published area key with level, name and parents.

    A grid cell's parent is the Gemeinde that delivered it (`grid_parent`, cell -> AGS): the
    attacker model (`etl.transform.attacker_model`) reads membership from this table.
    """
    names = dict(zip(master["area_key"], master["name"], strict=True))
    names.update(dict(zip(regions["region_key"], regions["region_name"], strict=True)))
    owners = {} if grid_parent is None else grid_parent.to_dict()
    rows = []
    for key in sorted(set(keys)):
        level = level_of(key)
        owner = owners.get(key) if level in ("grid1km", "grid100m") else None
        administrative = level in ("land", "kreis", "gemeinde", "ortsteil")
        rows.append(
            (
                key,
                level,
                _name(key, level, names),
                owner or parent_of(key),
                key[:5]
                if level in ("gemeinde", "ortsteil")
                else (key if level == "kreis" else (owner[:5] if owner else None)),
                key[:2] if administrative else (owner[:2] if owner else None),
            )
        )
    return pd.DataFrame(rows, columns=AREA_COLUMNS)


def boundaries_frame(master: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """Web geometries of the published areas; Kreise and Länder dissolved when not imported."""
    wanted = set(areas["area_key"])
    parts = [
        master.loc[
            master["area_key"].isin(wanted), ["area_key", "level", "area_km2", "web_geojson"]
        ]
    ]
    have = set(parts[0]["area_key"])
    gemeinden = master[master["level"] == "gemeinde"]
    if not gemeinden.empty and not {k for k in wanted if len(k) in (2, 5)} <= have:
        derived = dissolve_levels(from_hex_wkb(gemeinden))
        derived = derived[derived["area_key"].isin(wanted - have)]
        if not derived.empty:
            parts.append(
                pd.DataFrame(
                    {
                        "area_key": derived["area_key"],
                        "level": derived["level"],
                        "area_km2": derived.area / 1e6,
                        "web_geojson": web_geojson(derived.geometry),
                    }
                )
            )
    grid = areas.loc[areas["level"] == "grid1km", "area_key"]
    if not grid.empty:
        parts.append(grid_web_geojson(grid))
    return pd.concat(parts, ignore_index=True)


def official_status(values: pd.Series, symbols: pd.Series) -> pd.Series:
    """GENESIS symbols to statuses: `-` nothing there (zero); `.`, `x`, `/` not available."""
    status = pd.Series(PUBLISHED, index=values.index)
    status[(symbols == "-") | ((symbols == "") & (values == 0))] = ZERO
    status[symbols.isin([".", "x", "/"]) | (values.isna() & (symbols != "-"))] = NOT_AVAILABLE
    return status


def official_frame(values: pd.DataFrame, sources: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
    """Published rows of the imported official tables and a list describing their sources."""
    if values.empty:
        return pd.DataFrame(), []
    status = official_status(values["value"], values["symbol"].fillna(""))
    value = values["value"].astype("Int64").where(status != NOT_AVAILABLE)
    value = value.mask(status == ZERO, 0)
    frame = pd.DataFrame(
        {
            "table_code": values["table_code"],
            "area_key": values["ags"],
            "year": values["year"],
            "measure": values["measure"],
            "sex": values["sex"],
            "age_from": values["age_from"].fillna(0).astype(int),
            "age_to": values["age_to"],
            "value": value,
            "status": status,
        }
    )
    described = sources[["table_code", "file_name", "sha256", "attribution"]]
    return frame, described.to_dict("records")
