"""Fixture: a prepared store (registry, boundary, one upload, a release) on both backends."""

from __future__ import annotations

import pytest

from etl.config import Settings

from .stores import prepare_store


@pytest.fixture
def prepared(any_settings: Settings) -> Settings:
    prepare_store(any_settings)
    return any_settings
