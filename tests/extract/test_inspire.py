"""INSPIRE grid cells for UTM32 coordinates."""

from __future__ import annotations

import numpy as np
import pytest

from etl.extract.inspire import cell_id, cell_ids, cell_indices, to_laea

# The natural origin of EPSG:3035 is 52°N 10°E with false easting 4 321 000 m and false northing
# 3 210 000 m (EPSG dataset). In UTM32 (EPSG:25832) that point is E 568 649.705, N 5 761 510.316.
ORIGIN_UTM = (568_649.7049, 5_761_510.3164)


def test_the_laea_origin_maps_to_its_false_easting_and_northing() -> None:
    east, north = to_laea(np.array([ORIGIN_UTM[0]]), np.array([ORIGIN_UTM[1]]))
    assert east[0] == pytest.approx(4_321_000, abs=0.01)
    assert north[0] == pytest.approx(3_210_000, abs=0.01)


def test_cell_ids_of_a_point_checked_by_hand() -> None:
    # 50 m north-east of the origin: inside the cells whose corner is the origin itself.
    x, y = np.array([ORIGIN_UTM[0] + 50]), np.array([ORIGIN_UTM[1] + 50])
    assert cell_ids("grid100m", x, y).tolist() == ["100mN32100E43210"]
    assert cell_ids("grid1km", x, y).tolist() == ["1kmN3210E4321"]
    # 50 m south-west: the neighbouring cells (floor, not rounding towards zero).
    x, y = np.array([ORIGIN_UTM[0] - 50]), np.array([ORIGIN_UTM[1] - 50])
    assert cell_ids("grid100m", x, y).tolist() == ["100mN32099E43209"]
    assert cell_ids("grid1km", x, y).tolist() == ["1kmN3209E4320"]


def test_cell_id_format_matches_the_zensus_grid() -> None:
    assert cell_id("grid1km", 2689, 4337) == "1kmN2689E4337"
    assert cell_id("grid100m", 26891, 43372) == "100mN26891E43372"


def test_1km_index_is_the_100m_index_divided_by_ten() -> None:
    rng = np.random.default_rng(1)
    x, y = rng.uniform(420_000, 520_000, 500), rng.uniform(5_850_000, 5_950_000, 500)
    north100, east100 = cell_indices(x, y, 100)
    north1k, east1k = cell_indices(x, y, 1000)
    assert (north100 // 10 == north1k).all() and (east100 // 10 == east1k).all()


def test_points_outside_the_projection_are_refused() -> None:
    with pytest.raises(ValueError, match="outside"):
        cell_indices(np.array([np.inf]), np.array([5_800_000.0]))


def test_split_over_threads_gives_the_same_cells(monkeypatch: pytest.MonkeyPatch) -> None:
    from etl.extract import inspire

    rng = np.random.default_rng(2)
    x, y = rng.uniform(420_000, 520_000, 1001), rng.uniform(5_850_000, 5_950_000, 1001)
    single = cell_indices(x, y, 100)
    monkeypatch.setattr(inspire, "PARALLEL_POINTS", 100)
    monkeypatch.setattr(inspire.os, "cpu_count", lambda: 3)
    split = cell_indices(x, y, 100)
    assert (split[0] == single[0]).all() and (split[1] == single[1]).all()
    east, north = to_laea(x, y)
    assert len(east) == len(north) == 1001


def test_the_pipeline_is_what_the_two_crs_resolve_to() -> None:
    """The constant pipeline (1 ms to build) is the one PROJ derives from the EPSG codes."""
    from pyproj import Transformer

    from etl.extract.inspire import GRID_CRS, SOURCE_CRS, UTM32_TO_LAEA

    derived = Transformer.from_crs(SOURCE_CRS, GRID_CRS, always_xy=True)
    assert derived.definition == UTM32_TO_LAEA
    x, y = np.array([432_100.0, 612_345.6]), np.array([5_800_000.0, 5_912_345.6])
    assert np.array_equal(np.column_stack(derived.transform(x, y)), np.column_stack(to_laea(x, y)))
