"""Oracle side: true values, computed straight from the extracts a store was built from.

Only used to judge the attacker's intervals (is the true value inside, with the margin the
protection rule requires?). The attacker code in `public_view` never sees any of this.
Nothing here uses the pipeline's cube builders: the sums are formed again from the CSVs.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from etl.transform.ages import AGE_GROUPS_17
from tests.attacks.public_view import TABLES, cell_id

UNASSIGNED = "-000"


def _read(folder: Path, name: str) -> pd.DataFrame:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    frame = pd.read_csv(folder / f"{name}.csv", dtype={"area_key": str})
    return frame.assign(year=int(manifest["reference_date"][:4]))


def _with_unassigned(frame: pd.DataFrame, dims: list[str]) -> pd.DataFrame:
    """Gemeinde and Ortsteil rows plus the '-000' rest of Gemeinden that have Ortsteile."""
    is_part = frame["area_key"].str.contains("-", regex=False)
    parts = frame[is_part].assign(area_key=lambda f: f["area_key"].str[:8])
    summed = parts.groupby(["area_key", "year", *dims], as_index=False)["count"].sum()
    whole = frame[~is_part & frame["area_key"].isin(summed["area_key"])]
    rest = whole.merge(
        summed, on=["area_key", "year", *dims], how="left", suffixes=("", "_parts"), validate="1:1"
    )
    rest = rest.assign(
        count=rest["count"] - rest["count_parts"].fillna(0), area_key=rest["area_key"] + UNASSIGNED
    )
    return pd.concat([frame, rest[rest["count"] > 0].drop(columns="count_parts")])


def _up(frame: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """Gemeinden summed into Kreise, Länder and (fingerprinted) regions; parts kept."""
    gemeinden = frame[frame["area_key"].str.len() == 8]
    levels = [frame]
    levels += [gemeinden.assign(area_key=gemeinden["area_key"].str[:n]) for n in (5, 2)]
    prints = regions.groupby("region_key")["member_key"].agg(lambda m: "+".join(sorted(m)))
    for region, members in prints.items():
        inside = gemeinden[gemeinden["area_key"].isin(members.split("+"))]
        levels.append(inside.assign(area_key=f"{region}[{members}]"))
    return pd.concat(levels, ignore_index=True)


def _population(folders: list[Path], regions: pd.DataFrame) -> pd.Series:
    raw = pd.concat([_read(f, "population") for f in folders], ignore_index=True)
    local = raw[raw["area_level"].isin(["gemeinde", "ortsteil"]) & (raw["residence"] == "main")]
    local = local.groupby(["area_key", "year", "sex", "age", "nationality"], as_index=False)[
        "count"
    ].sum()
    local = _up(_with_unassigned(local, ["sex", "age", "nationality"]), regions)
    starts = np.array([lower for lower, _ in AGE_GROUPS_17])
    position = np.searchsorted(starts, local["age"].to_numpy(), side="right") - 1
    ends = [AGE_GROUPS_17[i][1] for i in position]
    local = local.assign(age_from=starts[position], age_to=pd.array(ends, dtype="Int64"))
    frames = []
    for sexes, sex_label in (
        (["female"], "female"),
        (["male"], "male"),
        (["female", "male"], "total"),
    ):
        chosen = local[local["sex"].isin(sexes)]
        bands = chosen.groupby(
            ["area_key", "year", "age_from", "age_to"], as_index=False, dropna=False
        )["count"]
        frames.append(bands.sum().assign(sex=sex_label, nationality="total"))
        every = chosen.groupby(["area_key", "year"], as_index=False)["count"].sum()
        frames.append(every.assign(sex=sex_label, nationality="total", age_from=0, age_to=pd.NA))
    nationality = local.groupby(["area_key", "year", "nationality"], as_index=False)["count"].sum()
    frames.append(nationality.assign(sex="total", age_from=0, age_to=pd.NA))
    grid = raw[raw["area_level"] == "grid1km"].groupby(["area_key", "year"], as_index=False)
    frames.append(
        grid["count"].sum().assign(sex="total", nationality="total", age_from=0, age_to=pd.NA)
    )
    return _keyed("population", pd.concat(frames, ignore_index=True))


def _simple(folders: list[Path], table: str, dimension: str, regions: pd.DataFrame) -> pd.Series:
    raw = pd.concat([_read(f, table) for f in folders], ignore_index=True)
    local = raw[raw["area_level"].isin(["gemeinde", "ortsteil"])]
    local = local.groupby(["area_key", "year", dimension], as_index=False)["count"].sum()
    local = _up(_with_unassigned(local, [dimension]), regions)
    summed = local.groupby(["area_key", "year", dimension], as_index=False)["count"].sum()
    if table == "households":
        every = summed.groupby(["area_key", "year"], as_index=False)["count"].sum()
        summed = pd.concat([summed, every.assign(size=0)], ignore_index=True)
    return _keyed(table, summed)


def _keyed(table: str, frame: pd.DataFrame) -> pd.Series:
    frame = frame.rename(columns={"area_key": "area"})
    return pd.Series(frame["count"].to_numpy(float), index=cell_id(table, frame))


def true_values(folders: list[Path], regions: pd.DataFrame) -> pd.Series:
    """Cell id -> true value for every cell the release could publish (missing means 0)."""
    parts = [
        _population(folders, regions),
        _simple(folders, "households", "size", regions),
        _simple(folders, "events", "event", regions),
    ]
    truth = pd.concat(parts)
    assert truth.index.is_unique, truth.index[truth.index.duplicated()][:5]
    assert set(TABLES) == {i.split("|")[0] for i in truth.index}
    return truth


def mismatches(cells: pd.DataFrame, truth: pd.Series) -> pd.DataFrame:
    """Published cells whose value differs from the oracle (the oracle itself must be right)."""
    shown = cells[cells["status"].isin(["published", "zero"])]
    expected = truth.reindex(shown["cell"]).fillna(0).to_numpy()
    return shown[shown["value"].to_numpy(float) != expected]
