"""Validated input of disclosure control: cells, relations and their sparse relation matrix.

`parse_table` checks the two input frames and turns them into a `Table`; every problem is
an `InputError` naming file, CSV line (data row + 1 for the header) and column.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from etl.errors import InputError

CELL_COLUMNS = ("cell", "value")
RELATION_COLUMNS = ("total", "part")
HEADER_LINES = 2  # data row i (0-based) sits on CSV line i + 2 behind the header


@dataclass(frozen=True)
class Table:
    """Cells and relations as arrays; row r of `matrix` reads total - sum(parts) = 0."""

    ids: np.ndarray  # str ids in input order
    values: np.ndarray  # int64, non-negative
    forced: np.ndarray  # bool: primary=1 in the input
    matrix: sp.csr_matrix  # relations x cells, +1 for the total, -1 for each part
    known: np.ndarray | None = None  # bool: known=1, the attacker knows the value already

    @property
    def fixed(self) -> np.ndarray:
        """Cells whose value is public whatever this table does (never suppressed)."""
        return np.zeros(len(self.ids), dtype=bool) if self.known is None else self.known

    @property
    def n_cells(self) -> int:
        """Number of cells."""
        return len(self.ids)


def _line(position: int) -> int:
    return position + HEADER_LINES


def _require_columns(frame: pd.DataFrame, columns: tuple[str, ...], file: str) -> None:
    for column in columns:
        if column not in frame.columns:
            raise InputError(
                f"Spalte {column!r} fehlt; erwartet wird die Kopfzeile {','.join(columns)} "
                f"(gefunden: {','.join(map(str, frame.columns))}).",
                file=file,
                row=1,
                column=column,
            )


def _text_column(frame: pd.DataFrame, column: str, file: str) -> pd.Series:
    """Ids as stripped strings; a missing id is an error."""
    text = frame[column].astype("string").str.strip()
    missing = text.isna() | (text == "")
    if missing.any():
        position = int(np.flatnonzero(missing.to_numpy())[0])
        raise InputError(
            "Kennung fehlt; jede Zeile braucht eine Kennung.",
            file=file,
            row=_line(position),
            column=column,
        )
    return text.astype(str)


def _integer_column(frame: pd.DataFrame, column: str, file: str) -> np.ndarray:
    """Non-negative integers; reports the first missing, non-numeric, fractional or negative."""
    raw = frame[column]
    as_text = raw.astype("string").str.strip()
    numbers = pd.to_numeric(as_text, errors="coerce").astype("Float64")
    bad = numbers.isna() | (numbers < 0) | (numbers != numbers.round())
    if bad.any():
        position = int(np.flatnonzero(bad.fillna(True).to_numpy())[0])
        received = as_text.iloc[position]
        number = numbers.iloc[position]
        if pd.isna(received) or received == "":
            problem = "Wert fehlt"
        elif pd.isna(number):
            problem = f"{received!r} ist keine Zahl"
        elif number < 0:
            problem = f"{received} ist negativ"
        else:
            problem = f"{received} ist keine ganze Zahl"
        raise InputError(
            f"{problem}; erwartet wird eine ganze Zahl >= 0.",
            file=file,
            row=_line(position),
            column=column,
        )
    return numbers.to_numpy(dtype=np.float64).astype(np.int64)


def _first_duplicate(ids: pd.Series, file: str, column: str, what: str) -> None:
    duplicated = ids.duplicated().to_numpy()
    if duplicated.any():
        position = int(np.flatnonzero(duplicated)[0])
        first = int(np.flatnonzero((ids == ids.iloc[position]).to_numpy())[0])
        raise InputError(
            f"{what} {ids.iloc[position]!r} kommt doppelt vor (zuerst in Zeile {_line(first)}).",
            file=file,
            row=_line(position),
            column=column,
        )


def _flag_column(cells: pd.DataFrame, column: str, file: str) -> np.ndarray:
    """An optional 0/1 column (empty = 0) as booleans; all False when the column is absent."""
    if column not in cells.columns:
        return np.zeros(len(cells), dtype=bool)
    flags = cells[column].astype("string").str.strip().fillna("").replace("", "0")
    bad = ~flags.isin(["0", "1", "0.0", "1.0", "True", "False"]).to_numpy()
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"{flags.iloc[position]!r} ist kein gültiger Wert; erlaubt sind 0, 1 oder leer.",
            file=file,
            row=_line(position),
            column=column,
        )
    return flags.isin(["1", "1.0", "True"]).to_numpy()


def _parse_cells(
    cells: pd.DataFrame, file: str
) -> tuple[pd.Series, np.ndarray, np.ndarray, np.ndarray]:
    _require_columns(cells, CELL_COLUMNS, file)
    ids = _text_column(cells, "cell", file).reset_index(drop=True)
    _first_duplicate(ids, file, "cell", "Zelle")
    values = _integer_column(cells, "value", file)
    forced = _flag_column(cells, "primary", file)
    known = _flag_column(cells, "known", file)
    both = forced & known
    if both.any():
        position = int(np.flatnonzero(both)[0])
        raise InputError(
            "primary=1 und known=1 zugleich: eine schon bekannte Zelle lässt sich nicht "
            "geheim halten; eines der Kennzeichen entfernen.",
            file=file,
            row=_line(position),
            column="known",
        )
    if "primary" in cells.columns:
        zero_forced = forced & (values == 0)
        if zero_forced.any():
            position = int(np.flatnonzero(zero_forced)[0])
            raise InputError(
                "primary=1 bei einer Nullzelle: Nullen werden immer als Null "
                "veröffentlicht; Kennzeichen entfernen.",
                file=file,
                row=_line(position),
                column="primary",
            )
    return ids, values, forced, known


def _relation_groups(relations: pd.DataFrame, totals: pd.Series) -> np.ndarray:
    """Relation number per row: by the optional `relation` column and the total, else the total."""
    if "relation" not in relations.columns:
        return pd.factorize(totals.to_numpy(), sort=False)[0]
    labels = relations["relation"].astype("string").fillna("").str.strip()
    keys = pd.DataFrame({"relation": labels.to_numpy(), "total": totals.to_numpy()})
    return keys.groupby(["relation", "total"], sort=False).ngroup().to_numpy()


def _parse_relations(
    relations: pd.DataFrame, index: pd.Series, file: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows as (relation number, total position, part position)."""
    _require_columns(relations, RELATION_COLUMNS, file)
    frame = relations.reset_index(drop=True)
    columns = {name: _text_column(frame, name, file) for name in RELATION_COLUMNS}
    positions = {}
    for name, ids in columns.items():
        position = ids.map(index)
        unknown = position.isna().to_numpy()
        if unknown.any():
            row = int(np.flatnonzero(unknown)[0])
            raise InputError(
                f"unbekannte Zelle {ids.iloc[row]!r}; jede Kennung muss in der Zellendatei stehen.",
                file=file,
                row=_line(row),
                column=name,
            )
        positions[name] = position.to_numpy(dtype=np.int64)
    own = positions["total"] == positions["part"]
    if own.any():
        row = int(np.flatnonzero(own)[0])
        raise InputError(
            f"Zelle {columns['part'].iloc[row]!r} ist Teil von sich selbst.",
            file=file,
            row=_line(row),
            column="part",
        )
    group = _relation_groups(frame, columns["total"])
    pairs = pd.DataFrame({"group": group, "part": positions["part"]})
    repeated = pairs.duplicated().to_numpy()
    if repeated.any():
        row = int(np.flatnonzero(repeated)[0])
        raise InputError(
            f"Teil {columns['part'].iloc[row]!r} steht zweimal in der Summe "
            f"{columns['total'].iloc[row]!r}.",
            file=file,
            row=_line(row),
            column="part",
        )
    return group, positions["total"], positions["part"]


