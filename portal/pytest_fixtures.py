"""Fixtures of the portal and hardening tests: stores, one account per role, app and client."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from argon2 import PasswordHasher
from dash import Dash

from etl.app import Stores
from etl.config import Settings
from portal.app import create_app
from portal.testing import build_world


@pytest.fixture
def stores(settings: Settings) -> Iterator[Stores]:
    """The portal's application object for `settings`; its jobs end and engines close after."""
    stores = Stores(settings)
    yield stores
    stores.close()


@pytest.fixture
def world(stores: Stores) -> dict[str, Any]:
    return build_world(stores)


@pytest.fixture
def app(settings: Settings, stores: Stores, world) -> Dash:
    return create_app(settings, stores=stores)


@pytest.fixture
def client(app: Dash):
    return app.server.test_client()


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2 parameters in tests: the production cost (64 MiB, t=3) is ~0.4 s a hash."""
    from etl.accounts import passwords

    monkeypatch.setattr(
        passwords, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
