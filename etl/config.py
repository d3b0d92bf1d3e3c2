"""Settings: one object, built once from the environment and passed explicitly."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from etl.errors import ConfigError


def _setting(default: Any, env: str, help: str) -> Any:
    return field(default=default, metadata={"env": env, "help": help})


@dataclass(frozen=True)
class Settings:
    """Every setting with its default, its environment variable and a help text."""

    home: Path = _setting(
        Path("var"), "DEMOGRAFIE_HOME", "Directory holding the embedded SQLite stores."
    )
    restricted_url: str = _setting(
        "",
        "DEMOGRAFIE_RESTRICTED_URL",
        "SQLAlchemy URL of the restricted zone; empty means SQLite in DEMOGRAFIE_HOME.",
    )
    published_url: str = _setting(
        "",
        "DEMOGRAFIE_PUBLISHED_URL",
        "SQLAlchemy URL of the published zone (read-only role for the dashboard); "
        "empty means SQLite in DEMOGRAFIE_HOME.",
    )
    publisher_url: str = _setting(
        "",
        "DEMOGRAFIE_PUBLISHER_URL",
        "SQLAlchemy URL the ETL uses to write the published zone; empty means published_url.",
    )
    accounts_url: str = _setting(
        "",
        "DEMOGRAFIE_ACCOUNTS_URL",
        "SQLAlchemy URL of the accounts store (users, sessions, audit of logins); "
        "empty means SQLite in DEMOGRAFIE_HOME.",
    )
    portal_url: str = _setting(
        "http://127.0.0.1:8051",
        "DEMOGRAFIE_PORTAL_URL",
        "Public address of the upload portal, linked from the dashboard.",
    )
    dashboard_url: str = _setting(
        "http://127.0.0.1:8050",
        "DEMOGRAFIE_DASHBOARD_URL",
        "Public address of the dashboard; the portal's login may send the browser back there.",
    )
    upload_max_bytes: int = _setting(
        50_000_000, "DEMOGRAFIE_UPLOAD_MAX_BYTES", "Largest accepted upload (bytes, unpacked)."
    )
    upload_max_rows: int = _setting(
        2_000_000,
        "DEMOGRAFIE_UPLOAD_MAX_ROWS",
        "Most rows of an uploaded Parquet file (checked from its metadata before reading).",
    )
    upload_keep_hours: int = _setting(
        24,
        "DEMOGRAFIE_UPLOAD_KEEP_HOURS",
        "Hours a validated but unconfirmed upload stays staged before it is deleted.",
    )
    proxy_hops: int = _setting(
        1,
        "DEMOGRAFIE_PROXY_HOPS",
        "Reverse proxies in front of the WSGI apps whose X-Forwarded-For/-Proto/-Host are "
        "trusted; 0 when the apps are reached directly.",
    )
    login_max_attempts: int = _setting(
        5, "DEMOGRAFIE_LOGIN_MAX_ATTEMPTS", "Failed logins before an account is locked."
    )
    lockout_minutes: int = _setting(
        15, "DEMOGRAFIE_LOCKOUT_MINUTES", "How long a locked account stays locked."
    )
    min_count: int = _setting(3, "DEMOGRAFIE_MIN_COUNT", "k: cells with 1 <= n < k are primary.")
    protection: float = _setting(
        0.3, "DEMOGRAFIE_PROTECTION", "Protection interval: +-max(1, ceil(p * value))."
    )
    privacy_workers: int = _setting(
        0,
        "DEMOGRAFIE_PRIVACY_WORKERS",
        "Processes that solve the LPs of suppression and audit (same result for any number); "
        "0 means min(2, number of cores).",
    )
    min_subarea_population: int = _setting(
        100,
        "DEMOGRAFIE_MIN_SUBAREA_POPULATION",
        "Ortsteile with fewer main residents are not published as areas of their own; "
        "their people still count in the Gemeinde.",
    )
    secret_key: str = _setting(
        "", "DEMOGRAFIE_SECRET_KEY", "Flask session key; empty generates one per start."
    )
    public_dashboard: bool = _setting(
        True, "DEMOGRAFIE_PUBLIC", "Whether the dashboard is readable without a login."
    )
    language: str = _setting("de", "DEMOGRAFIE_LANGUAGE", "Default language: de or en.")
    redis_url: str = _setting(
        "",
        "DEMOGRAFIE_REDIS_URL",
        "Redis for the dashboard's response cache, shared by all workers "
        "(redis://host:6379/0); empty means a bounded cache in each process.",
    )
    response_cache_seconds: int = _setting(
        86_400,
        "DEMOGRAFIE_RESPONSE_CACHE_SECONDS",
        "How long the dashboard keeps a cached response of published data; 0 turns it off.",
    )

    def __post_init__(self) -> None:
        if not 1 <= self.min_count <= 100:
            raise ConfigError(f"DEMOGRAFIE_MIN_COUNT must be 1..100, got {self.min_count}.")
        if not 1 <= self.min_subarea_population <= 100_000:
            raise ConfigError(
                "DEMOGRAFIE_MIN_SUBAREA_POPULATION must be 1..100000, got "
                f"{self.min_subarea_population}."
            )
        if not 0 <= self.privacy_workers <= 64:
            raise ConfigError(
                "DEMOGRAFIE_PRIVACY_WORKERS must be 0..64 (0: automatic), "
                f"got {self.privacy_workers}."
            )
        if not 0 < self.protection < 1:
            raise ConfigError(f"DEMOGRAFIE_PROTECTION must be in (0, 1), got {self.protection}.")
        if not 0 <= self.proxy_hops <= 5:
            raise ConfigError(f"DEMOGRAFIE_PROXY_HOPS must be 0..5, got {self.proxy_hops}.")
        if self.language not in ("de", "en"):
            raise ConfigError(f"DEMOGRAFIE_LANGUAGE must be 'de' or 'en', got {self.language!r}.")

    @property
    def lp_workers(self) -> int:
        """The number of LP processes: `privacy_workers`, or min(2, cores) when it is 0."""
        return self.privacy_workers or max(1, min(2, os.cpu_count() or 1))

    @property
    def restricted_store_url(self) -> str:
        return self.restricted_url or f"sqlite:///{(self.home / 'restricted.sqlite').resolve()}"

    @property
    def accounts_store_url(self) -> str:
        return self.accounts_url or f"sqlite:///{(self.home / 'accounts.sqlite').resolve()}"

    @property
    def published_store_url(self) -> str:
        return self.published_url or f"sqlite:///{(self.home / 'published.sqlite').resolve()}"

    @property
    def publisher_store_url(self) -> str:
        return self.publisher_url or self.published_store_url

    @classmethod
    def from_env(cls, environ: Mapping[str, str], **overrides: Any) -> Settings:
        """Build settings from environment variables; unknown variables are ignored."""
        values: dict[str, Any] = {}
        for item in dataclasses.fields(cls):
            raw = environ.get(item.metadata["env"])
            if raw is None or raw == "":
                continue
            values[item.name] = _convert(item, raw)
        values.update(overrides)
        return cls(**values)

    @classmethod
    def documentation(cls) -> list[tuple[str, str, str]]:
        """(variable, default, help) for every setting, for the README and --help."""
        return [
            (f.metadata["env"], str(f.default), f.metadata["help"]) for f in dataclasses.fields(cls)
        ]


def _convert(item: dataclasses.Field, raw: str) -> Any:
    name = item.metadata["env"]
    kind = type(item.default)
    try:
        if kind is bool:
            if raw.lower() not in ("1", "0", "true", "false", "yes", "no"):
                raise ValueError(raw)
            return raw.lower() in ("1", "true", "yes")
        if kind is int:
            return int(raw)
        if kind is float:
            return float(raw)
        if issubclass(kind, Path):
            return Path(raw)
        return raw
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a valid {kind.__name__}.") from None
