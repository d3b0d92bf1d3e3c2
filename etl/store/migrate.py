"""Schema migrations of the three stores with Alembic: one revision history per zone.

Each zone (restricted, published, accounts) has its own script directory under
`etl/store/migrations/<zone>/` and its own `alembic_version` table (in PostgreSQL inside the
zone's schema). `upgrade_zone` brings a store to the newest revision; a store created before
migrations existed (tables present, no version table) is first stamped with the baseline
revision, which describes exactly that schema, and then upgraded in place.

No env.py: the migration environment is configured here, with the caller's engine.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from alembic.autogenerate import produce_migrations, render_python_code
from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, inspect, text
from sqlalchemy.exc import IntegrityError, ProgrammingError

from etl.errors import StoreError

logger = logging.getLogger(__name__)

MIGRATIONS: Final = Path(__file__).parent / "migrations"
ZONES: Final = ("restricted", "published", "accounts")
BASELINE: Final = "0001"
VERSION_TABLE: Final = "alembic_version"
# Alembic's EnvironmentContext installs itself in a module-level proxy (alembic.context), so
# two threads of one process must not migrate at once; processes are kept apart by the
# database (session advisory lock on PostgreSQL, a lock file beside an SQLite store).
_ALEMBIC_LOCK: Final = threading.RLock()


def _schema_name(engine: Engine) -> str | None:
    translate = engine.get_execution_options().get("schema_translate_map") or {}
    return translate.get(None)


def _script(zone: str) -> tuple[Config, ScriptDirectory]:
    if zone not in ZONES:
        raise StoreError(f"Unbekannter Bereich {zone!r}; bekannt sind {', '.join(ZONES)}.")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS / zone))
    return config, ScriptDirectory.from_config(config)


def target_metadata(zone: str) -> list[MetaData]:
    """The table definitions a zone's newest revision must match."""
    from etl.store import accounts, jobs, login_limits, schema

    del login_limits  # imported for its table on the accounts metadata

    return {
        "restricted": [schema.restricted],
        "published": [schema.published],
        "accounts": [accounts.accounts, jobs.portal],
    }[zone]


def current_revision(engine: Engine) -> str | None:
    """The zone's revision, or None for a store without a version table."""
    with engine.connect() as connection:
        options = {"version_table_schema": _schema_name(engine)}
        return MigrationContext.configure(connection, opts=options).get_current_revision()


def head_revision(zone: str) -> str:
    return _script(zone)[1].get_current_head() or BASELINE


def _has_tables(engine: Engine) -> bool:
    names = set(inspect(engine).get_table_names(schema=_schema_name(engine)))
    return bool(names - {VERSION_TABLE})


def _run(engine: Engine, zone: str, destination: str, *, stamp_only: bool = False) -> None:
    config, script = _script(zone)

    def steps(revision, _context):
        if stamp_only:
            return script._stamp_revs(destination, revision)
        return script._upgrade_revs(destination, revision)

    with (
        _ALEMBIC_LOCK,
        EnvironmentContext(config, script, fn=steps, destination_rev=destination) as env,
    ):
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                # Alembic's ALTER statements name tables without a schema and ignore
                # schema_translate_map: the search path points them at the zone's schema.
                schema_name = _schema_name(engine)
                if schema_name:
                    connection.execute(text(f'SET LOCAL search_path TO "{schema_name}"'))
            env.configure(
                connection=connection,
                target_metadata=target_metadata(zone),
                # The inspector ignores schema_translate_map: name the schema outright.
                version_table_schema=_schema_name(engine),
            )
            env.run_migrations()


def _create_schema(engine: Engine) -> None:
    schema_name = _schema_name(engine)
    if not schema_name or engine.dialect.name != "postgresql":
        return
    try:
        with engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema_name}"'))
    except (IntegrityError, ProgrammingError):
        pass  # another process created it at the same moment: IF NOT EXISTS is not atomic


@contextlib.contextmanager
def _serialised(engine: Engine, zone: str) -> Iterator[None]:
    """One migrator per store at a time, across threads and processes.

    The check "tables but no version table" and the upgrade must not interleave: SQLite runs
    DDL outside transactions, so a second process could see half-created tables.
    """
    with _ALEMBIC_LOCK:
        if engine.dialect.name == "postgresql":
            key = f"demografie-migrate-{zone}-{_schema_name(engine)}"
            with engine.connect() as connection:
                connection.execute(text("SELECT pg_advisory_lock(hashtext(:k))"), {"k": key})
                connection.commit()
                try:
                    yield
                finally:
                    connection.execute(text("SELECT pg_advisory_unlock(hashtext(:k))"), {"k": key})
                    connection.commit()
        elif engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
            lock_path = Path(f"{engine.url.database}.migrate-lock")
            with lock_path.open("a") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)
        else:
            yield


def upgrade_zone(engine: Engine, zone: str) -> str:
    """Bring the zone's store to the newest revision; returns the revision reached."""
    _create_schema(engine)
    head = head_revision(zone)
    with _serialised(engine, zone):
        if current_revision(engine) is None and _has_tables(engine):
            logger.info("%s: store without version table, stamped as %s", zone, BASELINE)
            _run(engine, zone, BASELINE, stamp_only=True)
        if current_revision(engine) != head:
            _run(engine, zone, "heads")
    return head


def autogenerate_revision(engine: Engine, zone: str, message: str) -> Path:
    """Write a new revision of `zone` that turns the store behind `engine` into the code's schema.

    For developers: run it against a store at the current head, read and edit the file.
    """
    _, script = _script(zone)
    with engine.connect() as connection:
        if _schema_name(engine) and engine.dialect.name == "postgresql":
            # The inspector ignores schema_translate_map; it reads the search path's schema.
            connection.execute(text(f'SET search_path TO "{_schema_name(engine)}"'))
        context = MigrationContext.configure(
            connection, opts={"target_metadata": target_metadata(zone)}
        )
        operations = produce_migrations(context, target_metadata(zone))
    body_up = render_python_code(operations.upgrade_ops, render_as_batch=True)
    body_down = render_python_code(operations.downgrade_ops, render_as_batch=True)
    head = script.get_current_head()
    number = f"{int(head or '0') + 1:04d}"
    path = MIGRATIONS / zone / "versions" / f"{number}_{_slug(message)}.py"
    path.write_text(
        REVISION_TEMPLATE.format(
            message=message, revision=number, down=repr(head), up=body_up, down_body=body_down
        ),
        encoding="utf-8",
    )
    return path


def _slug(message: str) -> str:
    return "_".join("".join(c if c.isalnum() else " " for c in message.lower()).split())[:40]


REVISION_TEMPLATE: Final = '''"""{message}"""

import sqlalchemy as sa
from alembic import op

revision = "{revision}"
down_revision = {down}
branch_labels = None
depends_on = None


def upgrade() -> None:
{up}


def downgrade() -> None:
{down_body}
'''
