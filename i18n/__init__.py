"""The one translator of the dashboard and the portal, backed by gettext catalogs.

Texts live in `i18n/locale/<lang>/LC_MESSAGES/messages.po` (German is the default, English
the second language). Messages are keyed: the msgid is a stable key such as `app_title`, the
msgstr the text; a text may hold `{name}` placeholders filled by `translate(..., name=...)`.
The catalogs are read from the `.po` sources once, at import (start-up); no compiled `.mo`
file can go stale. Keys built at run time are declared with `N_` where their family is
defined, so `make messages` (pybabel extract) finds them. This package imports neither app,
so both can import it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

LANGUAGES: Final = ("de", "en")
DEFAULT_LANGUAGE: Final = "de"
LOCALE_DIR: Final = Path(__file__).resolve().parent / "locale"
DOMAIN: Final = "messages"


def catalog_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(lang: str) -> Catalog:
    """The catalog of `lang` as Babel reads it (tests check it for gaps and fuzzy entries)."""
    with catalog_path(lang).open("rb") as source:
        return read_po(source, locale=lang, domain=DOMAIN)


def _messages(catalog: Catalog) -> dict[str, str]:
    return {
        str(m.id): str(m.string)
        for m in catalog
        if m.id and m.string and not m.fuzzy and isinstance(m.id, str)
    }


MESSAGES: Final[dict[str, dict[str, str]]] = {
    lang: _messages(read_catalog(lang)) for lang in LANGUAGES
}


def N_(key: str) -> str:
    """Mark a key that is translated later (built at run time); returns it unchanged."""
    return key


def normalise_lang(lang: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    return lang if lang in LANGUAGES else default


def translate(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The text of `key` in `lang`; unknown keys come back unchanged so gaps are visible."""
    text = MESSAGES[normalise_lang(lang)].get(key)
    if text is None:
        return key
    return text.format(**values) if values else text
