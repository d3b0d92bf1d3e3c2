"""Projection inputs from published cells only, so an interactive projection reveals nothing new.

Suppressed cells (•) are imputed consistently with the published totals around them: the
unexplained remainder of a total (the total minus its published parts) is spread over its
suppressed parts in proportion to a reference shape, each at least 1 (a suppressed cell is
never zero). Population tables have two margins (sex totals and age-group totals), so the
spreading alternates between them (iterative proportional fitting of the suppressed cells
only) until both hold. Published cells are never changed.

Local rates come from published event totals by indirect standardisation: expected births
and deaths are the standard schedules (`etl.projection.standard`) applied to the area's
population; the area keeps the ratio observed / expected (shrunk towards 1), the age pattern is the
standard's (as in `assumptions.assumptions_from_totals`, but with fixed migration weights).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from etl.projection import standard
from etl.projection.assumptions import Assumptions, migration_weights
from etl.projection.mortality import single_year_survival
from etl.projection.ungroup import GENESIS_17_BOUNDS, split_age_groups
from etl.symbols import PUBLISHED, ZERO

SEXES = ("female", "male")
KNOWN = (PUBLISHED, ZERO)
EVENTS = ("birth", "death", "move_in", "move_out")
STANDARD_TFR = 1.55


def spread_remainder(remainder: float, weights: np.ndarray, floor: float = 1.0) -> np.ndarray:
    """Split `remainder` over cells in proportion to `weights`, each at least `floor`.

    Cells that would fall below the floor are set to it and the rest is re-spread over the
    others; when the remainder cannot give every cell the floor, every cell gets the floor.
    """
    weights = np.maximum(np.asarray(weights, dtype=float), 0.0)
    n = weights.size
    if n == 0:
        return weights
    if remainder <= floor * n:
        return np.full(n, floor)
    if weights.sum() <= 0:
        weights = np.ones(n)
    values = np.zeros(n)
    free = np.ones(n, dtype=bool)
    while True:
        budget = remainder - floor * (~free).sum()
        values[free] = budget * weights[free] / weights[free].sum()
        values[~free] = floor
        low = free & (values < floor)
        if not low.any():
            return values
        free &= ~low


def _table(cells: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, dict[str, float | None]]:
    """Cells (sex, 17 groups), known mask and the margins of one area and year."""
    bounds = list(GENESIS_17_BOUNDS)
    values, known = np.zeros((2, len(bounds))), np.zeros((2, len(bounds)), dtype=bool)
    margins: dict[str, float | None] = {}
    for row in cells.itertuples(index=False):
        is_known = row.status in KNOWN
        number = float(row.value) if is_known and pd.notna(row.value) else None
        all_ages = row.age_from == 0 and pd.isna(row.age_to)
        if all_ages:
            margins[f"sex:{row.sex}"] = number
        elif row.sex == "total":
            margins[f"age:{row.age_from}"] = number
        elif row.sex in SEXES and row.age_from in bounds:
            i, j = SEXES.index(row.sex), bounds.index(row.age_from)
            values[i, j], known[i, j] = (number or 0.0), is_known
    _complete_sex_margins(margins)
    return values, known, margins


def _complete_sex_margins(margins: dict[str, float | None]) -> None:
    """Derive a missing sex total or grand total from the other two where possible."""
    total, female, male = (margins.get(f"sex:{s}") for s in ("total", *SEXES))
    if total is None and female is not None and male is not None:
        margins["sex:total"] = female + male
    elif total is not None and female is None and male is not None:
        margins["sex:female"] = total - male
    elif total is not None and male is None and female is not None:
        margins["sex:male"] = total - female


def _constraints(margins: dict[str, float | None]) -> list[tuple[float, tuple]]:
    """(target, index) of every known total: sex rows, age-group columns, the grand total."""
    everything = (slice(None), slice(None))
    keyed = [(f"sex:{s}", (i, slice(None))) for i, s in enumerate(SEXES)]
    keyed += [(f"age:{a}", (slice(None), j)) for j, a in enumerate(GENESIS_17_BOUNDS)]
    keyed.append(("sex:total", everything))
    return [(margins[key], where) for key, where in keyed if margins.get(key) is not None]


def _fit(values: np.ndarray, known: np.ndarray, margins: dict, shape: np.ndarray) -> np.ndarray:
    """Suppressed cells fitted to the known row, column and grand totals (IPF, floor 1)."""
    out, hidden = values.copy(), ~known
    if not hidden.any():
        return out
    level = out[known].sum() / max(shape[known].sum(), 1e-12)
    out[hidden] = np.maximum(shape[hidden] * level, 1.0)
    constraints = _constraints(margins)
    for _ in range(500):
        worst = 0.0
        for target, where in constraints:
            part, mask = out[where], hidden[where]  # basic slices: views into `out`
            if mask.any():
                worst = max(worst, abs(part.sum() - target))
                part[mask] = spread_remainder(target - part[~mask].sum(), part[mask])
        if worst < 1e-9:
            break
    return out


def impute_population(cells: pd.DataFrame, reference_shape: np.ndarray) -> pd.DataFrame:
    """Female and male cells of the 17 age groups, suppressed ones imputed.

    `cells` are published population rows (area_key, year, sex, age_from, age_to,
    nationality, value, status); `reference_shape` (sex, 17 groups) gives the proportions
    for the spread. Returns area_key, year, sex, age_from, value (float), imputed.
    """
    rows = []
    totals = cells[cells["nationality"] == "total"]
    for (area_key, year), group in totals.groupby(["area_key", "year"], sort=True):
        values, known, margins = _table(group)
        fitted = _fit(values, known, margins, np.asarray(reference_shape, dtype=float))
        for i, sex in enumerate(SEXES):
            for j, age_from in enumerate(GENESIS_17_BOUNDS):
                rows.append((area_key, int(year), sex, age_from, fitted[i, j], not known[i, j]))
    columns = ["area_key", "year", "sex", "age_from", "value", "imputed"]
    return pd.DataFrame(rows, columns=columns)


def reference_shape(cells: pd.DataFrame) -> np.ndarray:
    """(sex, 17 groups) shares from the published cells of all areas (Land level if present)."""
    rows = cells[
        (cells["nationality"] == "total")
        & cells["sex"].isin(SEXES)
        & cells["status"].isin(KNOWN)
        & cells["age_to"].notna()
    ]
    if "level" in rows and (rows["level"] == "land").any():
        rows = rows[rows["level"] == "land"]
    summed = rows.groupby(["sex", "age_from"])["value"].sum()
    index = pd.MultiIndex.from_product([SEXES, GENESIS_17_BOUNDS])
    shape = summed.reindex(index, fill_value=0).to_numpy(float).reshape(2, -1) + 1.0
    return shape / shape.sum()


def single_years(imputed: pd.DataFrame, areas: Sequence[str], year: int) -> np.ndarray:
    """Population (areas, sex, 101 single ages) of one year from imputed 17-group cells."""
    rows = imputed[imputed["year"] == year]
    index = pd.MultiIndex.from_product([list(areas), SEXES, GENESIS_17_BOUNDS])
    keyed = rows.set_index(["area_key", "sex", "age_from"])["value"]
    grouped = keyed.reindex(index, fill_value=0.0).to_numpy(float)
    return split_age_groups(grouped.reshape(len(areas), 2, len(GENESIS_17_BOUNDS)))


def impute_by_parent(values: pd.DataFrame, weights: pd.Series) -> pd.DataFrame:
    """Suppressed values of children filled from their parent's unexplained remainder.

    `values` has area_key, parent_key, value, status (one row per area, one measure);
    `weights` (by area_key) gives the proportions, e.g. the population. A child whose
    parent is not known gets its weight times the rate of all known children (at least 1).
    """
    out = values.assign(imputed=~values["status"].isin(KNOWN))
    out["value"] = pd.to_numeric(out["value"], errors="coerce").astype(float)
    out.loc[out["status"] == ZERO, "value"] = 0.0
    known_value = out.set_index("area_key")["value"].where(~out.set_index("area_key")["imputed"])
    weight = weights.reindex(out["area_key"]).fillna(0.0).to_numpy(float)
    rate = _known_rate(out, weight)
    for parent, group in out[out["imputed"]].groupby("parent_key", dropna=False):
        siblings = out[out["parent_key"] == parent] if pd.notna(parent) else group
        parent_value = known_value.get(parent) if pd.notna(parent) else None
        positions = group.index
        group_weight = weight[out.index.get_indexer(positions)]
        if parent_value is None or pd.isna(parent_value):
            out.loc[positions, "value"] = np.maximum(group_weight * rate, 1.0)
            continue
        remainder = parent_value - siblings.loc[~siblings["imputed"], "value"].sum()
        out.loc[positions, "value"] = spread_remainder(remainder, group_weight)
    return out


def _known_rate(values: pd.DataFrame, weight: np.ndarray) -> float:
    known = ~values["imputed"].to_numpy()
    denominator = weight[known].sum()
    return float(values["value"].to_numpy()[known].sum() / denominator) if denominator else 0.0


def impute_households(cells: pd.DataFrame, shape: np.ndarray) -> pd.DataFrame:
    """Households by size 1..5 per area and year; suppressed sizes from the total's remainder."""
    rows = []
    for (area_key, year), group in cells.groupby(["area_key", "year"], sort=True):
        by_size = group.set_index("size")
        total = by_size.loc[0] if 0 in by_size.index else None
        sizes = by_size.reindex([1, 2, 3, 4, 5])
        known = sizes["status"].isin(KNOWN).to_numpy()
        values = pd.to_numeric(sizes["value"], errors="coerce").fillna(0.0).to_numpy(float).copy()
        if total is not None and total["status"] in KNOWN:
            remainder = float(total["value"]) - values[known].sum()
        else:
            remainder = max(values[known].sum(), 1.0) * shape[~known].sum() / shape[known].sum()
        values[~known] = spread_remainder(remainder, shape[~known])
        rows += [(area_key, int(year), k + 1, v) for k, v in enumerate(values)]
    return pd.DataFrame(rows, columns=["area_key", "year", "size", "value"])


