"""Sample accounts for `make demo`: one per role, two municipality uploaders."""

from __future__ import annotations

import os
from collections.abc import Mapping

from etl.accounts.service import create_user
from etl.app import Stores
from etl.store.accounts import find_user

PASSWORD_VARIABLE = "DEMOGRAFIE_DEMO_PASSWORD"
DEMO_ACCOUNTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("admin", "admin", ()),
    ("statistik", "statistician", ()),
    ("weserhaven", "uploader", ("04021000",)),
    ("altdorf", "uploader", ("03901001",)),
    ("leser", "viewer", ()),
)
UNCHANGED = "(unverändert – neu setzen mit `python -m etl user reset NAME`)"


def ensure_demo_accounts(
    stores: Stores, environ: Mapping[str, str] | None = None
) -> list[tuple[str, str, str]]:
    """Create the demo accounts that are missing: (username, role, password) for each.

    Passwords come from DEMOGRAFIE_DEMO_PASSWORD or are generated; only the hash is stored,
    so a password is known only when its account is created (otherwise UNCHANGED).
    """
    environ = os.environ if environ is None else environ
    engine = stores.accounts
    given = environ.get(PASSWORD_VARIABLE) or None
    result = []
    for username, role, municipalities in DEMO_ACCOUNTS:
        if find_user(engine, username=username) is not None:
            result.append((username, role, UNCHANGED))
            continue
        password = create_user(engine, username, role, list(municipalities), given)
        result.append((username, role, password))
    return result
