"""The one status vocabulary: cell statuses and their symbols, the same everywhere.

Two views of one vocabulary. A **published cell** (store, API, exports, UI) is `published`,
`zero`, `suppressed` or `na`. The **protection result** (`etl.privacy`, `python -m etl
protect`) says in addition why a cell is hidden: `primary` (1 ≤ n < k) or `secondary`
(hidden to protect a primary); both are stored as `suppressed` (`STORE_STATUS`).
The words for each status, in German and English, are in the gettext catalogs
(`i18n/locale`, keys `status_<status>`).
"""

from __future__ import annotations

from typing import Final

PUBLISHED: Final = "published"
ZERO: Final = "zero"
SUPPRESSED: Final = "suppressed"
NOT_AVAILABLE: Final = "na"

STATUSES: Final = (PUBLISHED, ZERO, SUPPRESSED, NOT_AVAILABLE)

PRIMARY: Final = "primary"
SECONDARY: Final = "secondary"

PROTECTION_STATUSES: Final = (PUBLISHED, ZERO, PRIMARY, SECONDARY)
HIDDEN: Final = (PRIMARY, SECONDARY)

STORE_STATUS: Final[dict[str, str]] = {
    PUBLISHED: PUBLISHED,
    ZERO: ZERO,
    PRIMARY: SUPPRESSED,
    SECONDARY: SUPPRESSED,
}

SYMBOLS: Final[dict[str, str]] = {
    ZERO: "–",  # true zero (U+2013)
    SUPPRESSED: "•",  # suppressed for confidentiality (U+2022)
    NOT_AVAILABLE: "…",  # not available (U+2026)
}
