"""Where a login may send the browser afterwards: same-site paths only."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit


def safe_next(target: str | None) -> str:
    """`target` if it is a path on this site, "/" otherwise (no open redirect).

    Browsers drop tabs and newlines from URLs and read a backslash as a slash, so
    `/\\t/evil.example` becomes `//evil.example`, another host. Any control, format or
    whitespace character and any backslash is therefore refused before parsing.
    """
    if not target or not target.startswith("/") or "\\" in target:
        return "/"
    if any(unicodedata.category(c)[0] in "CZ" for c in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//"):
        return "/"
    return target
