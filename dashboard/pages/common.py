"""Small helpers shared by the page modules (no data access beyond the service)."""

from __future__ import annotations

from typing import Any

from dashboard.i18n import normalise_lang
from dashboard.services import get_service


def default_lang() -> str:
    """The configured default language (Settings.language) of this app."""
    return normalise_lang(get_service().settings.language)


def geometry_url(release: str, level: str) -> str:
    """URL of the immutable GeoJSON of a level; the browser fetches and caches it once."""
    return f"/api/v1/geometry/{release}/{level}.geojson"


def year_marks(years: list[int]) -> dict[int, str]:
    return {year: str(year) for year in years}


def split_keys(raw: str | list[str] | None) -> list[str]:
    """'a,b' or ['a', 'b'] -> ['a', 'b'] (area keys stay strings)."""
    if not raw:
        return []
    items = raw.split(",") if isinstance(raw, str) else raw
    return [str(item).strip() for item in items if str(item).strip()]


def as_int(raw: Any, default: int | None = None) -> int | None:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return default
