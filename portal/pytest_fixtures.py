"""Fixtures of the portal and hardening tests: stores, one account per role, app and client."""

from __future__ import annotations

from typing import Any

import pytest
from argon2 import PasswordHasher
from dash import Dash

from etl.config import Settings
from portal.app import create_app
from portal.testing import build_world


@pytest.fixture
def world(settings: Settings) -> dict[str, Any]:
    return build_world(settings)


@pytest.fixture
def app(settings: Settings, world) -> Dash:
    return create_app(settings)


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
