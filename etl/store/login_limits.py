"""Login attempts per client address, counted in the accounts store.

Every worker and machine of the portal shares one count: a fixed window per address, advanced
with one atomic upsert, so parallel attempts cannot slip past the limit.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, DateTime, Engine, Integer, String, Table, case, select
from sqlalchemy.dialects import postgresql, sqlite

from etl.store.accounts import accounts, now

login_windows = Table(
    "login_windows",
    accounts,
    Column("address", String(64), primary_key=True),
    Column("window_start", DateTime(timezone=True), nullable=False),
    Column("attempts", Integer, nullable=False),
)


def _upsert(engine: Engine):
    return (postgresql if engine.dialect.name == "postgresql" else sqlite).insert


def allow_login_attempt(engine: Engine, address: str, *, limit: int, window: dt.timedelta) -> bool:
    """Count one attempt of `address`; False when it is over `limit` in the current window."""
    at = now()
    insert = _upsert(engine)(login_windows).values(
        address=address[:64], window_start=at, attempts=1
    )
    expired = login_windows.c.window_start < at - window  # a new window once the old one ended
    statement = insert.on_conflict_do_update(
        index_elements=[login_windows.c.address],
        set_={
            "attempts": case((expired, 1), else_=login_windows.c.attempts + 1),
            "window_start": case((expired, at), else_=login_windows.c.window_start),
        },
    ).returning(login_windows.c.attempts)
    with engine.begin() as connection:
        attempts = connection.execute(statement).scalar_one()
    return attempts <= limit


def forget_old_windows(engine: Engine, older_than: dt.timedelta) -> int:
    """Delete windows that ended long ago (a start-up and sweep duty)."""
    with engine.begin() as connection:
        result = connection.execute(
            login_windows.delete().where(login_windows.c.window_start < now() - older_than)
        )
    return result.rowcount


def attempts_of(engine: Engine, address: str) -> int:
    with engine.connect() as connection:
        value = connection.execute(
            select(login_windows.c.attempts).where(login_windows.c.address == address)
        ).scalar()
    return int(value or 0)
