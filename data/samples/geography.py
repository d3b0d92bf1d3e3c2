"""Fictional geography of the sample region: municipalities, Ortsteile, Kreise, Länder, regions.

Polygons are the Voronoi cells of seeded points clipped to a hull in EPSG:25832 near 53.1°N
8.8°E, so they tile the hull without gaps or overlaps. The city is the union of its Ortsteile,
Kreise and Länder are unions of municipalities. A river crossing the city is cut out as a water
part (GF 2) with the city's AGS beside its land part (GF 4), as in BKG VG250.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, MultiPoint, Point, Polygon

CRS: Final = "EPSG:25832"
CENTRE: Final = (486_600.0, 5_883_400.0)  # 53.1°N 8.8°E in UTM32
CITY: Final = "04021000"
CITY_NAME: Final = "Hansestadt Weserhaven"
STUDENT_CITY: Final = "04022000"
STUDENT_CITY_NAME: Final = "Universitätsstadt Geestmünde"
KREISE: Final = {
    "03901": "Nordgeest",
    "03902": "Moorland",
    "03903": "Südheide-Weser",
    "04021": CITY_NAME,
    "04022": STUDENT_CITY_NAME,
}
LAENDER: Final = {
    "03": ("Niedersachsen", "Land"),
    "04": ("Freie Hansestadt Weserhaven", "Freie Hansestadt"),
}
ORTSTEILE: Final = (
    "Altstadt",
    "Hafen",
    "Neustadt",
    "Findorp",
    "Schwachhusen",
    "Horn-Lehe",
    "Vegesack-Süd",
    "Blumenthal-Moor",
    "Osterholt",
    "Huchting-Geest",
)
NAMES: Final = (
    "Achterdiek",
    "Brookhusen",
    "Deichsende",
    "Fleetmoor",
    "Geestrand",
    "Hollerdamm",
    "Ihlpohl-Nord",
    "Jührden",
    "Kattrepel",
    "Lehnstedt",
    "Moorhave",
    "Neuenbrook",
    "Ottersberg-Heide",
    "Pennigbüttel-Ost",
    "Quelkhorn",
    "Rautendorf",
    "Sandwede",
    "Timmersloh",
    "Uthlede-Süd",
    "Vollersode-West",
    "Wörpedahl",
    "Ahrensmoor",
    "Brillit",
    "Dannenfleth",
    "Eggestedt",
    "Frankenloh",
    "Gnarrenburg-Ost",
    "Hüttenbusch",
    "Stoteler Moor",
    "Wiste",
)


@dataclass(frozen=True)
class Municipality:
    """One municipality: key, name, kind (city, student, town, village, gemeinde), seed point."""

    ags: str
    name: str
    kind: str
    bez: str
    x: float
    y: float


def ars(ags: str) -> str:
    """12-digit ARS of an Einheitsgemeinde: Kreis + Verband '0' + Gemeinde, twice."""
    return ags[:5] + "0" + ags[5:] + ags[5:]


def _spread_points(
    rng: np.random.Generator,
    count: int,
    inner: float,
    outer: float,
    spacing: float,
    taken: list[tuple[float, float]],
) -> list[tuple[float, float]]:
    """Seeded points in a ring around the centre, `spacing` metres apart and from `taken`."""
    points: list[tuple[float, float]] = []
    while len(points) < count:
        radius = np.sqrt(rng.uniform(inner**2, outer**2))
        angle = rng.uniform(0, 2 * np.pi)
        point = (CENTRE[0] + radius * np.cos(angle), CENTRE[1] + radius * np.sin(angle))
        if all(np.hypot(point[0] - p[0], point[1] - p[1]) >= spacing for p in points + taken):
            points.append(point)
    return points


def municipalities(rng: np.random.Generator, count: int = 30) -> list[Municipality]:
    """The city, the student city and `count` municipalities of Land 03 in three Kreise."""
    student_seed = (CENTRE[0] + 4_000, CENTRE[1] + 12_500)
    seeds = _spread_points(rng, count, 13_000, 31_000, 5_000, [student_seed])
    angles = [np.arctan2(y - CENTRE[1], x - CENTRE[0]) % (2 * np.pi) for x, y in seeds]
    order = np.argsort(angles, kind="stable")
    kinds = ["village"] * max(1, count * 8 // 30) + ["town"] * max(1, count * 4 // 30)
    kinds += ["gemeinde"] * (count - len(kinds))
    kinds = list(rng.permutation(kinds))
    result = [
        Municipality(CITY, CITY_NAME, "city", "Stadt", *CENTRE),
        Municipality(STUDENT_CITY, STUDENT_CITY_NAME, "student", "Stadt", *student_seed),
    ]
    for rank, index in enumerate(order):
        kreis = ("03901", "03902", "03903")[rank * 3 // count]
        number = sum(1 for m in result if m.ags.startswith(kreis)) + 1
        kind = str(kinds[rank])
        bez = {"town": "Stadt", "village": "Gemeinde"}.get(
            kind, "Gemeinde" if rank % 7 else "Flecken"
        )
        x, y = seeds[index]
        result.append(
            Municipality(f"{kreis}{number:03d}", NAMES[rank % len(NAMES)], kind, bez, x, y)
        )
    return result


def _hull(rng: np.random.Generator) -> Polygon:
    angles = 2 * np.pi * np.arange(14) / 14 + rng.uniform(-0.1, 0.1, 14)
    radii = rng.uniform(36_000, 41_000, 14)
    return Polygon(
        [
            (CENTRE[0] + r * np.cos(a), CENTRE[1] + r * np.sin(a))
            for a, r in zip(angles, radii, strict=True)
        ]
    ).convex_hull


def _cells(points: list[tuple[float, float]], hull: Polygon) -> list[Polygon]:
    """Voronoi cell of each point, clipped to the hull, in the order of the points."""
    diagram = shapely.voronoi_polygons(MultiPoint(points), extend_to=hull)
    cells = [shapely.intersection(cell, hull) for cell in diagram.geoms]
    return [min(cells, key=lambda cell: cell.distance(Point(x, y))) for x, y in points]


def ortsteil_seeds(rng: np.random.Generator) -> list[tuple[float, float]]:
    """Seeds of the city's Ortsteile: one in the centre, the others on a ring around it."""
    seeds = [CENTRE]
    for i in range(1, len(ORTSTEILE)):
        angle = 2 * np.pi * i / (len(ORTSTEILE) - 1) + rng.uniform(-0.2, 0.2)
        radius = rng.uniform(3_200, 5_200)
        seeds.append((CENTRE[0] + radius * np.cos(angle), CENTRE[1] + radius * np.sin(angle)))
    return seeds


