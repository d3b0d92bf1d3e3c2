"""Age classifications: the 17 GENESIS groups used for publication, single years 0..100+."""

from __future__ import annotations

from typing import Final

MAX_AGE: Final = 100  # single years 0..99 plus the open group 100+

# (age_from, age_to exclusive); None marks the open group. As in Regionalstatistik 12411-02-03-5.
AGE_GROUPS_17: Final[tuple[tuple[int, int | None], ...]] = (
    (0, 3),
    (3, 6),
    (6, 10),
    (10, 15),
    (15, 18),
    (18, 20),
    (20, 25),
    (25, 30),
    (30, 35),
    (35, 40),
    (40, 45),
    (45, 50),
    (50, 55),
    (55, 60),
    (60, 65),
    (65, 75),
    (75, None),
)

# Broad groups used for grid cells and published projections.
BROAD_AGE_GROUPS: Final[tuple[tuple[int, int | None], ...]] = (
    (0, 18),
    (18, 65),
    (65, None),
)

ALL_AGES: Final[tuple[int, None]] = (0, None)


def group_label(age_from: int, age_to: int | None) -> str:
    """'0-3', '75+' or 'insgesamt' for the total."""
    if (age_from, age_to) == ALL_AGES:
        return "insgesamt"
    if age_to is None:
        return f"{age_from}+"
    return f"{age_from}-{age_to - 1}" if age_to - age_from > 1 else f"{age_from}"
