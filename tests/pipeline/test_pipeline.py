"""End to end: restricted extracts -> protected, audited, atomic release (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pandas as pd
import pytest
from sqlalchemy import delete

from etl.config import Settings
from etl.errors import StoreError
from etl.pipeline import publish
from etl.store import restricted as store
from etl.store import schema
from etl.store.engine import reader_engine
from etl.store.published import live_release_id, read_release_table, release_info
from etl.symbols import NOT_AVAILABLE, SUPPRESSED
from etl.testing import assert_protected, migrated_stores, tiny_restricted_store


def test_publish_protects_audits_and_serves(any_settings: Settings) -> None:
    tiny_restricted_store(any_settings)
    report = publish(any_settings)
    reader = reader_engine(any_settings)
    assert live_release_id(reader) == report.release_id
    assert report.years == [2022, 2023]
    population = read_release_table(reader, "population", report.release_id)
    for name in ("population", "households", "events"):
        assert_protected(read_release_table(reader, name, report.release_id), 3)
    assert (population["status"] == SUPPRESSED).any()
    assert sum(t["secondary"] for t in report.tables) > 0
    info = release_info(reader, report.release_id)
    assert info["min_count"] == 3 and info["audit"]["safe"]
    assert set(info["sources"]["uploads"]["2023"]) == {
        "04021000",
        "03901001",
        "03901002",
        "03901003",
        "03902001",
    }
    village = population[(population["area_key"] == "03901001") & (population["year"] == 2023)]
    assert village["sources"].str.startswith("03901001-20231231").all()
    assert (village["reference_date"].astype(str) == "2023-12-31").all()
    areas = read_release_table(reader, "areas", report.release_id).set_index("area_key")
    if "04021000-000" in areas.index:
        assert areas.loc["04021000-000", "name"].endswith("ohne Ortsteilzuordnung")
    assert areas.loc["R-verbund", "level"] == "region"
    assert areas.loc["04", "name"] == "Bremen"


def test_release_passes_an_independent_audit_of_the_published_statuses(settings: Settings) -> None:
    """Rebuild the relations from what the store serves and audit them against the truth."""
    from etl.pipeline import read_restricted
    from etl.public_audit import audit_union, public_year
    from etl.transform.year_protection import year_problems

    tiny_restricted_store(settings, years=(2023,))
    report = publish(settings)
    restricted = migrated_stores(settings).restricted
    data = read_restricted(restricted)
    built = year_problems(data.years[0], data.expected, data.regions)
    truth = {
        name: problem.rows.set_index("cell")["value"] for name, problem in built.problems.items()
    }
    view, _ = public_year(reader_engine(settings), report.release_id, 2023)
    verdict = audit_union([view], truth, 2023, min_count=3, protection=0.3)
    assert verdict.cells > 0 and verdict.relations > 0
    assert verdict.problems == []


def test_missing_municipality_makes_its_totals_not_available(settings: Settings) -> None:
    tiny_restricted_store(settings, years=(2023,))
    restricted = migrated_stores(settings).restricted
    areas = store.read_table(restricted, "areas")
    extra = pd.DataFrame(
        {
            "area_key": ["03901004"],
            "level": ["gemeinde"],
            "name": ["Neudorf"],
            "parent_key": ["03901"],
        }
    )
    store.replace_table(restricted, "areas", pd.concat([areas, extra]), actor="t", detail={})
    report = publish(settings)
    population = read_release_table(reader_engine(settings), "population", report.release_id)
    kreis = population[population["area_key"] == "03901"]
    assert (kreis["status"] == NOT_AVAILABLE).all() and kreis["value"].isna().all()
    land = population[population["area_key"] == "03"]
    assert (land["status"] == NOT_AVAILABLE).all()


def test_publish_without_uploads_says_what_to_do(settings: Settings) -> None:
    with pytest.raises(StoreError, match="import-extract"):
        publish(settings)


def test_failed_publish_keeps_previous_release(settings: Settings) -> None:
    tiny_restricted_store(settings, years=(2023,))
    first = publish(settings).release_id
    restricted = migrated_stores(settings).restricted
    with restricted.begin() as connection:  # make the city's Ortsteile exceed the city
        connection.execute(
            delete(schema.population_counts).where(
                schema.population_counts.c.area_level == "gemeinde",
                schema.population_counts.c.area_key == "04021000",
                schema.population_counts.c.age < 50,
            )
        )
    with pytest.raises(Exception, match="Ortsteile von 04021000"):
        publish(settings)
    assert live_release_id(reader_engine(settings)) == first


def test_publish_command(settings: Settings) -> None:
    tiny_restricted_store(settings, years=(2023,))
    env = {**os.environ, "DEMOGRAFIE_HOME": str(settings.home)}
    done = subprocess.run(
        [sys.executable, "-m", "etl", "publish", "--note", "Test"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "Veröffentlichung R0001" in done.stdout and "sicher" in done.stdout
    status = subprocess.run(
        [sys.executable, "-m", "etl", "status"], env=env, capture_output=True, text=True, timeout=60
    )
    assert "* R0001" in status.stdout and "5 aktiv" in status.stdout
    assert dt.date.today().isoformat()[:4] in status.stdout
