"""The sub-area key registry (restricted zone): which Ortsteil keys a municipality may upload.

The statistician maintains it (`python -m etl import-subareas`, portal page "Ortsteile"). An
import replaces the registered Ortsteile of every municipality named in the file, together
with their `areas` rows (level `ortsteil`, so the names the release shows), in one transaction.
"""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd
from sqlalchemy import Engine, delete, insert, select

from etl.store import schema
from etl.store.restricted import log_event, now

REGISTRY_COLUMNS = ("area_key", "municipality", "name")


def replace_subareas(engine: Engine, frame: pd.DataFrame, *, source: str, actor: str) -> None:
    """Register the Ortsteile of `frame` (area_key, municipality, name), replacing those of
    the same municipalities; their `areas` rows (level ortsteil) are replaced too."""
    municipalities = sorted(frame["municipality"].unique())
    registered_at = now()
    registry_rows = [
        {**row, "source": source, "registered_at": registered_at, "registered_by": actor}
        for row in frame[list(REGISTRY_COLUMNS)].to_dict("records")
    ]
    area_rows = [
        {
            "area_key": row["area_key"],
            "level": "ortsteil",
            "name": row["name"],
            "parent_key": row["municipality"],
            "valid_from": None,
            "valid_to": None,
        }
        for row in registry_rows
    ]
    with engine.begin() as connection:
        connection.execute(
            delete(schema.subareas).where(schema.subareas.c.municipality.in_(municipalities))
        )
        connection.execute(
            delete(schema.areas).where(
                schema.areas.c.level == "ortsteil",
                schema.areas.c.parent_key.in_(municipalities),
            )
        )
        if registry_rows:
            connection.execute(insert(schema.subareas), registry_rows)
            connection.execute(insert(schema.areas), area_rows)
        log_event(
            connection,
            actor,
            "import-subareas",
            {"source": source, "municipalities": municipalities, "rows": len(registry_rows)},
        )


def read_subareas(engine: Engine, municipality: str | None = None) -> pd.DataFrame:
    """Registered Ortsteile (all, or of one municipality), ordered by key."""
    query = select(schema.subareas).order_by(schema.subareas.c.area_key)
    if municipality is not None:
        query = query.where(schema.subareas.c.municipality == municipality)
    with engine.connect() as connection:
        return pd.read_sql(query, connection, dtype={"area_key": "str", "municipality": "str"})


def municipality_boundary(engine: Engine, municipality: str) -> str | None:
    """The imported Gemeinde boundary (hex WKB, EPSG:25832), or None when none is imported."""
    query = select(schema.boundaries.c.geometry_wkb).where(
        schema.boundaries.c.area_key == municipality, schema.boundaries.c.level == "gemeinde"
    )
    with engine.connect() as connection:
        return connection.execute(query).scalar_one_or_none()


def municipality_boundaries(engine: Engine, municipalities: Collection[str]) -> dict[str, str]:
    """The imported Gemeinde boundaries (hex WKB, EPSG:25832) of `municipalities` that have one."""
    query = select(schema.boundaries.c.area_key, schema.boundaries.c.geometry_wkb).where(
        schema.boundaries.c.area_key.in_(sorted(municipalities)),
        schema.boundaries.c.level == "gemeinde",
    )
    with engine.connect() as connection:
        return {row.area_key: row.geometry_wkb for row in connection.execute(query)}
