"""The sample generator is deterministic for a seed (tiny configuration)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from data.samples.generate import SampleConfig, generate, output_digest
from data.samples.geography import build_geography
from etl.extract.anonymised import read_extract

TINY = SampleConfig(municipalities=6, scale=0.04, first_year=2022, last_year=2023)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tiny")
    generate(out, TINY)
    return out


@pytest.mark.slow
def test_same_seed_same_outputs(tiny: Path, tmp_path: Path) -> None:
    generate(tmp_path / "again", TINY)
    assert output_digest(tmp_path / "again") == output_digest(tiny)


def test_another_seed_changes_the_region() -> None:
    first = build_geography(np.random.default_rng(1), 6)[1]["vg250_gem"]
    second = build_geography(np.random.default_rng(2), 6)[1]["vg250_gem"]
    assert not first.geometry.geom_equals(second.geometry).all()


def test_tiny_outputs_are_complete_and_consistent(tiny: Path) -> None:
    extracts = sorted(p.name for p in (tiny / "extracts").iterdir())
    assert len(extracts) == 8 * 2  # city, student city, 6 municipalities; two years
    totals = {}
    for name in extracts:
        bundle = read_extract(tiny / "extracts" / name)
        gemeinde = bundle.population[bundle.population["area_level"] == "gemeinde"]
        events = bundle.events[bundle.events["area_level"] == "gemeinde"]
        flows = (
            events.groupby("event")["count"]
            .sum()
            .reindex(["birth", "death", "move_in", "move_out"], fill_value=0)
        )
        totals[(bundle.municipality, bundle.year)] = (gemeinde["count"].sum(), flows)
    for (ags, year), (persons, flows) in totals.items():
        if year == 2023:
            previous = totals[(ags, 2022)][0]
            balance = flows["birth"] - flows["death"] + flows["move_in"] - flows["move_out"]
            assert persons == previous + balance, ags
    layers = {
        name: gpd.read_file(tiny / "boundaries.gpkg", layer=name)
        for name in ("vg250_gem", "vg250_krs", "vg250_lan", "ortsteile")
    }
    union = layers["vg250_gem"].union_all()
    assert layers["vg250_gem"].area.sum() == pytest.approx(union.area, rel=1e-9)
    regions = pd.read_csv(tiny / "regions.csv", dtype=str)
    assert regions["member_key"].str.fullmatch(r"\d{8}").all()
    assert dt.date(2023, 12, 31).isoformat() in "".join(extracts)
