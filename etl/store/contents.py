"""Every row of a zone, for checking that a refused operation changed nothing (tests, support)."""

from __future__ import annotations

from sqlalchemy import Engine, MetaData, inspect, select

from etl.store.engine import _schema_name


def zone_contents(engine: Engine, metadata: MetaData) -> dict[str, list[tuple]]:
    """All rows of every existing table of a zone, sorted; absent tables are left out."""
    existing = set(inspect(engine).get_table_names(schema=_schema_name(engine)))
    contents = {}
    with engine.connect() as connection:
        for name, table in metadata.tables.items():
            if name in existing:
                rows = connection.execute(select(table)).all()
                contents[name] = sorted(tuple(map(str, row)) for row in rows)
    return contents