def standard_migration_weights() -> np.ndarray:
    """Where changes of the migration rate go: |standard rate| over a stationary population.

    Fixed, not taken from the areas chosen, so that a custom region is exactly the sum of
    its parts projected one by one.
    """
    stationary = np.cumprod(single_year_survival(standard.reference_death_rates()), axis=-1)
    return migration_weights(standard.migration_schedule(), stationary)


def local_assumptions(
    areas: Sequence[str], population: np.ndarray, events: pd.DataFrame, *, years: int
) -> Assumptions:
    """Assumptions by indirect standardisation from published event totals.

    `population` (areas, sex, age) is the mean stock of the event years, `events` has
    area_key, event, value (imputed, summed over `years` years). Expected births and deaths
    are the standard schedules applied to the area; each area keeps observed / expected
    (shrunk towards 1 with 20 pseudo-events). The standard net migration schedule is
    shifted per area (by the fixed weights) so that its net migration is met.
    """
    wide = events.pivot_table(index="area_key", columns="event", values="value", aggfunc="sum")
    wide = wide.reindex(index=list(areas), columns=list(EVENTS)).fillna(0.0)
    schedule = standard.fertility_schedule(STANDARD_TFR)
    mx, migration = standard.reference_death_rates(), standard.migration_schedule()
    weights = standard_migration_weights()
    exposure = np.asarray(population, dtype=float) * years
    target = (wide["move_in"] - wide["move_out"]).to_numpy(float)
    implied = np.sum(migration * exposure, axis=(1, 2))
    spread = np.sum(weights * exposure, axis=(1, 2))
    shift = np.divide(target - implied, spread, out=np.zeros_like(target), where=spread > 0)
    return Assumptions(
        tuple(areas),
        schedule,
        _ratio(wide["birth"].to_numpy(float), exposure[:, 0] @ schedule),
        mx,
        _ratio(wide["death"].to_numpy(float), np.sum(exposure * mx, axis=(1, 2))),
        migration + shift[:, None, None] * weights,
        weights,
    )


def _ratio(observed: np.ndarray, expected: np.ndarray, prior: float = 20.0) -> np.ndarray:
    """Observed / expected, shrunk towards 1 with `prior` pseudo-events."""
    return (observed + prior) / (expected + prior)
