"""Portal fixtures (shared with the other portal-facing suite)."""

from portal.pytest_fixtures import app, client, fast_password_hashing, stores, world

__all__ = ["app", "client", "fast_password_hashing", "stores", "world"]
