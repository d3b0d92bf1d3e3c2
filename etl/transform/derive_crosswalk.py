"""A crosswalk derived from the files: official keys that changed by the boundaries' status.

Pure. An official Gemeinde key without a polygon and a polygon key without official values are
the same Gemeinde when, within one Land, their names agree (the part before a comma, so
"Duderstadt, Stadt" is "Duderstadt") and exactly one of each carries that name, and, where the
official area table is known, the areas agree within AREA_TOLERANCE (the polygons are
generalised). A Gemeinde that absorbed others has a larger area and is left for
etl.transform.mergers; every refusal is reported.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

import pandas as pd

AREA_TOLERANCE: Final = 0.15


@dataclass(frozen=True)
class DerivedCrosswalk:
    """Crosswalk rows (old_key, new_key, weight, valid_from) and what could not be matched."""

    rows: pd.DataFrame
    refused: list[str]


def base_name(name: str) -> str:
    """'Duderstadt, Stadt' -> 'Duderstadt'; surrounding blanks dropped."""
    return str(name).split(",")[0].strip()


def derive_crosswalk(
    official: pd.DataFrame, polygons: pd.DataFrame, valid_from: dt.date
) -> DerivedCrosswalk:
    """official: ags, name, area_km2 (may be NA); polygons: area_key, name, area_km2."""
    old = official[~official["ags"].isin(set(polygons["area_key"]))].drop_duplicates("ags")
    new = polygons[~polygons["area_key"].isin(set(official["ags"]))]
    old = old.assign(base=old["name"].map(base_name), land=old["ags"].str[:2])
    new = new.assign(base=new["name"].map(base_name), land=new["area_key"].str[:2])
    unique_old = old[~old.duplicated(["land", "base"], keep=False)]
    unique_new = new[~new.duplicated(["land", "base"], keep=False)]
    pairs = unique_old.merge(
        unique_new, on=["land", "base"], suffixes=("_old", "_new"), validate="1:1"
    )
    ratio = pairs["area_km2_old"].astype("Float64") / pairs["area_km2_new"].astype("Float64")
    fits = ratio.isna() | ((ratio - 1).abs() <= AREA_TOLERANCE)
    refused = [
        f"{r.ags} {r.name_old} → {r.area_key} {r.name_new}: Fläche {r.area_km2_old:.1f} km² "
        f"gegenüber {r.area_km2_new:.1f} km² (Gebietsänderung, nicht nur neuer Schlüssel)"
        for r in pairs[~fits.fillna(True).astype(bool)].itertuples()
    ]
    accepted = pairs[fits.fillna(True).astype(bool).to_numpy()]
    unmatched = sorted(set(old["ags"]) - set(accepted["ags"]))
    refused += [f"{key}: kein eindeutiger Nachfolger gleichen Namens" for key in unmatched]
    rows = pd.DataFrame(
        {
            "old_key": accepted["ags"].to_numpy(),
            "new_key": accepted["area_key"].to_numpy(),
            "weight": 1.0,
            "valid_from": valid_from,
        }
    )
    return DerivedCrosswalk(rows, refused)
