"""Accounts stores in tmp_path (SQLite) and on the real PostgreSQL server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from sqlalchemy import create_engine, text

from etl.config import Settings
from tests.conftest import pg_admin_url


@pytest.fixture(params=["sqlite", "postgresql"])
def accounts_settings(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Settings]:
    """Settings whose accounts store is SQLite in tmp_path or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield settings
        return
    url = pg_admin_url()
    schema = f"t{uuid.uuid4().hex[:10]}_accounts"
    separator = "&" if "?" in url else "?"
    yield Settings(home=settings.home, accounts_url=f"{url}{separator}schema={schema}")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2 parameters in tests: the production cost (64 MiB, t=3) is ~0.4 s a hash."""
    from etl.accounts import passwords

    monkeypatch.setattr(
        passwords, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
