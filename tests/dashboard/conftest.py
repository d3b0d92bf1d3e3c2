"""Fixtures: a tiny published release in SQLite under tmp_path and an app built on it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from dash import Dash

from dashboard.app import create_app
from etl.config import Settings
from etl.testing import write_tiny_release


@pytest.fixture
def release_id(settings: Settings) -> str:
    return write_tiny_release(settings)


@pytest.fixture
def app(settings: Settings, release_id: str) -> Dash:
    return create_app(settings)


@pytest.fixture
def client(app: Dash):
    return app.server.test_client()


@pytest.fixture
def app_context(app: Dash) -> Iterator[None]:
    """A request context, as callbacks have inside Dash."""
    with app.server.test_request_context("/"):
        yield
