"""Benchmark of the map at national scale: payload sizes and server time per update.

Run with `python -m benchmarks.bench_map [N]` (default 11,000 municipalities). A seeded layer
of Voronoi polygons (Gemeinden grouped into Kreise and 16 Länder) is written as a release into
a temporary SQLite published store with etl.store.published.write_release. Then, through the
real Dash endpoint (`/_dash-update-component`) of `create_app(settings)`, it measures

- first map load: the map callback's response plus the two GeoJSON files it references;
- updates (indicator, year, classes, palette): response size and server time;

side by side with a naive `plotly.express.choropleth_map` that re-sends the GeoJSON on
every update (figure built and serialised per update).
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.express as px
import shapely
from shapely.geometry import box, mapping

from dashboard import ids
from dashboard.app import create_app
from etl.config import Settings
from etl.store.published import write_release
from etl.symbols import PUBLISHED, SUPPRESSED, ZERO
from etl.testing import migrated_stores
from etl.transform.ages import AGE_GROUPS_17

BBOX = (5.9, 47.3, 15.0, 55.0)
YEARS = (2022, 2023)
SEED = 20261121


def layer(n: int, rng: np.random.Generator) -> pd.DataFrame:
    """Voronoi polygons with keys: Land from a 4x4 split, Kreis from a 20x20 split."""
    west, south, east, north = BBOX
    points = np.column_stack([rng.uniform(west, east, n), rng.uniform(south, north, n)])
    cells = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=box(*BBOX))
    polygons = [shapely.intersection(p, box(*BBOX)) for p in shapely.get_parts(cells)]
    centroids = np.array([[c.x, c.y] for c in shapely.centroid(polygons)])
    fx = (centroids[:, 0] - west) / (east - west)
    fy = (centroids[:, 1] - south) / (north - south)
    land = np.minimum((fx * 4).astype(int), 3) * 4 + np.minimum((fy * 4).astype(int), 3) + 1
    kreis = np.minimum((fx * 20).astype(int), 19) * 20 + np.minimum((fy * 20).astype(int), 19)
    frame = pd.DataFrame(
        {"land": [f"{v:02d}" for v in land], "kreis_no": kreis, "geometry": polygons}
    )
    frame["kreis"] = frame["land"] + frame["kreis_no"].map(lambda v: f"{v:03d}")
    frame["area_key"] = frame["kreis"] + frame.groupby("kreis").cumcount().map(
        lambda v: f"{v + 1:03d}"
    )
    return frame


def _geojson(geometry: shapely.Geometry) -> str:
    return json.dumps(mapping(shapely.set_precision(geometry, 1e-4)))


def tables(frame: pd.DataFrame, rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    """Areas, boundaries and population/households/events cells for every level."""
    kreise = frame.groupby("kreis").agg(land=("land", "first"))
    areas = pd.concat(
        [
            pd.DataFrame({"area_key": frame["land"].unique(), "level": "land"}).assign(
                name=lambda f: "Land " + f.area_key, land_key=lambda f: f.area_key
            ),
            pd.DataFrame(
                {
                    "area_key": kreise.index,
                    "level": "kreis",
                    "name": "Kreis " + kreise.index,
                    "parent_key": kreise["land"].values,
                    "kreis_key": kreise.index,
                    "land_key": kreise["land"].values,
                }
            ),
            pd.DataFrame(
                {
                    "area_key": frame["area_key"],
                    "level": "gemeinde",
                    "name": "Gemeinde " + frame["area_key"],
                    "parent_key": frame["kreis"],
                    "kreis_key": frame["kreis"],
                    "land_key": frame["land"],
                }
            ),
        ],
        ignore_index=True,
    )
    land_shapes = frame.groupby("land")["geometry"].apply(
        lambda g: shapely.coverage_union_all(list(g)).simplify(0.01)
    )
    boundaries = pd.concat(
        [
            pd.DataFrame(
                {
                    "area_key": frame["area_key"],
                    "level": "gemeinde",
                    "web_geojson": [_geojson(g) for g in frame["geometry"]],
                }
            ),
            pd.DataFrame(
                {
                    "area_key": land_shapes.index,
                    "level": "land",
                    "web_geojson": [_geojson(g) for g in land_shapes],
                }
            ),
        ],
        ignore_index=True,
    ).assign(area_km2=50.0)
    return {"areas": areas, "boundaries": boundaries, **cells(frame, rng)}


def cells(frame: pd.DataFrame, rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    size = rng.lognormal(7.0, 1.1, len(frame))
    groups = np.array(
        [
            0.03,
            0.03,
            0.04,
            0.05,
            0.03,
            0.02,
            0.05,
            0.06,
            0.06,
            0.06,
            0.06,
            0.07,
            0.08,
            0.08,
            0.07,
            0.11,
            0.10,
        ]
    )
    rows = []
    for year in YEARS:
        counts = rng.poisson(np.outer(size * (1 + 0.01 * (year - 2022)), groups))
        for (age_from, age_to), column in zip(AGE_GROUPS_17, counts.T, strict=True):
            rows.append(
                pd.DataFrame(
                    {
                        "area_key": frame["area_key"],
                        "year": year,
                        "age_from": age_from,
                        "age_to": age_to,
                        "value": column,
                    }
                )
            )
    leaf = pd.concat(rows, ignore_index=True)
    keys = leaf["area_key"]
    upper = pd.concat([leaf.assign(area_key=keys.str[:5]), leaf.assign(area_key=keys.str[:2])])
    groups_frame = (
        pd.concat([leaf, upper])
        .groupby(["area_key", "year", "age_from", "age_to"], as_index=False, dropna=False)["value"]
        .sum()
    )
    total = (
        groups_frame.groupby(["area_key", "year"], as_index=False)["value"]
        .sum()
        .assign(age_from=0, age_to=pd.NA)
    )
    population = pd.concat([groups_frame, total]).assign(sex="total", nationality="total")
    persons = total.set_index(["area_key", "year"])["value"]
    shares = {0: 0.5, 1: 0.2, 2: 0.15, 3: 0.07, 4: 0.05, 5: 0.03}
    households = pd.concat(
        [
            persons.mul(share).round().astype(int).rename("value").reset_index().assign(size=s)
            for s, share in shares.items()
        ]
    )
    rates = {"birth": 0.009, "death": 0.012, "move_in": 0.05, "move_out": 0.048}
    events = pd.concat(
        [
            persons.mul(rate).round().astype(int).rename("value").reset_index().assign(event=e)
            for e, rate in rates.items()
        ]
    )
    return {
        name: protect(table)
        for name, table in (
            ("population", population),
            ("households", households),
            ("events", events),
        )
    }


def protect(table: pd.DataFrame, k: int = 3) -> pd.DataFrame:
    status = np.where(
        table["value"] == 0, ZERO, np.where(table["value"] < k, SUPPRESSED, PUBLISHED)
    )
    table = table.assign(status=status, reference_date=dt.date(2023, 12, 31), sources="bench")
    table["value"] = table["value"].astype("Int64").mask(table["status"] == SUPPRESSED)
    if "age_to" in table:
        table["age_to"] = table["age_to"].astype("Int64")
    return table


def publish(settings: Settings, n: int) -> str:
    rng = np.random.default_rng(SEED)
    frames = tables(layer(n, rng), rng)
    publisher = migrated_stores(settings).publisher
    release = {
        "min_count": 3,
        "protection": 0.3,
        "territorial_status": dt.date(2023, 12, 31),
        "years": list(YEARS),
        "sources": {"uploads": ["bench"]},
        "attribution": "Benchmark (synthetisch)",
        "note": "bench",
        "audit": {"safe": True, "method": "benchmark fixture"},
    }
    return write_release(publisher, release, frames)


def _callback_body(
    deps: list[dict], values: dict[str, object], changed: str, output: str = "karte-graph.figure"
) -> dict:
    spec = next(d for d in deps if output in d["output"])
    inputs = [
        {"id": i["id"], "property": i["property"], "value": values[i["id"]]} for i in spec["inputs"]
    ]
    state = [
        {
            "id": s["id"],
            "property": s["property"],
            "value": values.get(s["id"] + "." + s["property"]),
        }
        for s in spec["state"]
    ]
    outputs = [
        {"id": part.split(".")[0], "property": part.split(".")[1]}
        for part in spec["output"].strip(".").split("...")
    ]
    if not spec["output"].startswith(".."):
        outputs = outputs[0]  # a single output is sent as an object
    return {
        "output": spec["output"],
        "outputs": outputs,
        "inputs": inputs,
        "state": state,
        "changedPropIds": [changed],
    }


def measure_dashboard(settings: Settings, release: str) -> dict[str, float]:
    client = create_app(settings, warm=False).server.test_client()  # measure cold caches
    deps = client.get("/_dash-dependencies").get_json()
    values: dict[str, object] = {
        ids.MAP_LEVEL: "gemeinde",
        ids.MAP_INDICATOR: "population",
        ids.MAP_YEAR: 2023,
        ids.MAP_METHOD: "quantiles",
        ids.MAP_CLASSES: 5,
        ids.MAP_PALETTE: "viridis",
        ids.MAP_STATE + ".data": {"release": release, "lang": "de"},
        ids.MAP_DRAWN + ".data": None,
    }
    started = time.perf_counter()
    first = client.post(
        "/_dash-update-component", json=_callback_body(deps, values, ids.MAP_LEVEL + ".value")
    )
    first_time = time.perf_counter() - started
    geometry = [
        client.get(f"/api/v1/geometry/{release}/{level}.geojson").data
        for level in ("gemeinde", "land")
    ]
    gzipped = {"Accept-Encoding": "gzip"}
    first_gz = client.post(
        "/_dash-update-component",
        headers=gzipped,
        json=_callback_body(deps, values, ids.MAP_LEVEL + ".value"),
    ).data
    geometry_gz = [
        client.get(f"/api/v1/geometry/{release}/{level}.geojson", headers=gzipped).data
        for level in ("gemeinde", "land")
    ]
    values[ids.MAP_DRAWN + ".data"] = {"release": release, "level": "gemeinde"}
    steps = [
        (ids.MAP_INDICATOR, v)
        for v in (
            "share_65p",
            "mean_age",
            "births_per_1000",
            "old_age_ratio",
            "hh_share_1",
            "change_1y",
        )
    ]
    steps += [
        (ids.MAP_YEAR, 2022),
        (ids.MAP_CLASSES, 7),
        (ids.MAP_METHOD, "equal_interval"),
        (ids.MAP_METHOD, "natural_breaks"),
        (ids.MAP_PALETTE, "cividis"),
        (ids.MAP_YEAR, 2023),
        (ids.MAP_CLASSES, 4),
        (ids.MAP_INDICATOR, "population"),
    ]
    sizes, times, gz_sizes = [], [], []
    for control, value in steps:
        values[control] = value
        body = _callback_body(deps, values, control + ".value")
        started = time.perf_counter()
        response = client.post("/_dash-update-component", json=body)
        times.append(time.perf_counter() - started)
        zipped = client.post("/_dash-update-component", json=body, headers=gzipped)
        gz_sizes.append(len(zipped.data))
        assert response.status_code == 200, response.data[:500]
        assert b"geojson" not in response.data  # values only
        sizes.append(len(response.data))
        print(f"  {control}={value}: {len(response.data) / 1024:.1f} KB {times[-1] * 1000:.0f} ms")
    table = client.post(
        "/_dash-update-component",
        json=_callback_body(
            deps, values, ids.MAP_INDICATOR + ".value", output="karte-table.children"
        ),
    )
    return {
        "table_bytes": len(table.data),
        "first_callback_bytes": len(first.data),
        "first_callback_seconds": first_time,
        "geometry_bytes": sum(len(g) for g in geometry),
        "first_load_bytes": len(first.data) + sum(len(g) for g in geometry),
        "first_load_gzip_bytes": len(first_gz) + sum(len(g) for g in geometry_gz),
        "update_max_bytes": max(sizes),
        "update_max_gzip_bytes": max(gz_sizes),
        "update_median_bytes": statistics.median(sizes),
        "update_median_seconds": statistics.median(times),
        "update_max_seconds": max(times),
    }


def measure_naive(settings: Settings, release: str) -> dict[str, float]:
    """plotly.express with the full GeoJSON in every figure, built per update."""
    app = create_app(settings)
    with app.server.test_request_context("/"):
        from dashboard.services import get_service

        service = get_service()
        geojson = json.loads(service.geojson(release, "gemeinde"))
        sizes, times = [], []
        for indicator in ("population", "share_65p", "mean_age", "births_per_1000"):
            values = service.map_values(release, "gemeinde", indicator, 2023)
            started = time.perf_counter()
            figure = px.choropleth_map(
                values,
                geojson=geojson,
                locations="area_key",
                color="value",
                hover_name="name",
                map_style="white-bg",
            )
            payload = figure.to_json()
            times.append(time.perf_counter() - started)
            sizes.append(len(payload.encode()))
    return {
        "update_median_bytes": statistics.median(sizes),
        "update_median_seconds": statistics.median(times),
    }


def main(argv: list[str]) -> None:
    n = int(argv[0]) if argv else 11_000
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(home=Path(folder))
        started = time.perf_counter()
        release = publish(settings, n)
        print(f"published {n} municipalities in {time.perf_counter() - started:.1f} s")
        ours, naive = measure_dashboard(settings, release), measure_naive(settings, release)
    mb, kb = 1024 * 1024, 1024
    print(f"{'measure':38s} {'dashboard':>14s} {'naive px':>14s} {'target':>10s}")
    print(
        f"{'first map load (figure + geometry)':38s} {ours['first_load_bytes'] / mb:11.2f} MB "
        f"{naive['update_median_bytes'] / mb:11.2f} MB {'<= 3 MB':>10s}"
    )
    print(f"{'  of which geometry (cached, immutable)':38s} {ours['geometry_bytes'] / mb:11.2f} MB")
    print(f"{'first map load, gzip (as sent)':38s} {ours['first_load_gzip_bytes'] / mb:11.2f} MB")
    print(
        f"{'update payload (max of 14)':38s} {ours['update_max_bytes'] / kb:11.1f} KB "
        f"{naive['update_median_bytes'] / kb:11.1f} KB {'<= 150 KB':>10s}"
    )
    print(f"{'update payload (median)':38s} {ours['update_median_bytes'] / kb:11.1f} KB")
    gz_max = ours["update_max_gzip_bytes"] / kb
    print(f"{'update payload, gzip (max, as sent)':38s} {gz_max:11.1f} KB")
    median_ms = ours["update_median_seconds"] * 1000
    print(
        f"{'server time per update (median)':38s} {median_ms:11.1f} ms "
        f"{naive['update_median_seconds'] * 1000:11.1f} ms {'<= 100 ms':>10s}"
    )
    print(f"{'server time per update (max)':38s} {ours['update_max_seconds'] * 1000:11.1f} ms")
    print(f"{'first map callback (cold cache)':38s} {ours['first_callback_seconds']:11.2f} s")
    print(f"{'table beside the map (own callback)':38s} {ours['table_bytes'] / kb:11.1f} KB")


if __name__ == "__main__":
    main(sys.argv[1:])
