"""Relations of a multi-dimensional table (cube) from one hierarchy per dimension."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

_ID = "_cell_id"


def _cell_ids(keys: pd.DataFrame, cell_id: Callable[[tuple], str] | None) -> pd.Series:
    """Default id: the dimension values joined by "|" in column order."""
    if cell_id is None:
        columns = [keys[column] for column in keys.columns]
        return columns[0].str.cat(columns[1:], sep="|") if len(columns) > 1 else columns[0]
    return pd.Series(
        [cell_id(key) for key in keys.itertuples(index=False, name=None)],
        index=keys.index,
        dtype=str,
    )


def _dimension_relations(keyed: pd.DataFrame, dimension: str, edges: pd.DataFrame) -> pd.DataFrame:
    """cell(total, rest) = sum cell(part, rest) wherever the total and every part exist."""
    rest = [column for column in keyed.columns if column not in (dimension, _ID)]
    edges = edges[["total", "part"]].astype(str).drop_duplicates()
    expected = edges.groupby("total").size().rename("_expected")
    parts = keyed.rename(columns={dimension: "part", _ID: "part_id"}).merge(
        edges, on="part", how="inner", validate="m:m"
    )
    group = ["total", *rest]
    present = parts.groupby(group, sort=False)["part"].transform("size")
    parts = parts[present.to_numpy() == parts["total"].map(expected).to_numpy()]
    totals = keyed.rename(columns={dimension: "total", _ID: "total_id"})
    complete = parts.merge(totals, on=group, how="inner", validate="m:1")
    return pd.DataFrame(
        {
            "total": complete["total_id"].to_numpy(),
            "part": complete["part_id"].to_numpy(),
            "relation": (dimension + ":" + complete["total_id"]).to_numpy(),
        }
    )


def cube_relations(
    cell_keys: pd.DataFrame,
    hierarchies: dict[str, pd.DataFrame],
    cell_id: Callable[[tuple], str] | None = None,
) -> pd.DataFrame:
    """All relations total = sum(parts) of a cube, as rows `total, part, relation`.

    `cell_keys` has one column per dimension and one row per existing cell; `hierarchies`
    maps a dimension to its edges (`total`, `part`; groupings may overlap, totals may be
    parts of other totals). For every total of a dimension and every combination of the
    other dimensions, the relation is emitted only when the total cell and all its part
    cells exist. A cell can be the total of several relations (one per dimension), so the
    `relation` column (``"<dimension>:<total id>"``) tells them apart.
    """
    unknown = sorted(set(hierarchies) - set(cell_keys.columns))
    if unknown:
        raise ValueError(
            f"hierarchies name dimensions {unknown} that are no columns of "
            f"cell_keys ({list(cell_keys.columns)})."
        )
    keys = cell_keys.astype(str).reset_index(drop=True)
    if keys.duplicated().any():
        raise ValueError("cell_keys lists a cell twice; each combination must be unique.")
    keyed = keys.assign(**{_ID: _cell_ids(keys, cell_id).to_numpy()})
    frames = [
        _dimension_relations(keyed, dimension, edges) for dimension, edges in hierarchies.items()
    ]
    if not frames:
        return pd.DataFrame({"total": [], "part": [], "relation": []}, dtype=str)
    relations = pd.concat(frames, ignore_index=True)
    return relations.sort_values(["relation", "part"], kind="stable", ignore_index=True)