def _check_sums(
    group: np.ndarray,
    total: np.ndarray,
    part: np.ndarray,
    values: np.ndarray,
    ids: pd.Series,
    file: str,
) -> None:
    sums = np.bincount(group, weights=values[part].astype(np.float64))
    first_row = pd.Series(np.arange(len(group))).groupby(group).min().to_numpy()
    expected = values[total[first_row]]
    wrong = np.flatnonzero(sums.round().astype(np.int64) != expected)
    if len(wrong):
        relation = int(wrong[np.argmin(first_row[wrong])])
        row = int(first_row[relation])
        raise InputError(
            f"Summe stimmt nicht: Summe {ids.iloc[total[row]]!r} hat den Wert "
            f"{int(expected[relation])}, ihre Teile ergeben {round(sums[relation])}.",
            file=file,
            row=_line(row),
            column="total",
        )


def parse_table(
    cells: pd.DataFrame,
    relations: pd.DataFrame,
    *,
    file_cells: str = "cells",
    file_relations: str = "relations",
) -> Table:
    """Validate cells and relations and return them as a `Table`."""
    ids, values, forced, known = _parse_cells(cells, file_cells)
    index = pd.Series(np.arange(len(ids)), index=ids.to_numpy())
    group, total, part = _parse_relations(relations, index, file_relations)
    _check_sums(group, total, part, values, ids, file_relations)
    n_relations = int(group.max()) + 1 if len(group) else 0
    first_row = pd.Series(np.arange(len(group))).groupby(group).min().to_numpy()
    rows = np.concatenate([np.arange(n_relations), group])
    cols = np.concatenate([total[first_row], part])
    coef = np.concatenate([np.ones(n_relations), -np.ones(len(group))])
    matrix = sp.csr_matrix((coef, (rows, cols)), shape=(n_relations, len(ids)))
    matrix.sort_indices()
    return Table(
        ids=ids.to_numpy(dtype=object), values=values, forced=forced, matrix=matrix, known=known
    )


def validate_table(
    cells: pd.DataFrame,
    relations: pd.DataFrame,
    *,
    file_cells: str = "cells",
    file_relations: str = "relations",
) -> None:
    """Raise `InputError` naming file, line and column for the first problem in the input.

    `cells`: `cell` (id, kept as text), `value` (integer >= 0), optional `primary` (0/1,
    empty = 0; not allowed on zeros), optional `known` (0/1: the attacker already knows the
    value, say from an earlier release; such a cell is never suppressed). `relations`: one
    row per summand, `total` and `part`; rows with the same total form one relation,
    unless an optional `relation` column tells several relations of the same total apart
    (a cell can be the total of one relation per dimension, as `cube_relations` emits).
    Checked: columns present, ids
    unique and known, values valid, no cell part of itself or twice in one relation, and
    every total equal to the sum of its parts.
    """
    parse_table(cells, relations, file_cells=file_cells, file_relations=file_relations)
