"""The public-side audit gates publishing: an unsafe release is never written or made live."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import Connection

from etl.config import Settings
from etl.errors import DisclosureError
from etl.pipeline import publish, read_restricted
from etl.public_audit import verify_release
from etl.store.published import (
    list_releases,
    live_release_id,
    read_release_table,
    release_info,
    write_release,
)
from etl.store.schema import RELEASE_TABLES
from etl.symbols import PUBLISHED, SUPPRESSED
from etl.testing import migrated_stores, tiny_restricted_store
from etl.transform import attacker_model as attacker
from etl.transform.year_protection import year_problems

YEAR = 2023


def _truth(settings: Settings) -> dict[int, dict[str, pd.Series]]:
    restricted = migrated_stores(settings).restricted
    data = read_restricted(restricted)
    built = year_problems(data.years[0], data.expected, data.regions)
    return {YEAR: {n: p.rows.set_index("cell")["value"] for n, p in built.problems.items()}}


def _release_copy(settings: Settings, release_id: str) -> tuple[dict, dict[str, pd.DataFrame]]:
    publisher = migrated_stores(settings).publisher
    info = release_info(publisher, release_id)
    record = {k: info[k] for k in ("min_count", "protection", "territorial_status", "years")}
    record |= {k: info[k] for k in ("sources", "attribution", "note", "audit")}
    tables = {name: read_release_table(publisher, name, release_id) for name in RELEASE_TABLES}
    return record, tables


def _publish_secondaries(table: str, rows: pd.DataFrame, truth: pd.Series) -> pd.DataFrame:
    """Show every suppressed cell of k or more: the store's own check lets that through."""
    values = truth.reindex(attacker.cell_ids(table, rows)).to_numpy()
    shown = (rows["status"] == SUPPRESSED).to_numpy() & (values >= 3)
    rows = rows.copy()
    rows.loc[shown, "status"] = PUBLISHED
    rows.loc[shown, "value"] = values[shown]
    return rows


def test_an_unsafe_release_is_refused_and_never_readable(any_settings: Settings) -> None:
    tiny_restricted_store(any_settings, years=(YEAR,))
    first = publish(any_settings).release_id
    truth = _truth(any_settings)
    record, tables = _release_copy(any_settings, first)
    for name in attacker.CELL_TABLES:
        tables[name] = _publish_secondaries(name, tables[name], truth[YEAR][name])

    def verify(connection: Connection, release_id: str) -> None:
        verify_release(connection, release_id, truth, min_count=3, protection=0.3)

    publisher = migrated_stores(any_settings).publisher
    with pytest.raises(DisclosureError, match="Öffentliches Audit 2023"):
        write_release(publisher, record, tables, verify=verify)
    assert list_releases(publisher)["release_id"].tolist() == [first]
    assert live_release_id(publisher) == first


def test_the_check_reads_the_new_release_before_it_goes_live(settings: Settings) -> None:
    tiny_restricted_store(settings, years=(YEAR,))
    first = publish(settings).release_id
    record, tables = _release_copy(settings, first)
    seen: dict[str, object] = {}

    def verify(connection: Connection, release_id: str) -> None:
        seen["rows"] = len(read_release_table(connection, "population", release_id))
        seen["live"] = live_release_id(connection)

    publisher = migrated_stores(settings).publisher
    second = write_release(publisher, record, tables, verify=verify)
    assert seen == {"rows": len(tables["population"]), "live": first}
    assert live_release_id(publisher) == second
