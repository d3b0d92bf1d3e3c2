"""Benchmark of the projection engine with generated data.

Run: `.venv/bin/python -m benchmarks.bench_projection [--areas 11000] [--workers 2]`.
Targets: one region recomputed in <= 200 ms; ~11,000 municipalities x 30 years x 3
scenarios in <= 5 s on 2 cores. Wall and CPU seconds are printed: on a shared machine
the CPU time of the process is the steadier number.
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd

from etl.projection import synthetic
from etl.projection.area import project_area, project_areas
from etl.projection.assumptions import Assumptions
from etl.projection.scenarios import MIDDLE, STANDARD_SCENARIOS
from etl.projection.ungroup import GENESIS_17_BOUNDS


def _best_of(repeats: int, work: Callable[[], object]) -> tuple[float, float]:
    """Best wall and CPU seconds of `repeats` runs."""
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def _one_region() -> tuple[float, float]:
    assumptions = synthetic.assumptions(1)
    population = synthetic.population(1)[0]
    frame = pd.DataFrame(
        {
            "sex": np.repeat(["female", "male"], population.shape[-1]),
            "age": np.tile(np.arange(population.shape[-1]), 2),
            "population": population.reshape(-1),
        }
    )
    return _best_of(5, lambda: project_area(frame, assumptions, MIDDLE, range(2024, 2055)))


def _chunk(part: tuple[np.ndarray, Assumptions, Sequence[int] | None]) -> float:
    """Project one block of areas in all scenarios; returns its final total population."""
    population, assumptions, groups = part
    result = project_areas(
        population, assumptions, STANDARD_SCENARIOS, 30, base_year=2024, age_groups=groups
    )
    return float(result.population[:, -1].sum())


def _all_areas(n_areas: int, workers: int, groups: Sequence[int] | None) -> tuple[float, float]:
    """Seconds for all areas; with workers > 1 the areas are split into equal blocks."""
    assumptions = synthetic.assumptions(n_areas)
    population = synthetic.population(n_areas)
    if workers <= 1:
        return _best_of(2, lambda: _chunk((population, assumptions, groups)))
    edges = np.linspace(0, n_areas, workers + 1).astype(int)
    parts = [
        (population[a:b], assumptions.select(list(assumptions.areas[a:b])), groups)
        for a, b in itertools.pairwise(edges)
    ]
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_chunk, [parts[0]] * workers))  # warm the workers up
        return _best_of(2, lambda: list(pool.map(_chunk, parts)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--areas", type=int, default=11_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    wall, cpu = _one_region()
    print(
        f"one region, 30 years, 1 scenario (project_area): {wall * 1000:.0f} ms "
        f"(CPU {cpu * 1000:.0f} ms)"
    )
    label = f"{args.areas} areas x 30 years x 3 scenarios"
    for groups, kept in ((GENESIS_17_BOUNDS, "17 age groups kept"), (None, "single years kept")):
        wall, cpu = _all_areas(args.areas, 1, groups)
        print(f"{label}, {kept}, 1 process: {wall:.2f} s (CPU {cpu:.2f} s)")
        if args.workers > 1:
            wall, _ = _all_areas(args.areas, args.workers, groups)
            print(f"{label}, {kept}, {args.workers} processes: {wall:.2f} s wall")


if __name__ == "__main__":
    main()
