"""Helpers the tests (and users) share: tiny consistent stores and protection checks."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
from shapely.geometry import box, mapping

from etl.app import Stores
from etl.config import Settings
from etl.model import SCHEMA_VERSION, TABLE_COLUMNS, ExtractBundle
from etl.store.published import check_protected, write_release
from etl.store.restricted import replace_table, save_extract
from etl.store.subareas import replace_subareas
from etl.symbols import PUBLISHED, SUPPRESSED, ZERO
from etl.transform.ages import AGE_GROUPS_17

TINY_MUNICIPALITIES = {
    "04021000": "Weserhaven",
    "03901001": "Altdorf",
    "03901002": "Brinkum",
    "03901003": "Kleinmoor",
    "03902001": "Deichhausen",
}
TINY_ORTSTEILE = {"04021000-001": "Mitte", "04021000-002": "Nord", "04021000-003": "Hafen"}
TINY_KREISE = {"03901": "Landkreis Moorland", "03902": "Landkreis Geest"}
TINY_LAENDER = {"03": "Niedersachsen", "04": "Bremen"}
TINY_REGION = ("R-verbund", "Kommunalverbund Weserhaven", ["04021000", "03901001", "03902001"])


def tiny_areas() -> pd.DataFrame:
    rows = [(k, "land", n, None, None, k) for k, n in TINY_LAENDER.items()]
    rows += [(k, "kreis", n, k[:2], k, k[:2]) for k, n in TINY_KREISE.items()]
    rows += [
        (
            k,
            "gemeinde",
            n,
            k[:5] if k[:2] != "04" else "04",
            k[:5] if k[:2] != "04" else None,
            k[:2],
        )
        for k, n in TINY_MUNICIPALITIES.items()
    ]
    rows += [(k, "ortsteil", n, k[:8], None, "04") for k, n in TINY_ORTSTEILE.items()]
    rows.append((TINY_REGION[0], "region", TINY_REGION[1], None, None, None))
    return pd.DataFrame(
        rows, columns=["area_key", "level", "name", "parent_key", "kreis_key", "land_key"]
    )


def _square(column: int, row: int, size: float = 0.1) -> str:
    west, south = 8.5 + column * size, 53.0 + row * size
    return json.dumps(mapping(box(west, south, west + size, south + size)))


def tiny_boundaries() -> pd.DataFrame:
    """Squares on a grid: Weserhaven's Ortsteile in column 0, the others to the east."""
    cells = {
        "04021000-001": (0, 0),
        "04021000-002": (0, 1),
        "04021000-003": (0, 2),
        "03901001": (1, 0),
        "03901002": (1, 1),
        "03901003": (1, 2),
        "03902001": (2, 0),
    }
    rows = [(k, "ortsteil" if "-" in k else "gemeinde", _square(*cells[k])) for k in cells]
    city = box(8.5, 53.0, 8.6, 53.3)
    rows.append(("04021000", "gemeinde", json.dumps(mapping(city))))
    moorland, geest = box(8.6, 53.0, 8.7, 53.3), box(8.7, 53.0, 8.8, 53.1)
    rows += [
        ("03901", "kreis", json.dumps(mapping(moorland))),
        ("03902", "kreis", json.dumps(mapping(geest))),
        ("03", "land", json.dumps(mapping(moorland.union(geest)))),
        ("04", "land", json.dumps(mapping(city))),
    ]
    frame = pd.DataFrame(rows, columns=["area_key", "level", "web_geojson"])
    frame["area_km2"] = np.where(frame["area_key"] == "04021000", 200.0, 70.0)
    return frame


def _suppress_small(frame: pd.DataFrame, min_count: int) -> pd.DataFrame:
    status = np.where(frame["value"] == 0, ZERO, PUBLISHED)
    status = np.where(frame["value"].between(1, min_count - 1), SUPPRESSED, status)
    out = frame.assign(status=status)
    out["value"] = out["value"].astype("Int64").mask(out["status"] == SUPPRESSED)
    return out


