"""The gettext catalogs: every key the code uses has a text in German and English.

Fails when a key used in code (a literal `t(...)`, `translate(...)` or `N_(...)`, also
inside f-strings) is missing from either catalog, when a catalog entry is fuzzy or empty,
when a catalog keeps a key no code uses, or when the placeholders of the two languages differ.
"""

from __future__ import annotations

import re

import pytest

import i18n
from dashboard import classify, projection_service, regions
from dashboard.indicators import INDICATORS
from dashboard.pages import daten, gebiet, karte, methodik, prognose, regionen, vergleich
from dashboard.services import MAP_LEVELS
from etl.symbols import STATUSES
from i18n.extract import keys_in_source, used_keys

USED = used_keys()
PLACEHOLDER = re.compile(r"{(\w*)}")


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_every_used_key_has_a_text(lang: str) -> None:
    catalog = i18n.read_catalog(lang)
    missing = [f"{key} ({USED[key][0][0]}:{USED[key][0][1]})" for key in USED if key not in catalog]
    assert missing == []


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_no_entry_is_fuzzy_empty_or_unused(lang: str) -> None:
    catalog = i18n.read_catalog(lang)
    assert not catalog.fuzzy, "the catalog header is marked fuzzy"
    entries = [m for m in catalog if m.id]
    assert [m.id for m in entries if m.fuzzy] == []
    assert [m.id for m in entries if not m.string] == []
    assert [m.id for m in entries if m.id not in USED] == []
    assert list(catalog.obsolete) == []


def test_placeholders_agree_between_languages() -> None:
    german, english = i18n.MESSAGES["de"], i18n.MESSAGES["en"]
    differing = [
        key
        for key in german
        if set(PLACEHOLDER.findall(german[key])) != set(PLACEHOLDER.findall(english[key]))
    ]
    assert differing == []


def test_keys_built_at_run_time_are_declared() -> None:
    """Each family the code turns into keys appears among the extracted keys."""
    families = {
        "levels": {f"lvl_{level}" for level in MAP_LEVELS},
        "statuses": {f"status_{status}" for status in STATUSES},
        "indicators": {indicator.key for indicator in INDICATORS},
        "measures": {measure.key for measure in regions.MEASURES},
        "methods": set(classify.METHODS),
        "pages": {
            page.PAGE["label_key"]
            for page in (daten, gebiet, karte, methodik, prognose, regionen, vergleich)
        },
        "sliders": {spec[1] for spec in prognose.SLIDERS},
        "age groups": set(projection_service.KEY_GROUPS),
    }
    undeclared = {name: sorted(keys - set(USED)) for name, keys in families.items()}
    assert all(not keys for keys in undeclared.values()), undeclared


def test_the_scan_sees_keys_inside_f_strings() -> None:
    source = 'x = f"{t(\'pyramid\', lang)} {year}"\ny = N_("lvl_land")\nz = t(key, lang)\n'
    assert sorted(keys_in_source(source)) == [("lvl_land", 2), ("pyramid", 1)]


def test_translate_falls_back_visibly_and_formats() -> None:
    assert i18n.translate("app_title", "de") == "Demografie-Dashboard"
    assert i18n.translate("app_title", "en") == "Demography dashboard"
    assert i18n.translate("app_title", "fr") == "Demografie-Dashboard"  # default language
    assert i18n.translate("no_such_key", "en") == "no_such_key"
    assert i18n.translate("hh_size_label", "en", n=4) == "4 pers."
