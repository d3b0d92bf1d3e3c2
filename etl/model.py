"""The data model shared by extract, store and pipeline: what an anonymised extract holds.

An anonymised extract is what a municipality uploads: aggregate counts only, never a person.
Its tables (long format, one row per non-zero cell):

- population: area_level, area_key, sex, age, nationality, residence, count
- households: area_level, area_key, size, count
- events:     area_level, area_key, event, sex, age, count

area_level is one of AREA_LEVELS; area_key is a string: the 8-digit AGS for `gemeinde`,
`<AGS>-<code>` for `ortsteil`, the INSPIRE id (`1kmN2689E4337`, `100mN26891E43372`) for grid
cells. sex is `female` or `male` (see SEX_RULE), age 0..100 (100 = 100 and older), nationality
`de` or `foreign`, residence `main` or `secondary`, household size 1..5 (5 = 5 and more),
event `birth` (age = age of the mother, sex = sex of the child), `death`, `move_in`, `move_out`
(age and sex of the person) during the 12 months up to the reference date.

Grid levels (`grid1km`, `grid100m`) are coarse on purpose: main residence only
(residence `main`), nationality `all`, and age holds the lower bound of the broad groups
0, 18, 65 (see etl.transform.ages.BROAD_AGE_GROUPS). Households and events exist for
`gemeinde` and `ortsteil` only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Final

import pandas as pd

SCHEMA_VERSION: Final = 1
AREA_LEVELS: Final = ("gemeinde", "ortsteil", "grid1km", "grid100m")
SEXES: Final = ("female", "male")
NATIONALITIES: Final = ("de", "foreign")
GRID_LEVELS: Final = ("grid1km", "grid100m")
GRID_NATIONALITY: Final = "all"
RESIDENCES: Final = ("main", "secondary")
EVENTS: Final = ("birth", "death", "move_in", "move_out")
MAX_HOUSEHOLD_SIZE: Final = 5

# Registers also hold "divers" and "ohne Angabe". Like the official population statistics, we
# assign these persons to female or male at random, but reproducibly: the parity of a hash of
# the pseudonymous person id decides, so the same person lands on the same side every year.
SEX_RULE: Final = (
    "Personen mit Geschlechtseintrag 'divers' oder 'ohne Angabe' werden wie in der amtlichen "
    "Bevölkerungsstatistik zufällig 'weiblich' oder 'männlich' zugeordnet; der Zufall ist die "
    "Parität eines SHA-256-Hashes der pseudonymen Personen-ID und damit über Jahre stabil."
)

TABLE_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "population": ("area_level", "area_key", "sex", "age", "nationality", "residence", "count"),
    "households": ("area_level", "area_key", "size", "count"),
    "events": ("area_level", "area_key", "event", "sex", "age", "count"),
}


@dataclass(frozen=True)
class ExtractBundle:
    """One municipality's anonymised extract for one reference date."""

    municipality: str
    reference_date: dt.date
    population: pd.DataFrame
    households: pd.DataFrame
    events: pd.DataFrame
    manifest: dict[str, Any] = field(default_factory=dict)
    # Line of the source file of each row, per table (header = line 1), for error messages;
    # empty for bundles built in code (then a row's line is its position + 2).
    lines: dict[str, tuple[int, ...]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def year(self) -> int:
        return self.reference_date.year

    def table(self, name: str) -> pd.DataFrame:
        return {
            "population": self.population,
            "households": self.households,
            "events": self.events,
        }[name]

    def line(self, name: str, position: int) -> int:
        """The source line of the row at `position` of table `name`."""
        lines = self.lines.get(name, ())
        return lines[position] if position < len(lines) else position + 2
