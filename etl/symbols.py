"""Cell statuses and their symbols: the same everywhere (store, API, exports, UI)."""

from __future__ import annotations

from typing import Final

PUBLISHED: Final = "published"
ZERO: Final = "zero"
SUPPRESSED: Final = "suppressed"
NOT_AVAILABLE: Final = "na"

STATUSES: Final = (PUBLISHED, ZERO, SUPPRESSED, NOT_AVAILABLE)

SYMBOLS: Final[dict[str, str]] = {
    ZERO: "–",  # true zero (U+2013)
    SUPPRESSED: "•",  # suppressed for confidentiality (U+2022)
    NOT_AVAILABLE: "…",  # not available (U+2026)
}

LABELS_DE: Final[dict[str, str]] = {
    PUBLISHED: "veröffentlicht",
    ZERO: "genau null",
    SUPPRESSED: "geheim gehalten",
    NOT_AVAILABLE: "nicht verfügbar",
}

LABELS_EN: Final[dict[str, str]] = {
    PUBLISHED: "published",
    ZERO: "true zero",
    SUPPRESSED: "suppressed",
    NOT_AVAILABLE: "not available",
}
