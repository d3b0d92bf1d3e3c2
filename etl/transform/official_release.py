"""Release-level decisions of the official layer: which rows, years, names and attribution.

Pure functions used by the publish pipeline; see etl/transform/official.py for the rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

import pandas as pd

from etl.transform import official
from etl.transform.crosswalk import apply_crosswalk
from etl.transform.territory import LAND_NAMES

STATISTICS_ATTRIBUTION: Final = (
    "© Statistische Ämter des Bundes und der Länder, Deutschland; "
    "Datenlizenz Deutschland – Namensnennung – Version 2.0 (dl-de/by-2-0)"
)
BOUNDARIES_ATTRIBUTION: Final = (
    "© GeoBasis-DE / BKG; Datenlizenz Deutschland – Namensnennung – Version 2.0 (dl-de/by-2-0)"
)
ATTRIBUTION_LINES: Final = (BOUNDARIES_ATTRIBUTION, STATISTICS_ATTRIBUTION)
# A Land is "covered" when its Gemeinden make up this share of its land area.
COVERED_SHARE: Final = 0.98
MAX_LISTED_KREISE: Final = 3
RELEASE_TABLE_NAMES: Final = ("population", "households", "events")


def with_official_layer(
    register_parts: dict[str, list[pd.DataFrame]],
    official_values: pd.DataFrame,
    expected: list[str],
    regions: pd.DataFrame,
    crosswalk: pd.DataFrame,
) -> dict[str, pd.DataFrame]:
    """The cell tables of a release: protected register rows, official rows where none."""
    layer = official.official_tables(official_values, expected, regions, crosswalk)
    tables = {}
    for name in RELEASE_TABLE_NAMES:
        parts = register_parts.get(name, [])
        register = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
        tables[name] = official.combine(register, layer.get(name), name)
    return tables


def release_years(register_years: list[int], official_values: pd.DataFrame) -> list[int]:
    """Years with register data or official series values."""
    years = set(register_years)
    if not official_values.empty:
        series = official_values["table_code"].str.startswith(official.SERIES_TABLE_PREFIXES)
        years |= {int(y) for y in official_values.loc[series, "year"].unique()}
    return sorted(years)


def territorial_status(register_dates: list[dt.date], official_values: pd.DataFrame) -> dt.date:
    """The latest reference date of any published figure."""
    dates = list(register_dates)
    years = release_years([], official_values)
    if years:
        dates.append(dt.date(years[-1], 12, 31))
    return max(dates)


REGISTER_LINE: Final = "Melderegister der beteiligten Kommunen"


def attribution(
    base: str, official_sources: list[dict], boundaries: pd.DataFrame, *, register: bool = True
) -> str:
    """The release attribution, with the licences of the official tables and boundaries.

    Without uploads (register=False) the register line of `base` is left out.
    """
    lines = [line for line in base.split("\n") if register or not line.startswith(REGISTER_LINE)]
    if official_sources:
        lines.append(STATISTICS_ATTRIBUTION)
    if not boundaries.empty:
        lines.append(BOUNDARIES_ATTRIBUTION)
    return "\n".join(dict.fromkeys("\n".join(lines).split("\n")))


def partial_lands(master: pd.DataFrame, boundaries: pd.DataFrame) -> dict[str, str]:
    """Land key -> label for Länder whose Gemeinden cover only part of the Land.

    Coverage is judged on the imported boundaries: land area of the Gemeinden against the
    Land's own land area. Without Land boundaries a Land is partial when Gemeinden of only
    some of its imported Kreise are present.
    """
    if boundaries.empty:
        return {}
    area = boundaries.set_index("area_key")["area_km2"]
    gemeinden = boundaries[boundaries["level"] == "gemeinde"]
    covered = gemeinden.groupby(gemeinden["area_key"].str[:2])["area_km2"].sum()
    names = dict(zip(master["area_key"], master["name"], strict=True))
    labels = {}
    for land, km2 in covered.items():
        whole = area.get(land)
        if whole is None or pd.isna(whole) or km2 >= COVERED_SHARE * whole:
            continue
        kreise = sorted({k[:5] for k in gemeinden["area_key"] if k.startswith(land)})
        if len(kreise) <= MAX_LISTED_KREISE:
            part = ", ".join(names.get(k, f"Kreis {k}") for k in kreise)
        else:
            part = f"{len(kreise)} Kreise"
        labels[land] = f"{LAND_NAMES.get(land, f'Land {land}')} (Teil: {part})"
    return labels


def label_partial_lands(
    areas: pd.DataFrame, master: pd.DataFrame, boundaries: pd.DataFrame
) -> pd.DataFrame:
    """Published areas with partial Länder named as parts, never as the whole Land."""
    labels = partial_lands(master, boundaries)
    if not labels:
        return areas
    name = areas["area_key"].map(labels).fillna(areas["name"])
    return areas.assign(name=name)


def without_partial_lands(master: pd.DataFrame, boundaries: pd.DataFrame) -> pd.DataFrame:
    """Boundaries without the polygons of partial Länder: the part is dissolved instead."""
    partial = set(partial_lands(master, boundaries))
    return boundaries[~boundaries["area_key"].isin(partial)]


AREA_MEASURE: Final = "area_ha"  # 11111-01-01-5-B, stored in hectares (km² x 100)


def official_area_km2(official_values: pd.DataFrame, crosswalk: pd.DataFrame) -> pd.Series:
    """Gemeinde key -> land area in km² of the latest year of the official area table."""
    if official_values.empty:
        return pd.Series(dtype="float64")
    rows = official_values[
        (official_values["measure"] == AREA_MEASURE)
        & (official_values["ags"].str.len() == 8)
        & official_values["value"].notna()
    ]
    if rows.empty:
        return pd.Series(dtype="float64")
    latest = rows[rows["year"] == rows["year"].max()]
    keyed = latest.rename(columns={"ags": "area_key"})[["area_key", "year", "value"]]
    if not crosswalk.empty:
        target = max(pd.to_datetime(crosswalk["valid_from"]).dt.date)
        steps = crosswalk.assign(valid_from=pd.to_datetime(crosswalk["valid_from"]).dt.date)
        keyed = apply_crosswalk(keyed.astype({"value": "Float64"}), steps, target)
    return keyed.groupby("area_key")["value"].sum().astype("float64") / 100


def with_official_area(
    boundaries: pd.DataFrame, official_values: pd.DataFrame, crosswalk: pd.DataFrame
) -> pd.DataFrame:
    """Published boundaries whose area_km2 is the official area where the table has it.

    Density then never rests on generalised polygons. Kreise and Länder get the sum of their
    Gemeinden's official areas when every Gemeinde of theirs has one.
    """
    area = official_area_km2(official_values, crosswalk)
    if area.empty or boundaries.empty:
        return boundaries
    gemeinden = boundaries.loc[boundaries["level"] == "gemeinde", "area_key"]
    known = gemeinden[gemeinden.isin(area.index)]
    sums: dict[str, float] = area.reindex(known).to_dict()
    for length in (5, 2):
        prefix = gemeinden.str[:length]
        complete = gemeinden.isin(area.index).groupby(prefix).all()
        totals = area.reindex(gemeinden).groupby(prefix.to_numpy()).sum()
        sums.update({k: float(v) for k, v in totals.items() if complete.get(k, False)})
    official_km2 = boundaries["area_key"].map(sums)
    return boundaries.assign(area_km2=official_km2.fillna(boundaries["area_km2"]))


@dataclass(frozen=True)
class TerritoryReport:
    """Keys of the official tables and of the boundaries that do not meet."""

    off_map: list[str]  # Gemeinden of the tables' latest year without a polygon
    off_map_persons: int  # their population in that year
    without_data: list[str]  # inhabited Gemeinde polygons the tables never list
    year: int | None

    def lines(self) -> list[str]:
        if self.year is None:
            return []
        lines = []
        if self.off_map:
            lines.append(
                f"Gebietsstand: {len(self.off_map)} Gemeinden der amtlichen Tabellen "
                f"({self.year}, {self.off_map_persons} Einwohner) haben keine Grenze, z. B. "
                f"{', '.join(self.off_map[:5])}; Crosswalk importieren (import-crosswalk)."
            )
        if self.without_data:
            lines.append(
                f"Gebietsstand: {len(self.without_data)} Gemeinden der Grenzen fehlen in den "
                f"amtlichen Tabellen, z. B. {', '.join(self.without_data[:5])} (Karte: …)."
            )
        return lines


def territory_report(
    official_values: pd.DataFrame, boundaries: pd.DataFrame, crosswalk: pd.DataFrame
) -> TerritoryReport:
    """Which official Gemeinden miss a polygon and which polygons miss official values."""
    population = official_values[
        (official_values["measure"] == "population")
        & (official_values["ags"].str.len() == 8)
        & (official_values["sex"] == "total")
        & official_values["age_to"].isna()
        & (official_values["age_from"].fillna(0) == 0)
    ]
    if population.empty or boundaries.empty:
        return TerritoryReport([], 0, [], None)
    if "nationality" in population:
        population = population[population["nationality"].fillna("total") == "total"]
    moved = set(crosswalk["old_key"]) if not crosswalk.empty else set()
    year = int(population["year"].max())
    latest = population[population["year"] == year].drop_duplicates("ags")
    polygons = boundaries.loc[boundaries["level"] == "gemeinde"]
    keys = set(polygons["area_key"])
    off_map = latest[~latest["ags"].isin(keys) & ~latest["ags"].isin(moved)]
    listed = set(population["ags"]) | set(crosswalk.get("new_key", []))
    uninhabited = official.uninhabited_areas(polygons, official_values)
    without = sorted(keys - listed - uninhabited)
    persons = int(off_map["value"].fillna(0).sum())
    return TerritoryReport(sorted(off_map["ags"]), persons, without, year)
