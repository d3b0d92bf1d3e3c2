"""INSPIRE grid cells (EPSG:3035, as in the Zensus 2011/2022 grid) for ETRS89/UTM32 coordinates.

A cell's id names its lower left corner in ETRS89-LAEA divided by the cell size:
`1kmN2689E4337` is the 1 km cell whose south-west corner is N 2 689 000 m, E 4 337 000 m;
`100mN26891E43372` the 100 m cell at N 2 689 100 m, E 4 337 200 m. Points on a cell edge belong
to the cell to the north and east (floor).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import Final

import numpy as np
import pandas as pd
from pyproj import Transformer

SOURCE_CRS: Final = "EPSG:25832"  # ETRS89 / UTM zone 32N, coordinates of German registers
GRID_CRS: Final = "EPSG:3035"  # ETRS89-extended / LAEA Europe
CELL_SIZES: Final = {"grid1km": 1000, "grid100m": 100}
ID_PREFIX: Final = {"grid1km": "1km", "grid100m": "100m"}
PARALLEL_POINTS: Final = 250_000  # below this, threads cost more than they save


# What `Transformer.from_crs(SOURCE_CRS, GRID_CRS, always_xy=True)` resolves to (checked by
# tests/extract/test_inspire.py): built from this string a Transformer takes about 1 ms
# instead of about 30 ms of database lookups, so none needs to be cached.
UTM32_TO_LAEA: Final = (
    "proj=pipeline step inv proj=utm zone=32 ellps=GRS80 "
    "step proj=laea lat_0=52 lon_0=10 x_0=4321000 y_0=3210000 ellps=GRS80"
)


def _transformer() -> Transformer:
    """A new Transformer, one per thread: a Transformer must not be shared by threads."""
    return Transformer.from_pipeline(UTM32_TO_LAEA)


def to_laea(easting: np.ndarray, northing: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """UTM32 (x = easting, y = northing) to LAEA (easting, northing) in metres.

    Large arrays are split over the cores (PROJ releases the GIL); each point is transformed
    on its own, so the result does not depend on the split.
    """
    x = np.asarray(easting, dtype="float64")
    y = np.asarray(northing, dtype="float64")
    workers = min(os.cpu_count() or 1, len(x) // PARALLEL_POINTS)
    if workers <= 1:
        return _transformer().transform(x, y)
    bounds = np.linspace(0, len(x), workers + 1).astype("int64")
    with ThreadPoolExecutor(workers) as pool:
        parts = list(
            pool.map(
                lambda i: _transformer().transform(
                    x[bounds[i] : bounds[i + 1]], y[bounds[i] : bounds[i + 1]]
                ),
                range(workers),
            )
        )
    return (
        np.concatenate([part[0] for part in parts]),
        np.concatenate([part[1] for part in parts]),
    )


def cell_indices(
    easting: np.ndarray, northing: np.ndarray, cell_size: int = 100
) -> tuple[np.ndarray, np.ndarray]:
    """(northing index, easting index) of the `cell_size` metre LAEA cells holding the points."""
    laea_e, laea_n = to_laea(easting, northing)
    if not (np.isfinite(laea_e).all() and np.isfinite(laea_n).all()):
        raise ValueError("coordinates outside the valid area of EPSG:25832")
    return (
        np.floor(laea_n / cell_size).astype("int64"),
        np.floor(laea_e / cell_size).astype("int64"),
    )


def cell_id(level: str, north_index: int, east_index: int) -> str:
    """The INSPIRE id of one cell, e.g. cell_id('grid1km', 2689, 4337) == '1kmN2689E4337'."""
    return f"{ID_PREFIX[level]}N{north_index}E{east_index}"


def cell_ids(level: str, easting: np.ndarray, northing: np.ndarray) -> pd.Series:
    """INSPIRE ids of the cells at `level` (`grid1km` or `grid100m`) holding the points."""
    north, east = cell_indices(easting, northing, CELL_SIZES[level])
    prefix = ID_PREFIX[level]
    return pd.Series(
        [f"{prefix}N{n}E{e}" for n, e in zip(north.tolist(), east.tolist(), strict=True)],
        dtype=object,
    )
