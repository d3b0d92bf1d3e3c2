"""Test helpers for the official layer: tiny official tables stored like `import-genesis` does."""

from __future__ import annotations

import pandas as pd

from etl.config import Settings
from etl.store.restricted import replace_table, save_official
from etl.testing import migrated_stores

POPULATION_TABLE = "12411-01-01-5-B"
STORED_COLUMNS = ["ags", "year", "measure", "sex", "age_from", "age_to", "value", "symbol"]


def official_population(years: tuple[int, ...], keys: list[str]) -> pd.DataFrame:
    """Population by sex: 1000 + 10 * (position of the key) (+1 for men) in every year."""
    rows = [
        (key, year, "population", sex, None, None, 1000 + index * 10 + (sex == "male"), "")
        for year in years
        for index, key in enumerate(keys)
        for sex in ("total", "female", "male")
    ]
    return pd.DataFrame(rows, columns=STORED_COLUMNS)


def store_official(settings: Settings, frame: pd.DataFrame, code: str = POPULATION_TABLE) -> None:
    """Save `frame` (STORED_COLUMNS) as the official table `code`."""
    restricted = migrated_stores(settings).restricted
    source = {
        "source_id": f"{code}-test",
        "table_code": code,
        "file_name": f"{code}.csv",
        "sha256": "0" * 64,
        "unmapped": "[]",
        "attribution": "© Statistische Ämter des Bundes und der Länder, Deutschland, 2024",
    }
    save_official(restricted, source, frame)


def store_gemeinden(settings: Settings, keys: list[str]) -> None:
    """Gemeinden in the area master (as import-boundaries would add them)."""
    restricted = migrated_stores(settings).restricted
    areas = pd.DataFrame(
        {"area_key": keys, "level": "gemeinde", "name": keys, "parent_key": [k[:5] for k in keys]}
    )
    replace_table(restricted, "areas", areas, actor="test", detail={})


def store_square_boundaries(settings: Settings, keys: list[str], bez: dict[str, str]) -> None:
    """1 km squares side by side (EPSG:25832 near Gifhorn) as imported Gemeinde boundaries."""
    import geopandas as gpd
    import shapely
    from shapely.geometry import box

    from etl.extract.boundaries import _geojson

    x, y = 600_000.0, 5_820_000.0
    squares = gpd.GeoSeries(
        [box(x + i * 1000, y, x + (i + 1) * 1000, y + 1000) for i in range(len(keys))],
        crs="EPSG:25832",
    )
    restricted = migrated_stores(settings).restricted
    rows = pd.DataFrame(
        {
            "area_key": keys,
            "level": "gemeinde",
            "name": keys,
            "bez": [bez.get(k, "Gemeinde") for k in keys],
            "area_km2": 1.0,
            "geometry_wkb": shapely.to_wkb(squares.values, hex=True),
            "web_geojson": [_geojson(g) for g in squares.to_crs("EPSG:4326").values],
            "source": "test",
        }
    )
    replace_table(restricted, "boundaries", rows, actor="test", detail={})


VG5000_LAYERS = {"vg5000_gem": "gemeinde", "vg5000_krs": "kreis", "vg5000_lan": "land"}


def build_official_store(settings: Settings, folder, boundaries: str) -> None:
    """Import every GENESIS table of `folder` and the VG5000 layers through the CLI."""
    import os

    from etl.cli import main

    files = [str(p) for p in sorted(folder.glob("genesis_*.csv"))]
    previous = os.environ.get("DEMOGRAFIE_HOME")
    os.environ["DEMOGRAFIE_HOME"] = str(settings.home)
    try:
        if main(["import-genesis", *files]) != 0:
            raise RuntimeError("import-genesis failed")
        for layer, level in VG5000_LAYERS.items():
            path = str(folder / boundaries)
            if main(["import-boundaries", path, "--layer", layer, "--level", level]) != 0:
                raise RuntimeError(f"import-boundaries {layer} failed")
    finally:
        if previous is None:
            os.environ.pop("DEMOGRAFIE_HOME", None)
        else:
            os.environ["DEMOGRAFIE_HOME"] = previous
