"""Where a login may send the browser afterwards: same-site paths only."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit


def origin(url: str) -> str:
    """scheme://host[:port] of a URL, lower-case."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def safe_next(target: str | None, allowed_origins: tuple[str, ...] = ()) -> str:
    """`target` if it is a path on this site, "/" otherwise (no open redirect).

    allowed_origins: other apps of the deployment (the portal's login returns to the private
    dashboard) whose absolute URLs are accepted as well.

    Browsers drop tabs and newlines from URLs and read a backslash as a slash, so
    `/\\t/evil.example` becomes `//evil.example`, another host. Any control, format or
    whitespace character and any backslash is therefore refused before parsing.
    """
    if not target or "\\" in target or any(unicodedata.category(c)[0] in "CZ" for c in target):
        return "/"
    if allowed_origins and not target.startswith("/"):
        parts = urlsplit(target)
        known = parts.scheme in ("http", "https") and origin(target) in allowed_origins
        return target if known and not parts.username and not parts.password else "/"
    if not target.startswith("/"):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//"):
        return "/"
    return target
