"""Labels and de-DE / en number formats."""

from __future__ import annotations

import math

import pytest

from dashboard import i18n
from dashboard.indicators import BY_KEY
from etl.symbols import NOT_AVAILABLE, PUBLISHED, SUPPRESSED, ZERO


@pytest.mark.parametrize(
    ("value", "lang", "decimals", "expected"),
    [
        (1234.5, "de", 1, "1.234,5"),
        (1234.5, "en", 1, "1,234.5"),
        (1234567, "de", 0, "1.234.567"),
        (-3.25, "de", 2, "-3,25"),
        (0, "de", 0, "0"),
        (None, "de", 0, "…"),
        (math.nan, "en", 1, "…"),
    ],
)
def test_fmt_number(value: float | None, lang: str, decimals: int, expected: str) -> None:
    assert i18n.fmt_number(value, lang, decimals) == expected


def test_cells_keep_statuses_distinct() -> None:
    assert i18n.fmt_cell(12, PUBLISHED) == "12"
    assert i18n.fmt_cell(0, ZERO) == "–"
    assert i18n.fmt_cell(None, SUPPRESSED) == "•"
    assert i18n.fmt_cell(None, NOT_AVAILABLE) == "…"


def test_bounds() -> None:
    assert i18n.fmt_bounds(1234, None) == "≥ 1.234"
    assert i18n.fmt_bounds(1234, 1250) == "1.234 – 1.250"
    assert i18n.fmt_bounds(2.5, 4.25, "en", 1) == "2.5 – 4.2"


def test_every_indicator_and_page_has_both_languages() -> None:
    for key in [*BY_KEY, "page_karte", "page_gebiet", "page_methodik", "gap_explained"]:
        assert i18n.t(key, "de") != key and i18n.t(key, "en") != key
        assert i18n.t(key, "de") != i18n.t(key, "en") or key in ("page_gebiet",)
    assert i18n.plotly_separators("de") == ",."
    assert i18n.t("hh_size_label", "de", n=3) == "3 Pers."
