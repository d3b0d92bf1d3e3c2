"""Alembic migrations: new stores reach head; stores of the last release are upgraded in place."""

from __future__ import annotations

import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from etl.config import Settings
from etl.errors import StoreError
from etl.store import schema
from etl.store.engine import publisher_engine, restricted_engine
from etl.store.migrate import (
    BASELINE,
    VERSION_TABLE,
    ZONES,
    _run,
    _schema_name,
    current_revision,
    head_revision,
    target_metadata,
    upgrade_zone,
)
from etl.testing import migrated_stores


def _engines(settings: Settings) -> dict[str, Engine]:
    return {"restricted": restricted_engine(settings), "published": publisher_engine(settings)}


def _drift(engine: Engine, zone: str) -> list:
    """Differences between the store and the code's table definitions (empty when in step)."""
    with engine.connect() as connection:
        if _schema_name(engine) and engine.dialect.name == "postgresql":
            # The inspector ignores schema_translate_map; it reads the search path's schema.
            connection.execute(text(f'SET search_path TO "{_schema_name(engine)}"'))
        context = MigrationContext.configure(connection)
        return [
            difference
            for metadata in target_metadata(zone)
            for difference in compare_metadata(context, metadata)
            if not (difference[0] == "remove_table" and difference[1].name == VERSION_TABLE)
        ]


def _legacy_store(engine: Engine, zone: str) -> None:
    """A store as the release before migrations left it: baseline tables, no version table."""
    upgrade_zone_to(engine, zone, BASELINE)
    with engine.begin() as connection:
        name = VERSION_TABLE
        schema_name = _schema_name(engine)
        qualified = f'"{schema_name}".{name}' if schema_name else name
        connection.execute(text(f"DROP TABLE {qualified}"))


def upgrade_zone_to(engine: Engine, zone: str, revision: str) -> None:
    from etl.store.migrate import _create_schema

    _create_schema(engine)
    _run(engine, zone, revision)


def test_new_stores_are_at_head_and_match_the_code(any_settings: Settings) -> None:
    for zone, engine in _engines(any_settings).items():
        upgrade_zone(engine, zone)
        assert current_revision(engine) == head_revision(zone)
        assert _drift(engine, zone) == []


def test_every_zone_has_a_linear_history_starting_at_the_baseline() -> None:
    from etl.store.migrate import _script

    for zone in ZONES:
        _, script = _script(zone)
        revisions = list(script.walk_revisions())
        assert len(script.get_heads()) == 1, f"{zone}: more than one head"
        assert revisions[-1].revision == BASELINE


def test_store_of_the_previous_release_is_upgraded_in_place(any_settings: Settings) -> None:
    """Rows written before the upgrade survive it; the schema then matches the code."""
    engine = restricted_engine(any_settings)
    _legacy_store(engine, "restricted")
    assert current_revision(engine) is None
    with engine.begin() as connection:
        connection.execute(
            schema.region_sets.insert().values(
                region_set="Verbund", region_key="R-1", region_name="Nord", member_key="03901000"
            )
        )
    upgrade_zone(engine, "restricted")
    assert current_revision(engine) == head_revision("restricted")
    assert _drift(engine, "restricted") == []
    with engine.connect() as connection:
        rows = connection.execute(schema.region_sets.select()).all()
    assert [(row.region_key, row.member_key) for row in rows] == [("R-1", "03901000")]


def test_migrated_stores_create_tables_only_through_migrations(settings: Settings) -> None:
    opened = migrated_stores(settings)
    restricted, publisher = opened.restricted, opened.publisher
    for engine in (restricted, publisher):
        assert VERSION_TABLE in inspect(engine).get_table_names()


def test_workers_starting_together_migrate_once(any_settings: Settings) -> None:
    engine = publisher_engine(any_settings)
    errors: list[BaseException] = []

    def start() -> None:
        try:
            upgrade_zone(engine, "published")
        except BaseException as error:  # collected for the assertion below
            errors.append(error)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert current_revision(engine) == head_revision("published")


def test_unknown_zone_is_refused() -> None:
    with pytest.raises(StoreError, match="Unbekannter Bereich 'archive'"):
        head_revision("archive")


def test_processes_starting_together_on_a_new_sqlite_store_all_succeed(tmp_path) -> None:
    """Three `etl migrate` processes at once (gunicorn workers of one machine)."""
    import os
    import subprocess
    import sys

    from tests.conftest import REPO_ROOT

    env = {**os.environ, "DEMOGRAFIE_HOME": str(tmp_path / "var")}
    for name in (
        "DEMOGRAFIE_RESTRICTED_URL",
        "DEMOGRAFIE_PUBLISHED_URL",
        "DEMOGRAFIE_ACCOUNTS_URL",
    ):
        env.pop(name, None)
    command = [sys.executable, "-m", "etl", "migrate"]
    processes = [
        subprocess.Popen(command, cwd=REPO_ROOT, env=env, stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    errors = [process.communicate(timeout=120)[1] for process in processes]
    assert [process.returncode for process in processes] == [0, 0, 0], errors
    settings = Settings(home=tmp_path / "var")
    assert current_revision(restricted_engine(settings)) == head_revision("restricted")


def test_release_audit_records_are_cut_to_public_counts(any_settings: Settings) -> None:
    """Revision 0003: a release written before it showed sums and maxima of suppressed values."""
    import datetime as dt
    import json

    engine = publisher_engine(any_settings)
    upgrade_zone_to(engine, "published", "0002")
    restricted_figures = {"primary": 1, "secondary": 1, "audited": 2, "suppressed_persons": 9}
    audit = {
        "safe": True,
        "method": "LP-Intervallaudit (HiGHS)",
        "tables": [
            {"year": 2022, "table": "population", "cells": 7, **restricted_figures},
            {"year": 2022, "table": "events", "cells": 4, "largest_suppressed": 8},
        ],
    }
    release = {
        "release_id": "R1",
        "sequence": 1,
        "created_at": dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        "min_count": 3,
        "protection": 0.3,
        "territorial_status": dt.date(2022, 12, 31),
        "years": "[2022]",
        "sources": "{}",
        "attribution": "",
        "audit": json.dumps(audit),
        "note": "",
    }
    cell = {"release_id": "R1", "year": 2022, "sex": "total", "age_to": None, "sources": ""}
    statuses = [("published", 10), ("suppressed", None), ("suppressed", None), ("zero", 0)]
    with engine.begin() as connection:
        connection.execute(schema.releases.insert().values(**release))
        for age, (status, value) in enumerate(statuses):
            connection.execute(
                schema.pub_population.insert().values(
                    **cell,
                    area_key="03901001",
                    age_from=age,
                    nationality="total",
                    status=status,
                    value=value,
                    source="register",
                )
            )
    upgrade_zone(engine, "published")
    with engine.connect() as connection:
        stored = json.loads(connection.execute(schema.releases.select()).one().audit)
    assert stored == {
        "safe": True,
        "method": "LP-Intervallaudit (HiGHS)",
        "tables": [
            {"year": 2022, "table": "population", "cells": 4, "suppressed": 2},
            {"year": 2022, "table": "events", "cells": 0, "suppressed": 0},
        ],
    }
