"""The committed sample region: tiling polygons, consistent populations, villages, GENESIS."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from etl.extract.anonymised import read_extract
from etl.store.register.aggregate import build_extract

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
YEARS = range(2019, 2024)


@pytest.fixture(scope="module")
def population() -> pd.DataFrame:
    """Gemeinde totals of all committed extracts: ags, year, persons (all residences)."""
    rows = []
    for directory in sorted((SAMPLES / "extracts").iterdir()):
        ags, date = directory.name.split("_")
        table = pd.read_csv(directory / "population.csv", dtype={"area_key": str})
        events = pd.read_csv(directory / "events.csv", dtype={"area_key": str})
        level = table[table["area_level"] == "gemeinde"]
        own = events[events["area_level"] == "gemeinde"].groupby("event")["count"].sum()
        main = level[level["residence"] == "main"]["count"].sum()
        rows.append(
            {
                "ags": ags,
                "year": int(date[:4]),
                "persons": level["count"].sum(),
                "main": main,
                **{
                    event: int(own.get(event, 0))
                    for event in ("birth", "death", "move_in", "move_out")
                },
            }
        )
    return pd.DataFrame(rows)


def test_extracts_exist_for_five_consecutive_years(population: pd.DataFrame) -> None:
    assert sorted(population["year"].unique()) == list(YEARS)
    per_year = population.groupby("year")["ags"].nunique()
    assert (per_year == 32).all()  # city, student city and 30 municipalities of Land 03


def test_populations_follow_births_deaths_and_moves(population: pd.DataFrame) -> None:
    frame = population.set_index(["ags", "year"]).sort_index()
    for (ags, year), row in frame.iterrows():
        if year == min(YEARS):
            continue
        previous = frame.loc[(ags, year - 1), "persons"]
        balance = row["birth"] - row["death"] + row["move_in"] - row["move_out"]
        assert row["persons"] == previous + balance, (ags, year)


def test_villages_under_300_and_a_young_student_city(population: pd.DataFrame) -> None:
    last = population[population["year"] == max(YEARS)].set_index("ags")["persons"]
    assert (last < 300).sum() >= 5
    assert last["04021000"] > 30_000
    table = pd.read_csv(SAMPLES / "extracts" / "04022000_2023-12-31" / "population.csv")
    gemeinde = table[table["area_level"] == "gemeinde"]
    young = gemeinde[gemeinde["age"].between(18, 29)]["count"].sum()
    assert young / gemeinde["count"].sum() > 0.3


def test_committed_extracts_pass_the_import_validation() -> None:
    for directory in sorted((SAMPLES / "extracts").glob("*_2023-12-31")):
        bundle = read_extract(directory)
        assert bundle.reference_date == dt.date(2023, 12, 31)
        assert bundle.municipality == directory.name[:8]


def test_the_committed_village_register_gives_the_committed_extract(tmp_path: Path) -> None:
    persons = next((SAMPLES / "register").glob("*_personen.csv"))
    events = next((SAMPLES / "register").glob("*_ereignisse.csv"))
    ags, date = persons.name.split("_")[:2]
    bundle, _ = build_extract(persons, ags, events_path=events)
    committed = read_extract(SAMPLES / "extracts" / f"{ags}_{date}")
    gemeinde = bundle.population[bundle.population["area_level"] == "gemeinde"]
    assert gemeinde["count"].sum() < 300
    for name in ("population", "households", "events"):
        pd.testing.assert_frame_equal(bundle.table(name), committed.table(name))


def test_polygons_tile_without_gaps_or_overlaps() -> None:
    gemeinden = gpd.read_file(SAMPLES / "boundaries.gpkg", layer="vg250_gem")
    union = gemeinden.union_all()
    assert gemeinden.area.sum() == pytest.approx(union.area, rel=1e-9)
    assert union.geom_type == "Polygon"  # no holes between municipalities either
    assert len(union.interiors) == 0
    for layer in ("vg250_krs", "vg250_lan"):
        parts = gpd.read_file(SAMPLES / "boundaries.gpkg", layer=layer)
        assert parts.area.sum() == pytest.approx(union.area, rel=1e-9)
        assert parts.union_all().symmetric_difference(union).area < 1.0
    ortsteile = gpd.read_file(SAMPLES / "boundaries.gpkg", layer="ortsteile")
    city = gemeinden[gemeinden["AGS"] == "04021000"]
    assert ortsteile.area.sum() == pytest.approx(city.area.sum(), rel=1e-9)
    assert ortsteile["key"].str.fullmatch(r"04021000-\d{3}").all() and len(ortsteile) == 10


def test_vg250_schema_with_a_water_part() -> None:
    gemeinden = gpd.read_file(SAMPLES / "boundaries.gpkg", layer="vg250_gem")
    assert {"AGS", "ARS", "GEN", "BEZ", "GF"} <= set(gemeinden.columns)
    assert gemeinden["AGS"].str.fullmatch(r"\d{8}").all()
    assert gemeinden["ARS"].str.fullmatch(r"\d{12}").all()
    water = gemeinden[gemeinden["GF"] == 2]
    assert len(water) == 1 and set(gemeinden["GF"]) == {2, 4}
    assert (gemeinden["AGS"] == water["AGS"].iloc[0]).sum() == 2
    assert set(gemeinden["AGS"].str[:5]) == {"03901", "03902", "03903", "04021", "04022"}


def test_regions_cross_the_land_border_and_overlap() -> None:
    regions = pd.read_csv(SAMPLES / "regions.csv", dtype=str)
    assert list(regions.columns) == ["region_set", "region_key", "region_name", "member_key"]
    verbund = regions[regions["region_set"] == "Kommunalverbund"]["member_key"]
    assert "04021000" in set(verbund) and (verbund.str[:2] == "03").sum() == 30
    north = regions[regions["region_name"] == "Nordkreis-Verbund"]["member_key"]
    assert {"03", "04"} <= set(north.str[:2]) and north.str[:5].nunique() >= 3
    members = regions.groupby("member_key")["region_key"].nunique()
    assert (members > 1).any()
    assert not regions.duplicated(["region_key", "member_key"]).any()


def test_genesis_sample_has_the_official_layout_and_deviates_slightly(
    population: pd.DataFrame,
) -> None:
    lines = (SAMPLES / "genesis_12411-01-01-5-B_sample.csv").read_text(encoding="utf-8")
    lines = lines.splitlines()
    assert lines[0] == "GENESIS-Tabelle: 12411-01-01-5-B"
    assert lines[6].split(";")[2:5] == ["31.12.2023"] * 3
    assert lines[7].split(";")[2:5] == ["Insgesamt", "männlich", "weiblich"]
    footer = lines.index("__________")
    data = [line.split(";") for line in lines[8:footer]]
    assert len(data) == 32 and all(len(row[0]) == 8 and row[0].isdigit() for row in data)
    official = {row[0]: int(row[2]) for row in data}
    register = population[population["year"] == 2023].set_index("ags")["main"]
    ratios = pd.Series(official) / register
    assert ratios.between(0.97, 1.01).all() and (ratios != 1).any()
