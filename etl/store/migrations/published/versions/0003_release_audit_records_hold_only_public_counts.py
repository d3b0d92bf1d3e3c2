"""release audit records hold only counts a visitor can make

Releases written before this revision stored, per table and year, the sum and the largest
of the true values behind the suppressed cells and the primary/secondary split; the Methodik
page showed them, and they make suppressed cells exact. Each record is cut to year, table,
the register cells shown and how many of them are suppressed (counted from the release).
The figures cut away are not restored by a downgrade.
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

CELL_TABLES = ("population", "households", "events")


def _counts(connection: sa.Connection, release_id: str) -> dict[tuple[str, int], tuple[int, int]]:
    """(table, year) -> (register cells shown, of them suppressed) of one release."""
    counts = {}
    for table in CELL_TABLES:
        rows = connection.execute(
            sa.text(
                f"SELECT year, COUNT(*), SUM(CASE WHEN status = 'suppressed' THEN 1 ELSE 0 END) "
                f"FROM {table} WHERE release_id = :release AND source = 'register' GROUP BY year"
            ),
            {"release": release_id},
        )
        for year, cells, suppressed in rows:
            counts[(table, int(year))] = (int(cells), int(suppressed or 0))
    return counts


def upgrade() -> None:
    connection = op.get_bind()
    releases = connection.execute(sa.text("SELECT release_id, audit FROM releases")).all()
    for release_id, text in releases:
        audit = json.loads(text)
        counts = _counts(connection, release_id)
        tables = []
        for entry in audit.get("tables", []):
            cells, suppressed = counts.get((entry.get("table"), int(entry.get("year", 0))), (0, 0))
            tables.append(
                {
                    "year": entry.get("year"),
                    "table": entry.get("table"),
                    "cells": cells,
                    "suppressed": suppressed,
                }
            )
        cut = {k: audit[k] for k in ("safe", "method") if k in audit}
        connection.execute(
            sa.text("UPDATE releases SET audit = :audit WHERE release_id = :release"),
            {"audit": json.dumps({**cut, "tables": tables}), "release": release_id},
        )


def downgrade() -> None:
    pass  # the restricted figures are gone for good, as they should be