def tiny_population(years: tuple[int, ...] = (2022, 2023), seed: int = 7) -> pd.DataFrame:
    """Population by area, sex and the 17 age groups with all totals, summing consistently."""
    rng = np.random.default_rng(seed)
    base = [k for k in TINY_MUNICIPALITIES if k != "04021000"] + list(TINY_ORTSTEILE)
    rows = []
    for year in years:
        for key in base:
            scale = 400 if "-" in key else 60
            for sex in ("female", "male"):
                for age_from, age_to in AGE_GROUPS_17:
                    value = int(rng.poisson(scale * rng.uniform(0.02, 1.0)))
                    rows.append((key, year, sex, age_from, age_to, value))
    leaf = pd.DataFrame(rows, columns=["area_key", "year", "sex", "age_from", "age_to", "value"])
    parents = dict.fromkeys(TINY_ORTSTEILE, "04021000")
    city = leaf[leaf.area_key.isin(parents)].assign(area_key="04021000")
    kreise = leaf[leaf.area_key.str.len() == 8].assign(area_key=lambda f: f.area_key.str[:5])
    laender = pd.concat([leaf[leaf.area_key.str.len() == 8], city]).assign(
        area_key=lambda f: f.area_key.str[:2]
    )
    region = pd.concat([city, leaf[leaf.area_key.isin(TINY_REGION[2])]]).assign(
        area_key=TINY_REGION[0]
    )
    cells = pd.concat([leaf, city, kreise, laender, region])
    keys = ["area_key", "year", "sex", "age_from", "age_to"]
    cells = cells.groupby(keys, dropna=False, as_index=False)["value"].sum()
    by_sex = (
        cells.groupby([k for k in keys if k != "sex"], dropna=False, as_index=False)["value"]
        .sum()
        .assign(sex="total")
    )
    cells = pd.concat([cells, by_sex])
    totals = (
        cells.groupby(["area_key", "year", "sex"], as_index=False)["value"]
        .sum()
        .assign(age_from=0, age_to=pd.NA)
    )
    cells = pd.concat([cells, totals]).assign(nationality="total")
    foreign = totals[totals.sex == "total"].assign(
        nationality="foreign", value=lambda f: (f["value"] * 0.11).round().astype(int)
    )
    german = foreign.assign(
        nationality="de",
        value=totals[totals.sex == "total"]["value"].values - foreign["value"].values,
    )
    return pd.concat([cells, foreign, german], ignore_index=True)


def tiny_households(population: pd.DataFrame) -> pd.DataFrame:
    persons = population[
        (population.sex == "total")
        & (population.age_from == 0)
        & population.age_to.isna()
        & (population.nationality == "total")
    ]
    shares = np.array([0.41, 0.33, 0.12, 0.09, 0.05])
    rows = []
    for row in persons.itertuples():
        households = np.floor(row.value / 2.0 * shares).astype(int)
        rows += [(row.area_key, row.year, size + 1, int(n)) for size, n in enumerate(households)]
        rows.append((row.area_key, row.year, 0, int(households.sum())))
    return pd.DataFrame(rows, columns=["area_key", "year", "size", "value"])


def tiny_events(population: pd.DataFrame) -> pd.DataFrame:
    persons = population[
        (population.sex == "total")
        & (population.age_from == 0)
        & population.age_to.isna()
        & (population.nationality == "total")
    ]
    rates = {"birth": 0.009, "death": 0.012, "move_in": 0.06, "move_out": 0.055}
    rows = [
        (r.area_key, r.year, event, round(r.value * rate))
        for r in persons.itertuples()
        for event, rate in rates.items()
    ]
    return pd.DataFrame(rows, columns=["area_key", "year", "event", "value"])


