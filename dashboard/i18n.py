"""Locale-aware number formatting and the dashboard's names for the shared translator.

Texts come from the gettext catalogs of the `i18n` package (`t` is `i18n.translate`); this
module adds the number, cell and bound formats of German and English.
"""

from __future__ import annotations

import math

from etl.symbols import NOT_AVAILABLE, PUBLISHED, STATUSES, SYMBOLS
from i18n import LANGUAGES, N_, normalise_lang
from i18n import translate as t

__all__ = ["LANGUAGES", "fmt_bounds", "fmt_cell", "fmt_number", "normalise_lang", "t"]

# Keys the dashboard builds at run time (from a level, status, indicator, measure, sex,
# event, method, dataset or slider), declared so that `python -m i18n.extract` finds them;
# tests/test_i18n.py checks each family against the code that builds it.
RUNTIME_KEYS = (
    *(N_("lvl_land"), N_("lvl_kreis"), N_("lvl_gemeinde"), N_("lvl_ortsteil")),
    *(N_("lvl_grid1km"), N_("lvl_region")),
    *(N_("status_published"), N_("status_zero"), N_("status_suppressed"), N_("status_na")),
    *(N_("population"), N_("density"), N_("change_1y"), N_("change_5y"), N_("share_u18")),
    *(N_("share_65p"), N_("share_75p"), N_("mean_age"), N_("old_age_ratio")),
    *(N_("youth_ratio"), N_("foreign_share"), N_("births_per_1000"), N_("deaths_per_1000")),
    *(N_("net_migration_per_1000"), N_("households"), N_("hh_share_1"), N_("hh_share_5p")),
    N_("mean_hh_size"),
    *(N_("female"), N_("male"), N_("foreign"), N_("age_u18"), N_("age_18_64"), N_("age_65p")),
    *(N_("female_u18"), N_("female_18_64"), N_("female_65p")),
    *(N_("male_u18"), N_("male_18_64"), N_("male_65p")),
    *(N_("birth"), N_("death"), N_("move_in"), N_("move_out")),
    *(N_("natural_change"), N_("net_migration")),
    *(N_("quantiles"), N_("equal_interval"), N_("natural_breaks")),
    *(N_("ds_indicator"), N_("ds_population"), N_("ds_households"), N_("ds_events")),
    *(N_("csv_utf8"), N_("csv_excel"), N_("xlsx"), N_("gpkg")),
    *(N_("page_karte"), N_("page_methodik")),
    *(N_("grp_total"), N_("grp_daycare"), N_("grp_kindergarten"), N_("grp_school")),
    *(N_("grp_working"), N_("grp_80plus")),
    *(N_("prog_tfr"), N_("prog_e0"), N_("prog_migration"), N_("prog_horizon")),
)


def status_label(status: str, lang: str = "de") -> str:
    """The words for a status ("geheim gehalten"); unknown statuses come back unchanged."""
    return t(f"status_{status}", lang) if status in STATUSES else status


def fmt_number(value: float | int | None, lang: str = "de", decimals: int = 0) -> str:
    """1234.5 -> '1.234,5' (de) or '1,234.5' (en); None/NaN -> the not-available symbol."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return SYMBOLS[NOT_AVAILABLE]
    text = f"{value:,.{decimals}f}"
    if lang == "en":
        return text
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def fmt_cell(value: float | int | None, status: str, lang: str = "de", decimals: int = 0) -> str:
    """A number for published cells, the symbol otherwise (– for zero, • suppressed, … n/a)."""
    if status == PUBLISHED:
        return fmt_number(value, lang, decimals)
    return SYMBOLS.get(status, SYMBOLS[NOT_AVAILABLE])


def fmt_bounds(
    lower: float | None, upper: float | None, lang: str = "de", decimals: int = 0
) -> str:
    """'≥ 1.234' when only a lower bound is known, '1.234 – 1.250' for an interval."""
    if lower is None or (isinstance(lower, float) and math.isnan(lower)):
        return ""
    if upper is None or (isinstance(upper, float) and math.isnan(upper)):
        return f"≥ {fmt_number(lower, lang, decimals)}"
    return f"{fmt_number(lower, lang, decimals)} – {fmt_number(upper, lang, decimals)}"


def plotly_separators(lang: str) -> str:
    """The layout.separators string: decimal mark then thousands separator."""
    return ".," if lang == "en" else ",."
