"""The attacker's LP over the public view, and the two ways of judging its intervals.

`etl.privacy` is used only as a solver library (HiGHS wrapper, component split, floor LP);
the relations it solves are the ones `public_view` rebuilt from what the API serves.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from etl.privacy.floors import a_priori_floors
from etl.privacy.highs import LinearProgram
from etl.privacy.polytope import attacker_polytope, components
from tests.attacks.public_view import KNOWN, SUPPRESSED, PublicView


@dataclass(frozen=True)
class PublicSystem:
    """The relations as a sparse matrix over named variables, with what is known of each."""

    names: pd.Index
    matrix: sp.csr_matrix
    values: np.ndarray  # published value, 0 where unknown
    known: np.ndarray  # published or zero
    suppressed: np.ndarray
    zero: np.ndarray


def public_system(view: PublicView) -> PublicSystem:
    names = pd.Index(pd.unique(pd.concat([view.cells["cell"], view.relations["variable"]])))
    status = view.cells.set_index("cell")["status"].reindex(names)
    values = view.cells.set_index("cell")["value"].reindex(names).fillna(0).to_numpy(float)
    codes, _ = pd.factorize(view.relations["relation"])
    matrix = sp.csr_matrix(
        (
            view.relations["coefficient"].to_numpy(float),
            (codes, names.get_indexer(view.relations["variable"])),
        ),
        shape=(codes.max() + 1, len(names)),
    )
    return PublicSystem(
        names,
        matrix,
        values,
        status.isin(KNOWN).to_numpy(),
        (status == SUPPRESSED).to_numpy(),
        (status == "zero").to_numpy(),
    )


def attacker_intervals(view: PublicView) -> pd.DataFrame:
    """[lower, upper] of every suppressed cell: min and max subject to all public relations.

    Published and zero cells are constants, suppressed cells are >= 1 (zeros are published),
    'not available' cells and grid shares are >= 0. An infeasible LP means a relation the
    attacker assumed is wrong, which fails the test rather than hiding anything.
    """
    system = public_system(view)
    polytope = attacker_polytope(system.matrix, system.values, ~system.known)
    lower = np.where(system.suppressed, 1.0, 0.0)
    upper = np.full(len(system.names), math.inf)
    for name, (low, high) in view.bounds.items():
        position = system.names.get_loc(name)
        lower[position], upper[position] = low, high
    bounds = {int(c): (1.0, math.inf) for c in np.flatnonzero(system.suppressed)}
    for rows, cols in components(polytope):
        columns = polytope.cells[cols]
        program = LinearProgram(
            polytope.matrix[rows][:, cols],
            polytope.rhs[rows],
            lower[columns],
            upper[columns],
        )
        for position, cell in enumerate(columns):
            if system.suppressed[cell]:
                bounds[int(cell)] = _extremes(program, position, str(system.names[cell]))
    names = system.names
    frame = pd.DataFrame(
        [(names[c], lo, hi) for c, (lo, hi) in bounds.items()], columns=["cell", "lower", "upper"]
    )
    return frame.merge(view.cells, on="cell", how="left", validate="1:1")


def a_priori_floor(view: PublicView, cells: list[str]) -> pd.Series:
    """What zeros and relations alone reveal about each cell (the rule clips at it).

    Every non-zero cell counts as suppressed (>= 1), shares as >= 0; solved with the
    project's floor routine used as a plain LP library on the attacker's own relations.
    """
    if not cells:
        return pd.Series(dtype=float)
    sums = view.relations[~view.relations["relation"].str.startswith("slack|")]
    system = public_system(dataclasses.replace(view, relations=sums, bounds={}))
    shares = ~system.names.isin(view.cells["cell"])
    nonzero = np.where(system.zero, 0.0, 1.0)
    bounds = np.where(shares, 0.0, nonzero)
    positions = system.names.get_indexer(cells)
    floors = a_priori_floors(system.matrix, nonzero, positions, bounds)
    return pd.Series(floors, index=cells)


def _extremes(program: LinearProgram, column: int, name: str) -> tuple[float, float]:
    cost = np.zeros(program.n_cols)
    cost[column] = 1.0
    high = program.maximise(cost).value
    low = -program.maximise(-cost).value
    assert low != math.inf and high != -math.inf, f"attacker LP infeasible at {name}"
    return low, high


def protection_distance(x: float, p: float) -> float:
    """d(x) = max(1, ceil(p * x)), as the README states the rule."""
    return max(1.0, math.ceil(round(p * x, 9)))


def public_breaches(intervals: pd.DataFrame, k: int, p: float) -> pd.DataFrame:
    """Breaches provable without knowing any true value.

    A suppressed cell is breached for certain when its interval is narrower than 1 (it is
    determined), or when no integer x inside it could be protected by the rule: x >= k
    (then it need only not be exact) or x < k with lower <= max(1, x - d) and upper >= x + d.
    """
    bad = []
    for row in intervals.itertuples(index=False):
        lower, upper = row.lower, row.upper
        if upper - lower < 1 - 1e-6:
            bad.append((row.cell, lower, upper, "exakt ableitbar"))
            continue
        candidates = range(math.ceil(lower - 1e-6), int(min(upper, lower + 10 * k) + 1e-6) + 1)
        if not any(_admissible(x, lower, upper, k, p) for x in candidates):
            bad.append((row.cell, lower, upper, "kein Wert im Intervall wäre geschützt"))
    return pd.DataFrame(bad, columns=["cell", "lower", "upper", "reason"])


def _admissible(x: int, lower: float, upper: float, k: int, p: float) -> bool:
    if x >= k:
        return True
    d = protection_distance(x, p)
    return lower <= max(1.0, x - d) + 1e-6 and upper >= x + d - 1e-6


def oracle_breaches(view: PublicView, intervals: pd.DataFrame, truth: pd.Series) -> pd.DataFrame:
    """Breaches judged with the true values (oracle side: truth comes from the inputs).

    A primary cell (1 <= x < k) must reach x + d and max(1, x - d), the latter clipped at the
    a-priori floor (what zeros and relations reveal before anything is published); every
    suppressed cell must not be exact. A true value outside the attacker's interval means
    the attacker's relations are wrong: reported as 'Relation falsch', so nothing passes by
    accident.
    """
    k, p = view.min_count, view.protection
    x = truth.reindex(intervals["cell"]).fillna(0).to_numpy(float)
    d = np.array([protection_distance(v, p) for v in x])
    primary = (x >= 1) & (x < k)
    lower, upper = intervals["lower"].to_numpy(), intervals["upper"].to_numpy()
    high_low = primary & (lower > np.maximum(1.0, x - d) + 1e-6)
    floors = a_priori_floor(view, intervals.loc[high_low, "cell"].tolist())
    required_lower = np.maximum(1.0, x - d)
    required_lower[high_low] = np.maximum(required_lower[high_low], floors.to_numpy())
    checks = {
        "Relation falsch": (x < lower - 1e-6) | (x > upper + 1e-6),
        "obere Schranke zu niedrig": primary & (upper < x + d - 1e-6),
        "untere Schranke zu hoch": primary & (lower > required_lower + 1e-6),
        "exakt ableitbar": upper - lower < 1 - 1e-6,
    }
    reasons = [", ".join(name for name, mask in checks.items() if mask[i]) for i in range(len(x))]
    frame = intervals[["cell", "lower", "upper"]].assign(true=x, reason=reasons)
    return frame[frame["reason"] != ""].reset_index(drop=True)


Inequality = tuple[str, list[tuple[str, float]]]  # name, terms: sum(coefficient * cell) <= 0


def true_inequalities(
    view: PublicView, truth: pd.Series, inequalities: list[Inequality]
) -> tuple[pd.DataFrame, int]:
    """The inequalities over served cells that hold in the true data, as relations with a
    slack >= 0; (relations, how many were false in the data and left out). An attacker who
    assumes a false relation gains nothing, so only true ones can show a breach. Relations
    are named "slack|…": the a-priori floor (sums only) leaves them out."""
    names = set(view.cells["cell"])
    rows, dropped = [], 0
    for name, terms in inequalities:
        if not all(cell in names for cell, _ in terms):
            continue
        if sum(truth.get(cell, 0) * coefficient for cell, coefficient in terms) > 0:
            dropped += 1
            continue
        relation = f"slack|{name}"
        rows += [(relation, cell, coefficient) for cell, coefficient in terms]
        rows.append((relation, f"share|{relation}", 1.0))
    return pd.DataFrame(rows, columns=["relation", "variable", "coefficient"]), dropped


def intervals_with(view: PublicView, relations: pd.DataFrame) -> tuple[PublicView, pd.DataFrame]:
    """The view with `relations` added, and the attacker's intervals over it."""
    extended = dataclasses.replace(
        view, relations=pd.concat([view.relations, relations], ignore_index=True)
    )
    return extended, attacker_intervals(extended)