def tiny_official(population: pd.DataFrame) -> pd.DataFrame:
    persons = population[
        (population.area_key.str.len() == 8)
        & (population.age_from == 0)
        & population.age_to.isna()
        & (population.nationality == "total")
    ]
    return persons.assign(
        table_code="12411-01-01-5-B",
        measure="population",
        status=PUBLISHED,
        value=lambda f: (f["value"] * 1.01).round().astype(int),
    )[["table_code", "area_key", "year", "measure", "sex", "age_from", "age_to", "value", "status"]]


def migrated_stores(settings: Settings, *zones: str) -> Stores:
    """A `Stores` of `settings` with its zones migrated (restricted and published by default).

    For tests and scripts that write a store directly, as the CLI's writing commands do after
    `stores.migrate(...)`.
    """
    stores = Stores(settings)
    stores.migrate(*(zones or ("restricted", "published")))
    return stores


def write_tiny_release(settings: Settings) -> str:
    """A small consistent published release written directly, for dashboard and API tests.

    The cells are protected by a plain k-threshold only (no secondary suppression): enough for
    testing how the dashboard shows statuses; real releases come from `etl.pipeline.publish`.
    """
    publisher = migrated_stores(settings).publisher
    population = tiny_population()
    reference = {2022: dt.date(2022, 12, 31), 2023: dt.date(2023, 12, 31)}

    def as_cells(frame: pd.DataFrame) -> pd.DataFrame:
        frame = _suppress_small(frame, settings.min_count)
        return frame.assign(reference_date=frame["year"].map(reference), sources="tiny-fixture")

    areas = tiny_areas()
    members = pd.DataFrame(
        {
            "region_set": "Verbünde",
            "region_key": TINY_REGION[0],
            "region_name": TINY_REGION[1],
            "member_key": TINY_REGION[2],
        }
    )
    tables = {
        "areas": areas,
        "boundaries": tiny_boundaries(),
        "region_sets": members,
        "population": as_cells(population),
        "households": as_cells(tiny_households(population)),
        "events": as_cells(tiny_events(population)),
        "official": tiny_official(population),
    }
    release = {
        "min_count": settings.min_count,
        "protection": settings.protection,
        "territorial_status": dt.date(2023, 12, 31),
        "years": [2022, 2023],
        "sources": {"uploads": ["tiny-fixture"], "official": ["12411-01-01-5-B"]},
        "attribution": "Testdaten (fiktiv)",
        "note": "fixture",
        "audit": {"safe": True, "checked": 0, "method": "k-threshold fixture"},
    }
    return write_release(publisher, release, tables)


def assert_protected(frame: pd.DataFrame, min_count: int = 3) -> None:
    """Raise if a table holds a published cell below k or a value behind a symbol."""
    check_protected("table", frame, min_count)


def _with_municipal_rows(table: pd.DataFrame, municipality: str) -> pd.DataFrame:
    """Add the municipality's rows as sums of its Ortsteile, as a register extract has them."""
    dims = [c for c in table.columns if c not in ("area_level", "area_key", "count")]
    municipal = table.groupby(dims, as_index=False)["count"].sum()
    municipal = municipal.assign(area_level="gemeinde", area_key=municipality)
    return pd.concat([table, municipal[table.columns]], ignore_index=True)


