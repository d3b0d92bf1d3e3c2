"""Portal fixtures (shared with the other portal-facing suite) and a PostgreSQL accounts store."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from etl.config import Settings
from portal.pytest_fixtures import app, client, fast_password_hashing, stores, world
from tests.conftest import pg_admin_url

__all__ = ["accounts_pg_settings", "app", "client", "fast_password_hashing", "stores", "world"]


@pytest.fixture
def accounts_pg_settings(settings: Settings) -> Iterator[Settings]:
    """Settings whose accounts store is a fresh schema on the real PostgreSQL server."""
    url = pg_admin_url()
    schema = f"t{uuid.uuid4().hex[:10]}_accounts"
    separator = "&" if "?" in url else "?"
    yield Settings(home=settings.home, accounts_url=f"{url}{separator}schema={schema}")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()
