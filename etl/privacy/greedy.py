"""A fast first pass of secondary suppression, one relation at a time.

In every relation, a suppressed cell can only move if other suppressed cells of the same
relation move with it. For a part moving up, other parts must go down (each by at most its
value minus 1) or the total must go up (without limit); the other directions follow. Where
a relation lacks that capacity, the cheapest published non-zero member that adds it is
suppressed, and the relations of that member are looked at again; a member much larger
than the cell it would protect is not taken (the repair's cost-weighted LP finds cheaper
partners elsewhere, instead of a total whose own sums pull in more totals). These are
necessary conditions only: the LP repair in `protect` makes the pattern jointly safe.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

# A partner dearer than this multiple of the cell it protects is left to the LP repair: a
# total chosen relation by relation drags its own relations (Kreis, Land, regions) along.
_DEAR_PARTNER_RATIO = 3.0


@dataclass(frozen=True)
class Needs:
    """How far each suppressed cell must be able to move up and down (primaries)."""

    up: np.ndarray
    down: np.ndarray


class _Relation:
    """One relation as plain lists: small, checked often, so no numpy overhead."""

    __slots__ = ("coef", "members", "values")

    def __init__(self, members: list[int], coef: list[float], values: list[int]) -> None:
        self.members, self.coef, self.values = members, coef, values


def _room(relation: _Relation, chosen: list[bool]) -> tuple[dict, dict]:
    """Per coefficient sign: summed downward room (value - 1) and count of chosen members."""
    room = {1.0: 0.0, -1.0: 0.0}
    count = {1.0: 0, -1.0: 0}
    for cell, coef, value in zip(relation.members, relation.coef, relation.values, strict=True):
        if chosen[cell]:
            room[coef] += value - 1
            count[coef] += 1
    return room, count


def _shortfall(
    relation: _Relation, chosen: list[bool], needs: Needs
) -> tuple[int, str, float] | None:
    """The first chosen member lacking room: (position, 'up'/'down'/'spread', missing room).

    A member moving up needs same-sign members moving down (each by at most value - 1)
    or an opposite-sign member moving up (no limit); moving down is the mirror image.
    """
    room, count = _room(relation, chosen)
    for position, cell in enumerate(relation.members):
        if not chosen[cell]:
            continue
        sign, value = relation.coef[position], relation.values[position]
        up = room[sign] - (value - 1) + (math.inf if count[-sign] else 0.0)
        down = room[-sign] + (math.inf if count[sign] > 1 else 0.0)
        down = min(down, value - 1)
        need_up, need_down = needs.up[cell], needs.down[cell]
        if need_up or need_down:
            if up < need_up:
                return position, "up", need_up - up
            if down < need_down:
                return position, "down", need_down - down
        elif up < 1 and down < 1:
            # a cell of value 1 cannot move down, so it needs room upwards
            return position, "up" if value < 2 else "spread", 1.0
    return None


def _candidate(
    relation: _Relation, chosen: list[bool], position: int, direction: str, missing: float
) -> int | None:
    """Cheapest published non-zero member giving room (smallest value, then position).

    Members that cover all the missing room on their own come first. None when even the
    cheapest is dear (see `_DEAR_PARTNER_RATIO`): the LP repair weighs the whole cascade.
    """
    sign = relation.coef[position]
    unlimited = -sign if direction == "up" else sign
    best: tuple[bool, int, int] | None = None
    for cell, coef, value in zip(relation.members, relation.coef, relation.values, strict=True):
        if chosen[cell] or value == 0:
            continue
        if direction == "spread" or coef == unlimited or value >= 2:
            room = math.inf if direction == "spread" or coef == unlimited else value - 1
            key = (room < missing, value, cell)
            best = key if best is None else min(best, key)
    if best is None or best[1] > _DEAR_PARTNER_RATIO * max(relation.values[position], 1):
        return None
    return best[2]


def greedy_suppression(
    matrix: sp.csr_matrix, values: np.ndarray, suppressed: np.ndarray, needs: Needs
) -> np.ndarray:
    """Add suppressions until every relation gives each suppressed cell its room."""
    relations = [
        _Relation(
            matrix.indices[start:stop].tolist(),
            matrix.data[start:stop].tolist(),
            values[matrix.indices[start:stop]].tolist(),
        )
        for start, stop in zip(matrix.indptr[:-1], matrix.indptr[1:], strict=True)
    ]
    by_cell = matrix.T.tocsr()
    chosen = suppressed.tolist()
    plain_needs = Needs(up=needs.up.tolist(), down=needs.down.tolist())
    queue = deque(np.unique(by_cell[np.flatnonzero(suppressed)].indices).tolist())
    queued = np.zeros(matrix.shape[0], dtype=bool)
    queued[list(queue)] = True
    while queue:
        number = queue.popleft()
        queued[number] = False
        lacking = _shortfall(relations[number], chosen, plain_needs)
        pick = None if lacking is None else _candidate(relations[number], chosen, *lacking)
        if pick is None:
            continue  # satisfied, or nothing left to add here: the LP repair decides
        chosen[pick] = True
        touched = by_cell.indices[by_cell.indptr[pick] : by_cell.indptr[pick + 1]].tolist()
        for other in [number, *touched]:
            if not queued[other]:
                queued[other] = True
                queue.append(other)
    return np.array(chosen, dtype=bool)