def build_geography(
    rng: np.random.Generator, count: int = 30
) -> tuple[list[Municipality], dict[str, gpd.GeoDataFrame]]:
    """Municipalities and the layers vg250_gem, vg250_krs, vg250_lan and ortsteile."""
    places = municipalities(rng, count)
    hull = _hull(rng)
    city_seeds = ortsteil_seeds(rng)
    others = [(m.x, m.y) for m in places[1:]]
    cells = _cells(city_seeds + others, hull)
    ortsteil_cells, municipality_cells = cells[: len(city_seeds)], cells[len(city_seeds) :]
    city_polygon = shapely.union_all(ortsteil_cells)
    polygons = {CITY: city_polygon} | {
        m.ags: cell for m, cell in zip(places[1:], municipality_cells, strict=True)
    }
    ortsteile = gpd.GeoDataFrame(
        {
            "key": [f"{CITY}-{i:03d}" for i in range(1, len(ORTSTEILE) + 1)],
            "name": list(ORTSTEILE),
            "AGS": CITY,
            "geometry": ortsteil_cells,
        },
        crs=CRS,
    )
    layers = {"vg250_gem": _gemeinden(places, polygons), "ortsteile": ortsteile}
    layers["vg250_krs"] = _dissolve(layers["vg250_gem"], 5, KREISE, _kreis_bez)
    layers["vg250_lan"] = _dissolve(
        layers["vg250_gem"], 2, {k: v[0] for k, v in LAENDER.items()}, lambda key: LAENDER[key][1]
    )
    return places, layers


