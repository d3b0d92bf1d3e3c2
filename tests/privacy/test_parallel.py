"""LP worker processes change the speed of protect and audit, never their answer."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pytest

from etl.config import Settings
from etl.errors import ConfigError
from etl.privacy import audit, cube_relations, protect, speculation
from etl.privacy import intervals as intervals_module
from etl.privacy.intervals import Failure
from etl.privacy.perturb import Perturbation
from etl.privacy.workers import lp_pool, ordered_map

AGES = ["0-9", "10-19", "20-39", "40-59", "60-79", "80+"]


def _cube(villages: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Villages x sex x age with Kreis (8 villages each) and Land totals; many small cells."""
    rng = np.random.default_rng(seed)
    kreis = {f"V{i:02d}": f"K{i // 8}" for i in range(villages)}
    area_edges = pd.DataFrame(
        [(k, v) for v, k in kreis.items()] + [("L", k) for k in sorted(set(kreis.values()))],
        columns=["total", "part"],
    )
    leaves = pd.DataFrame(
        [(v, s, a) for v in kreis for s in ("f", "m") for a in AGES],
        columns=["area", "sex", "age"],
    ).assign(value=lambda frame: rng.poisson(3.0, len(frame)))
    frames = [leaves]
    for dimension, total in (("sex", "T"), ("age", "T")):
        grouped = pd.concat(frames).groupby(
            [c for c in ("area", "sex", "age") if c != dimension], as_index=False
        )
        frames.append(grouped["value"].sum().assign(**{dimension: total}))
    cells = pd.concat(frames)
    for edges in (
        area_edges[area_edges["part"].isin(kreis)],
        area_edges[area_edges["total"] == "L"],
    ):
        upper = cells.merge(edges.rename(columns={"part": "area"}), on="area", validate="m:1")
        upper = upper.groupby(["total", "sex", "age"], as_index=False)["value"].sum()
        cells = pd.concat([cells, upper.rename(columns={"total": "area"})])
    hierarchies = {
        "area": area_edges,
        "sex": pd.DataFrame({"total": "T", "part": ["f", "m"]}),
        "age": pd.DataFrame({"total": "T", "part": AGES}),
    }
    relations = cube_relations(cells[["area", "sex", "age"]], hierarchies)
    frame = pd.DataFrame(
        {
            "cell": (cells["area"] + "|" + cells["sex"] + "|" + cells["age"]).to_numpy(),
            "value": cells["value"].to_numpy(),
        }
    )
    return frame, relations


@pytest.fixture
def small_thresholds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let a small table use the workers (the thresholds are read in this process)."""
    monkeypatch.setattr(speculation, "_MIN_PER_SLICE", 8)
    monkeypatch.setattr(intervals_module, "_MIN_PARALLEL_COLUMNS", 0)


@pytest.mark.usefixtures("small_thresholds")
def test_two_workers_give_the_same_pattern_and_audit_as_one(
    caplog: pytest.LogCaptureFixture,
) -> None:
    cells, relations = _cube(24, seed=3)
    sequential = protect(cells, relations)
    with caplog.at_level(logging.DEBUG, logger="etl.privacy.protect"):
        parallel = protect(cells, relations, workers=2)
    pd.testing.assert_frame_equal(parallel, sequential)
    assert (sequential["status"] == "secondary").sum() > 0
    taken = [record.args[1] for record in caplog.records if "worker steps" in record.msg]
    assert sum(taken) > 0  # the worker's steps were really used
    assert audit(cells, relations, parallel, workers=2).safe


@pytest.mark.usefixtures("small_thresholds")
def test_two_workers_report_the_same_unsafe_cells_as_one() -> None:
    cells, relations = _cube(16, seed=5)
    result = protect(cells, relations)
    secondary = result.index[result["status"] == "secondary"][::2]
    broken = result.copy()
    broken.loc[secondary, "status"] = "published"
    broken.loc[secondary, "value"] = cells.loc[secondary, "value"].to_numpy()
    sequential = audit(cells, relations, broken)
    parallel = audit(cells, relations, broken, workers=2)
    assert not sequential.safe
    assert parallel.checked == sequential.checked
    pd.testing.assert_frame_equal(parallel.unsafe, sequential.unsafe)


def _failure(cell: int) -> Failure:
    return Failure(cell, 1.0, 1.0, 1.0, 2.0, ("upper",))


def test_a_step_computed_ahead_is_redone_when_a_consulted_cell_changed() -> None:
    """Cells 0 and 1 are suppressed by the first slice; the worker did not know."""
    calls: list[int] = []

    def step(suppressed: np.ndarray, failure: Failure) -> speculation.Step:
        calls.append(failure.cell)
        moved = np.array([failure.cell, failure.cell + 1])
        return speculation.Step(Perturbation(moved, np.array([2.0, 2.0])), moved)

    def ahead(cell: int, consulted: list[int]) -> speculation.Step:
        return speculation.Step(
            Perturbation(np.array([cell, cell + 1]), np.array([2.0, 2.0])), np.array(consulted)
        )

    start = np.zeros(8, dtype=bool)
    suppressed = start.copy()
    suppressed[[0, 1]] = True  # what the first slice did
    reach = (np.ones(8), np.ones(8))
    steps = [ahead(2, [1, 2, 3]), ahead(5, [4, 5, 6])]
    added, taken, recomputed = speculation._take_slice(
        [_failure(2), _failure(5)],
        steps,
        start,
        (suppressed, reach),
        (step, lambda failure, reach: True, lambda failure: AssertionError("impossible")),
    )
    assert calls == [2]  # cell 1 changed under the first step; the second was taken
    assert (added, taken, recomputed) == (4, 1, 1)
    assert np.flatnonzero(suppressed).tolist() == [0, 1, 2, 3, 5, 6]


def _square(value: int) -> int:
    return value * value


def test_pool_maps_in_order_and_refuses_zero_workers() -> None:
    with lp_pool(2) as pool:
        assert ordered_map(pool, _square, list(range(9))) == [v * v for v in range(9)]
    with lp_pool(1) as pool:
        assert pool is None
    with pytest.raises(ValueError, match="at least 1"), lp_pool(0):
        pass


def test_worker_count_is_a_validated_setting() -> None:
    assert Settings(privacy_workers=3).lp_workers == 3
    assert 1 <= Settings().lp_workers <= 2
    assert Settings.from_env({"DEMOGRAFIE_PRIVACY_WORKERS": "1"}).lp_workers == 1
    with pytest.raises(ConfigError, match="DEMOGRAFIE_PRIVACY_WORKERS"):
        Settings(privacy_workers=-1)