def tiny_bundle(
    municipality: str,
    reference_date: dt.date,
    *,
    scale: float = 5.0,
    ortsteile: tuple[str, ...] = (),
    seed: int = 0,
) -> ExtractBundle:
    """A small anonymised extract with random but plausible counts (no person-level data).

    `scale` is the mean count per sex and single year of age; Ortsteile split the municipality.
    """
    rng = np.random.default_rng(seed)
    areas = [f"{municipality}-{code}" for code in ortsteile] or [municipality]
    rows = []
    for area in areas:
        for sex in ("female", "male"):
            for age in range(101):
                mean = scale * (1.2 if age < 65 else 0.6) * (0.1 if age > 90 else 1.0)
                for nationality, share in (("de", 0.88), ("foreign", 0.12)):
                    count = int(rng.poisson(mean * share))
                    if count:
                        rows.append(
                            (
                                "ortsteil" if ortsteile else "gemeinde",
                                area,
                                sex,
                                age,
                                nationality,
                                "main",
                                count,
                            )
                        )
    population = pd.DataFrame(rows, columns=list(TABLE_COLUMNS["population"]))
    by_area = population.groupby(["area_level", "area_key"], as_index=False)["count"].sum()
    shares = ((1, 0.2), (2, 0.15), (3, 0.06), (4, 0.04), (5, 0.015))
    households = pd.concat(
        [
            by_area.assign(size=size, count=(by_area["count"] * share).round().astype(int))
            for size, share in shares
        ]
    )[list(TABLE_COLUMNS["households"])]
    rates = (("birth", 0.009), ("death", 0.011), ("move_in", 0.05), ("move_out", 0.045))
    events = pd.concat(
        [
            by_area.assign(
                event=event, sex="female", age=30, count=rng.poisson(by_area["count"] * rate)
            )
            for event, rate in rates
        ]
    )[list(TABLE_COLUMNS["events"])]
    if ortsteile:
        population, households, events = (
            _with_municipal_rows(table, municipality) for table in (population, households, events)
        )
    return ExtractBundle(
        municipality,
        reference_date,
        population,
        households[households["count"] > 0],
        events[events["count"] > 0],
        manifest={
            "schema_version": SCHEMA_VERSION,
            "municipality": municipality,
            "reference_date": reference_date.isoformat(),
            "generator": "etl.testing",
        },
    )


def tiny_restricted_store(settings: Settings, years: tuple[int, ...] = (2022, 2023)) -> None:
    """Fill the restricted zone with tiny extracts: a city with 3 Ortsteile and 4 villages in two
    Länder, plus a region across the Land border."""
    restricted = migrated_stores(settings).restricted
    for year in years:
        date = dt.date(year, 12, 31)
        for index, key in enumerate(TINY_MUNICIPALITIES):
            is_city = key == "04021000"
            bundle = tiny_bundle(
                key,
                date,
                scale=20.0 if is_city else 1.5 + index,
                ortsteile=("001", "002", "003") if is_city else (),
                seed=year * 10 + index,
            )
            save_extract(restricted, bundle, file_name=f"tiny-{key}-{year}")
    members = pd.DataFrame(
        {
            "region_set": "Verbünde",
            "region_key": TINY_REGION[0],
            "region_name": TINY_REGION[1],
            "member_key": TINY_REGION[2],
        }
    )
    replace_table(restricted, "region_sets", members, actor="test", detail={})
    areas = tiny_areas()
    areas = areas[areas["level"].isin(["gemeinde", "ortsteil", "kreis", "land"])]
    replace_table(
        restricted,
        "areas",
        areas[["area_key", "level", "name", "parent_key"]],
        actor="test",
        detail={},
    )
    ortsteile = pd.DataFrame(
        {
            "area_key": list(TINY_ORTSTEILE),
            "municipality": [key[:8] for key in TINY_ORTSTEILE],
            "name": list(TINY_ORTSTEILE.values()),
        }
    )
    replace_subareas(restricted, ortsteile, source="tiny", actor="test")


def sample_store_steps(
    samples: Path, reference_dates: tuple[str, ...], *, official: bool = True
) -> list[list[str]]:
    """The demo's import commands (no publish) for the extracts of `reference_dates` only.

    `reference_dates` are suffixes of the extract folders (`2023-12-31`); `official=False`
    leaves out the GENESIS tables, so a release holds register data only.
    """
    from etl.commands.demo import demo_steps

    steps = [s for s in demo_steps(samples) if s[0] not in ("publish", "publish-projection")]
    if not official:
        steps = [s for s in steps if s[0] != "import-genesis"]
    return [s for s in steps if s[0] != "import-extract" or s[1].endswith(reference_dates)]
