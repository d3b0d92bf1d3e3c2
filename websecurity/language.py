"""The language of a request to the login pages: `?lang=`, the `next` page's, or the default.

The portal's pages carry the chosen language in the query (`?lang=en`); a login that
interrupts such a page (`/auth/login?next=/meldungen?lang=en`) and the logout form (a hidden
`lang` field) keep it, so the login form speaks the language the user chose.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import flask

from i18n import normalise_lang


def request_lang(default: str) -> str:
    """`lang` of the request (query or form), else of its `next` target, else `default`."""
    values = flask.request.values
    asked = values.get("lang") or _lang_in(values.get("next", ""))
    return normalise_lang(asked, normalise_lang(default))


def _lang_in(target: str) -> str | None:
    return parse_qs(urlsplit(target).query).get("lang", [None])[0]


def keep_lang(target: str, lang: str, default: str) -> str:
    """A same-site `target` asking for `lang` when it is not the default and none is asked."""
    if lang == normalise_lang(default) or not target.startswith("/") or _lang_in(target):
        return target
    return f"{target}{'&' if '?' in target else '?'}{urlencode({'lang': lang})}"