def _river() -> Polygon:
    """The Weser: a meandering band of 250 m crossing the city from south-east to north-west."""
    t = np.linspace(-1, 1, 60)
    x = CENTRE[0] + 15_000 * t
    y = CENTRE[1] - 9_000 * t + 900 * np.sin(4 * t)
    return LineString(zip(x, y, strict=True)).buffer(125)


def _gemeinden(places: list[Municipality], polygons: dict) -> gpd.GeoDataFrame:
    rows = []
    river = _river()
    for place in places:
        polygon = polygons[place.ags]
        parts = [(4, polygon)]
        if place.ags == CITY:
            parts = [(4, polygon.difference(river)), (2, polygon.intersection(river))]
        for gf, geometry in parts:
            rows.append(
                {
                    "AGS": place.ags,
                    "ARS": ars(place.ags),
                    "GEN": place.name,
                    "BEZ": place.bez,
                    "GF": gf,
                    "geometry": geometry,
                }
            )
    return gpd.GeoDataFrame(rows, crs=CRS)


def _kreis_bez(key: str) -> str:
    return "Kreisfreie Stadt" if key.startswith("04") else "Landkreis"


def _dissolve(gemeinden: gpd.GeoDataFrame, digits: int, names: dict, bez) -> gpd.GeoDataFrame:
    keys = gemeinden["AGS"].str[:digits]
    rows = []
    for key in sorted(keys.unique()):
        geometry = shapely.union_all(gemeinden.geometry[keys == key].to_numpy())
        rows.append(
            {
                "AGS": key,
                "ARS": key.ljust(12, "0"),
                "GEN": names[key],
                "BEZ": bez(key),
                "GF": 4,
                "geometry": geometry,
            }
        )
    return gpd.GeoDataFrame(rows, crs=CRS)


def region_sets(places: list[Municipality]) -> pd.DataFrame:
    """Predefined regions across the Land border; regions of different sets overlap."""
    land3 = [m for m in places if m.ags.startswith("03")]
    near = sorted(land3, key=lambda m: np.hypot(m.x - CENTRE[0], m.y - CENTRE[1]))
    north = [m.ags for m in near if m.ags[:5] in ("03901", "03902")][:7]
    south = [m.ags for m in near if m.ags[:5] in ("03902", "03903")][:6]
    towns = [m for m in land3 if m.kind == "town"]
    regions = [
        ("Kommunalverbund", "KV-WH", "Kommunalverbund Weserhaven", [CITY] + [m.ags for m in land3]),
        ("Kooperationsräume", "KR-NORD", "Nordkreis-Verbund", [CITY, *north]),
        ("Kooperationsräume", "KR-SUED", "Südachse Weser", [CITY, STUDENT_CITY, *south]),
        ("Kooperationsräume", "KR-WISS", "Wissenschaftsregion", [CITY, STUDENT_CITY, *north[:2]]),
    ]
    for town in towns:  # Mittelbereiche: each town with the three nearest municipalities
        others = sorted(
            (m for m in land3 if m is not town), key=lambda m: np.hypot(m.x - town.x, m.y - town.y)
        )[:3]
        regions.append(
            (
                "Mittelbereiche",
                f"MB-{town.ags}",
                f"Mittelbereich {town.name}",
                [town.ags] + [m.ags for m in others],
            )
        )
    return pd.DataFrame(
        [(s, key, name, member) for s, key, name, members in regions for member in members],
        columns=["region_set", "region_key", "region_name", "member_key"],
    )
