"""Shared fixtures: stores in tmp_path (SQLite) and on the real PostgreSQL server."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from etl.app import Stores
from etl.config import Settings

REPO_ROOT = Path(__file__).resolve().parents[1]
REAL_SAMPLES = REPO_ROOT.parent / "shared" / "real-samples"
PG_URL_VARIABLE = "DEMOGRAFIE_TEST_PG_URL"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings with both embedded SQLite stores in a fresh directory."""
    return Settings(home=tmp_path / "var")


@pytest.fixture
def stores_for() -> Iterator[Callable[[Settings], Stores]]:
    """`stores_for(settings)`: a migrated application object per settings, closed after the test.

    What an entry point does at start (`Stores(settings)`, then `migrate()`), for tests that
    reach a store directly.
    """
    built: dict[Settings, Stores] = {}

    def build(settings: Settings) -> Stores:
        if settings not in built:
            built[settings] = Stores(settings)
            built[settings].migrate()
        return built[settings]

    yield build
    for stores in built.values():
        stores.close()


@pytest.fixture
def real_samples() -> Path:
    if not REAL_SAMPLES.is_dir():
        pytest.skip(f"real official samples not present at {REAL_SAMPLES}")
    return REAL_SAMPLES


@pytest.fixture(scope="module")
def ni_folder() -> Path:
    """The real Niedersachsen/Bremen tables; skips when the samples are absent (CI has them)."""
    folder = REAL_SAMPLES / "niedersachsen-bremen"
    if not folder.is_dir():
        pytest.skip(f"real samples of Niedersachsen/Bremen not present at {folder}")
    return folder


def pg_admin_url() -> str:
    url = os.environ.get(PG_URL_VARIABLE, "")
    if not url:
        if os.environ.get("DEMOGRAFIE_REQUIRE_PG") == "1":
            pytest.fail(f"{PG_URL_VARIABLE} is not set but DEMOGRAFIE_REQUIRE_PG=1 (CI)")
        pytest.skip(f"no PostgreSQL: set {PG_URL_VARIABLE}=postgresql+psycopg://user@host/db")
    return url


@pytest.fixture
def pg_settings(tmp_path: Path) -> Iterator[Settings]:
    """Settings whose two zones are fresh schemas on the real PostgreSQL server."""
    url = pg_admin_url()
    suffix = uuid.uuid4().hex[:10]
    restricted, published = f"t{suffix}_restricted", f"t{suffix}_published"
    separator = "&" if "?" in url else "?"
    yield Settings(
        home=tmp_path / "var",
        restricted_url=f"{url}{separator}schema={restricted}",
        published_url=f"{url}{separator}schema={published}",
    )
    engine = create_engine(url)
    with engine.begin() as connection:
        for name in (restricted, published):
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_settings(request: pytest.FixtureRequest, settings: Settings) -> Settings:
    """Runs a test on both backends."""
    if request.param == "sqlite":
        return settings
    return request.getfixturevalue("pg_settings")


@pytest.fixture(autouse=True)
def end_idle_postgres_connections() -> Iterator[None]:
    """After each test, end the idle PostgreSQL connections it left in engine pools.

    Engines are cached per Settings (one per test), and each pool keeps its connections open:
    over a thousand tests that exhausts the server's max_connections. Pools ping before use
    (`pool_pre_ping`), so a cached engine that is used again simply reconnects.
    """
    yield
    url = os.environ.get(PG_URL_VARIABLE, "")
    if not url:
        return
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                    "AND state = 'idle' AND usename = current_user"
                )
            )
    finally:
        engine.dispose()
