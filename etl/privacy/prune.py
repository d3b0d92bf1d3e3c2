"""Last step of secondary suppression: publish secondaries that turned out unnecessary.

The greedy pass and the repairs add cells one at a time, so a later addition can make an
earlier one superfluous. Within small components of the attacker's problem, each secondary
cell is tried for publication, dearest first, and published when the component still
passes the exact interval check without it. Publishing a cell only splits or shrinks its
own component, so the other components are unaffected.
"""

from __future__ import annotations

import numpy as np

from etl.privacy.graph import RelationGraph, row_columns
from etl.privacy.intervals import interval_failures
from etl.privacy.polytope import attacker_polytope, components

_MAX_COMPONENT = 40  # larger components would cost one exact audit per cell


def _still_safe(
    graph: RelationGraph,
    values: np.ndarray,
    hidden: np.ndarray,
    targets: tuple[np.ndarray, np.ndarray],
    lower_bounds: np.ndarray,
) -> bool:
    """Exact check of the hidden cells on the relations around them only.

    Leaving out far relations can only lower the a-priori floors, so the check is at
    least as strict as on the whole table.
    """
    relations = row_columns(graph.by_cell, np.flatnonzero(hidden))
    cells = row_columns(graph.by_relation, relations)
    matrix = graph.by_relation[relations][:, cells]
    local_targets = (targets[0][cells], targets[1][cells])
    return not interval_failures(
        matrix, values[cells], hidden[cells], local_targets, lower_bounds[cells]
    )


def prune_secondaries(
    graph: RelationGraph,
    values: np.ndarray,
    suppressed: np.ndarray,
    primary: np.ndarray,
    targets: tuple[np.ndarray, np.ndarray],
    lower_bounds: np.ndarray,
) -> np.ndarray:
    """Publish every secondary of a small component that the component does not need."""
    suppressed = suppressed.copy()
    polytope = attacker_polytope(graph.by_relation, values, suppressed)
    for _, columns in components(polytope):
        if len(columns) > _MAX_COMPONENT:
            continue
        cells = polytope.cells[columns]
        hidden = np.zeros(len(values), dtype=bool)
        hidden[cells] = True
        secondaries = cells[~primary[cells]]
        for cell in secondaries[np.lexsort((secondaries, -values[secondaries]))]:
            hidden[cell] = False
            if _still_safe(graph, values, hidden, targets, lower_bounds):
                suppressed[cell] = False
            else:
                hidden[cell] = True
    return suppressed
