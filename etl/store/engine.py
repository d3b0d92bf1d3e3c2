"""Engine factory: the one place that knows how the two zones are reached.

SQLite (default): two files under DEMOGRAFIE_HOME; the dashboard opens the published file with
`mode=ro`, so it cannot write and never opens the restricted file at all.
PostgreSQL: each zone lives in its own schema; a URL may name it with `?schema=NAME`
(defaults `restricted` and `published`). The dashboard connects with a role that has SELECT on
the published schema and no grant on the restricted one (see `etl.store.roles`).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url

from etl.config import Settings
from etl.errors import StoreError

DEFAULT_SCHEMAS = {"restricted": "restricted", "published": "published", "accounts": "accounts"}


def zone_engine(url: str, zone: str, *, read_only: bool = False) -> Engine:
    """Engine of one zone from its URL; PostgreSQL URLs may name the schema (`?schema=`)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed.database or "", read_only=read_only)
    schema_name = parsed.query.get("schema", DEFAULT_SCHEMAS[zone])
    parsed = parsed.difference_update_query(["schema"])
    engine = create_engine(parsed, pool_pre_ping=True)
    if read_only:
        # A second guard beside the grants: the session refuses writes.
        @event.listens_for(engine, "connect")
        def _read_only(dbapi_connection, _record) -> None:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
            dbapi_connection.commit()

    return engine.execution_options(schema_translate_map={None: schema_name})


def _sqlite_engine(path: str, *, read_only: bool) -> Engine:
    if read_only:
        if not Path(path).exists():
            raise StoreError(
                f"Der veröffentlichte Bestand {path} existiert nicht. "
                "Erst `python -m etl publish` (oder `make demo`) ausführen."
            )
        url = f"sqlite:///file:{path}?mode=ro&uri=true"
    else:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{path}"
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if not read_only:
            cursor.execute("PRAGMA journal_mode=WAL")
            # In WAL mode NORMAL cannot corrupt the database; it only skips the fsync per
            # commit (bulk imports commit once per extract).
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine


def restricted_engine(settings: Settings) -> Engine:
    """Read-write engine of the restricted zone (ETL only)."""
    return zone_engine(settings.restricted_store_url, "restricted")


def publisher_engine(settings: Settings) -> Engine:
    """Read-write engine of the published zone (the ETL's publish step only)."""
    return zone_engine(settings.publisher_store_url, "published")


def reader_engine(settings: Settings) -> Engine:
    """Read-only engine of the published zone: the only engine the dashboard and API get."""
    return zone_engine(settings.published_store_url, "published", read_only=True)


def _schema_name(engine: Engine) -> str | None:
    translate = engine.get_execution_options().get("schema_translate_map") or {}
    return translate.get(None)


def zone_exists(engine: Engine, table_name: str) -> bool:
    return inspect(engine).has_table(table_name, schema=_schema_name(engine))


def redacted_url(url: str) -> str:
    """A database URL with its password masked, for display to administrators."""
    return make_url(url).render_as_string(hide_password=True)


def zone_schema(url: str, zone: str) -> str:
    """The PostgreSQL schema a zone's URL names (`?schema=`), or the zone's default."""
    return make_url(url).query.get("schema", DEFAULT_SCHEMAS[zone])
