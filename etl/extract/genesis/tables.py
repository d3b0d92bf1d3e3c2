"""The supported GENESIS tables: what each measures and at which regional depth."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class TableSpec:
    """One supported table: measure, regional depth, decimal scale of its values.

    `depth` is the finest level the table lists: 'gemeinde' (tables `-5`, `-5-B`) or 'kreis'
    (tables `-4`). `scale` turns decimal values into integers: area in km² with two decimals
    is stored as hectares (`192,17` km² -> 19217 ha). Columns headed 'Zuzüge'/'Fortzüge' get
    the measures `moves_in`/`moves_out`.
    """

    measure: str
    depth: str = "gemeinde"
    scale: int = 1


_GEMEINDE_TABLES: Final = {
    "11111-01-01-5": TableSpec("area_ha", scale=100),
    "12111-02-01-5": TableSpec("census_persons"),
    "12411-01-01-5": TableSpec("population"),
    "12411-02-03-5": TableSpec("population"),
    "12612-01-01-5": TableSpec("births"),
    "12613-01-01-5": TableSpec("deaths"),
    "12711-01-03-5": TableSpec("moves"),
}
TABLES: Final[dict[str, TableSpec]] = {
    **_GEMEINDE_TABLES,
    **{f"{code}-B": spec for code, spec in _GEMEINDE_TABLES.items()},
    "12111-32-01-4": TableSpec("households", depth="kreis"),
    "12411-04-02-4": TableSpec("population", depth="kreis"),
    "12613-02-02-4": TableSpec("deaths", depth="kreis"),
}
