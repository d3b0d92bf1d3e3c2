"""The accounts store: users, roles and security events (logins, lockouts, refused uploads).

A third store beside the two zones, reached through `settings.accounts_store_url`: SQLite file
`accounts.sqlite` under DEMOGRAFIE_HOME by default, or PostgreSQL schema `accounts` (or the one
named with `?schema=`). Only the portal and `python -m etl user` open it; the public dashboard
never does.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    exists,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from etl.config import Settings
from etl.errors import StoreError
from etl.store.engine import zone_engine

ACCOUNTS_SCHEMA = "accounts"
SESSION_MAX_AGE = dt.timedelta(hours=12)  # absolute lifetime, however active the session

accounts = MetaData()

users = Table(
    "users",
    accounts,
    Column("user_id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(80), nullable=False, unique=True),
    Column("password_hash", Text, nullable=False),  # argon2id, see etl.accounts.passwords
    Column("role", String(16), nullable=False),  # admin | statistician | uploader | viewer
    Column("municipalities", Text, nullable=False, default="[]"),  # JSON list of 8-digit AGS
    Column("disabled", Boolean, nullable=False, default=False),
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("locked_until", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("password_changed_at", DateTime(timezone=True), nullable=False),
)

# Server-side sessions: the browser's cookie names a row here; logout and a password change
# delete the rows, so a copied cookie stops working at once (checked on every request).
sessions = Table(
    "sessions",
    accounts,
    Column("session_id", String(64), primary_key=True),
    Column("user_id", Integer, nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

security_events = Table(
    "security_events",
    accounts,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(120), nullable=False),
    Column("action", String(40), nullable=False),  # login, login-failed, lockout, ...
    Column("remote_addr", String(64), nullable=False, default=""),
    Column("detail", Text, nullable=False, default="{}"),
)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite returns naive datetimes; everything stored here is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


def accounts_url(settings: Settings) -> str:
    """The accounts store URL; PostgreSQL without `?schema=` gets schema `accounts`."""
    url = settings.accounts_store_url
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" and "schema" not in parsed.query:
        url += ("&" if "?" in url else "?") + f"schema={ACCOUNTS_SCHEMA}"
    return url


def accounts_writer_engine(settings: Settings) -> Engine:
    """Read-write engine of the accounts store (the portal's and `python -m etl user`'s).

    Opens a connection pool only: the tables come from `python -m etl migrate` or the
    application object's start-up (`etl.app.Stores.migrate`), never from this getter.
    """
    # The zone name only matters for the default schema, which accounts_url always sets.
    return zone_engine(accounts_url(settings), "accounts")


def accounts_reader_engine(settings: Settings) -> Engine:
    """Read-only engine of the accounts store (no tables created): the private dashboard's.

    It only checks sessions the portal created; SQLite opens with `mode=ro`, PostgreSQL
    sessions are READ ONLY (give the role SELECT on `users` and `sessions` only).
    """
    return zone_engine(accounts_url(settings), "accounts", read_only=True)


def _user_record(row: Any) -> dict[str, Any]:
    record = dict(row._mapping)
    record["municipalities"] = json.loads(record["municipalities"] or "[]")
    for key in ("locked_until", "created_at", "password_changed_at"):
        record[key] = aware(record[key])
    return record


def insert_user(engine: Engine, record: dict[str, Any]) -> int:
    """Insert a user; StoreError if the name is taken. Returns the new user id."""
    values = {**record, "municipalities": json.dumps(record.get("municipalities", []))}
    values.setdefault("created_at", now())
    values.setdefault("password_changed_at", values["created_at"])
    try:
        with engine.begin() as connection:
            result = connection.execute(insert(users).values(**values))
            return int(result.inserted_primary_key[0])
    except IntegrityError:
        raise StoreError(f"Benutzername {record['username']!r} ist bereits vergeben.") from None


def find_user(engine: Engine, *, username: str | None = None, user_id: int | None = None):
    """The user as a dict, or None."""
    query = select(users)
    query = (
        query.where(users.c.username == username)
        if username is not None
        else query.where(users.c.user_id == user_id)
    )
    with engine.connect() as connection:
        row = connection.execute(query).first()
    return None if row is None else _user_record(row)


def list_users(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        rows = connection.execute(select(users).order_by(users.c.username)).all()
    return [_user_record(row) for row in rows]


def update_user(engine: Engine, username: str, **values: Any) -> None:
    """Change fields of one user; StoreError if there is no such user."""
    if "municipalities" in values:
        values["municipalities"] = json.dumps(values["municipalities"])
    with engine.begin() as connection:
        changed = connection.execute(
            update(users).where(users.c.username == username).values(**values)
        ).rowcount
    if not changed:
        raise StoreError(f"Benutzer {username!r} gibt es nicht.")


def reserve_login_attempt(
    engine: Engine, username: str, max_attempts: int, now: dt.datetime, lock_until: dt.datetime
) -> str:
    """Count one login attempt before the password is checked, atomically.

    Returns "unknown" (no such user), "locked" (locked now or by this attempt: do not check the
    password) or "check". One UPDATE ... RETURNING counts the attempt, so parallel guesses see
    distinct counts and at most `max_attempts` of them get a password check; a success resets
    the count (`login_succeeded`), a failure keeps it (`login_failed` locks at the maximum).
    """
    with engine.begin() as connection:
        attempts = connection.execute(
            update(users)
            .where(users.c.username == username)
            .where(or_(users.c.locked_until.is_(None), users.c.locked_until <= now))
            .values(failed_logins=users.c.failed_logins + 1)
            .returning(users.c.failed_logins)
        ).scalar()
        if attempts is None:
            known = connection.execute(
                select(exists().where(users.c.username == username))
            ).scalar()
            return "locked" if known else "unknown"
        if attempts > max_attempts:
            _lock(connection, username, lock_until)
            return "locked"
    return "check"


def login_failed(engine: Engine, username: str, max_attempts: int, lock_until: dt.datetime) -> bool:
    """After a wrong password: lock the account if its count reached the maximum."""
    with engine.begin() as connection:
        attempts = connection.execute(
            select(users.c.failed_logins).where(users.c.username == username)
        ).scalar()
        if attempts is None or attempts < max_attempts:
            return False
        _lock(connection, username, lock_until)
    return True


def _lock(connection: Any, username: str, lock_until: dt.datetime) -> None:
    connection.execute(
        update(users)
        .where(users.c.username == username)
        .values(locked_until=lock_until, failed_logins=0)
    )


def create_session(engine: Engine, user_id: int) -> str:
    """A new server-side session for the user; returns its random id."""
    session_id = secrets.token_urlsafe(32)
    with engine.begin() as connection:
        connection.execute(
            insert(sessions).values(session_id=session_id, user_id=user_id, created_at=now())
        )
    return session_id


def session_is_valid(engine: Engine, user_id: int, session_id: str) -> bool:
    """Whether the session exists, belongs to the user and is younger than SESSION_MAX_AGE
    (a read: safe on a read-only role)."""
    query = select(
        exists().where(
            sessions.c.session_id == session_id[:64],
            sessions.c.user_id == user_id,
            sessions.c.created_at > now() - SESSION_MAX_AGE,
        )
    )
    with engine.connect() as connection:
        return bool(connection.execute(query).scalar())


def end_session(engine: Engine, session_id: str) -> None:
    with engine.begin() as connection:
        connection.execute(delete(sessions).where(sessions.c.session_id == session_id[:64]))


def end_stale_sessions(engine: Engine) -> int:
    """Delete sessions older than SESSION_MAX_AGE (they are refused anyway); returns how many."""
    with engine.begin() as connection:
        result = connection.execute(
            delete(sessions).where(sessions.c.created_at <= now() - SESSION_MAX_AGE)
        )
    return int(result.rowcount or 0)


def end_user_sessions(engine: Engine, username: str) -> None:
    """End every session of a user (password change, disabling)."""
    user_id = select(users.c.user_id).where(users.c.username == username).scalar_subquery()
    with engine.begin() as connection:
        connection.execute(delete(sessions).where(sessions.c.user_id == user_id))


def log_security_event(
    engine: Engine, actor: str, action: str, *, remote_addr: str = "", **detail: Any
) -> None:
    with engine.begin() as connection:
        connection.execute(
            insert(security_events),
            {
                "at": now(),
                "actor": actor[:120],
                "action": action,
                "remote_addr": remote_addr[:64],
                "detail": json.dumps(detail, ensure_ascii=False, default=str),
            },
        )


def read_security_events(engine: Engine, limit: int = 200) -> list[dict[str, Any]]:
    query = select(security_events).order_by(security_events.c.id.desc()).limit(limit)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return [{**dict(r._mapping), "at": aware(r.at)} for r in rows]
