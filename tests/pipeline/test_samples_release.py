"""A release built from the committed samples passes the audit with nothing unsafe."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.cli import main as etl_main
from etl.commands.demo import SAMPLES
from etl.config import Settings
from etl.pipeline import publish
from etl.store.engine import reader_engine
from etl.store.published import read_release_table, release_info
from etl.symbols import PUBLISHED, SUPPRESSED
from etl.testing import assert_protected, sample_store_steps

YEARS = ("2022-12-31", "2023-12-31")


@pytest.fixture(scope="module")
def sample_release(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, str]:
    home = tmp_path_factory.mktemp("samples") / "var"
    settings = Settings(home=home)
    environment = {"DEMOGRAFIE_HOME": str(home)}
    steps = sample_store_steps(SAMPLES, YEARS)
    with pytest.MonkeyPatch.context() as patch:
        for name, value in environment.items():
            patch.setenv(name, value)
        for step in steps:
            assert etl_main(step) == 0, step
    report = publish(settings)
    return settings, report.release_id


def test_sample_release_is_protected_and_audited(sample_release: tuple[Settings, str]) -> None:
    settings, release_id = sample_release
    reader = reader_engine(settings)
    info = release_info(reader, release_id)
    # The sample's GENESIS table adds the official years before the first upload.
    assert info["audit"]["safe"] and info["years"] == [2019, 2020, 2021, 2022, 2023]
    population = read_release_table(reader, "population", release_id)
    register = population[population["source"] == "register"]
    # The public record holds only what a visitor can count (tests/attacks/test_release_record)
    record = {(e["table"], e["year"]): e for e in info["audit"]["tables"]}
    assert set(record[("population", 2023)]) == {"year", "table", "cells", "suppressed"}
    shown = register[register["year"] == 2023]
    assert record[("population", 2023)]["cells"] == len(shown)
    assert record[("population", 2023)]["suppressed"] == (shown["status"] == "suppressed").sum()
    assert sorted(register["year"].unique()) == [2022, 2023]
    assert set(population.loc[population["year"] < 2022, "source"]) == {"official"}
    for name in ("population", "households", "events"):
        assert_protected(read_release_table(reader, name, release_id), settings.min_count)
    # villages under 300 inhabitants exist, so there is something to protect
    assert (population["status"] == SUPPRESSED).any()
    levels = read_release_table(reader, "areas", release_id)["level"].value_counts()
    assert {"land", "kreis", "gemeinde", "ortsteil", "region", "grid1km"} <= set(levels.index)
    land_totals = population[
        (population["area_key"].isin(["03", "04"]))
        & (population["sex"] == "total")
        & (population["age_from"] == 0)
        & population["age_to"].isna()
        & (population["nationality"] == "total")
    ]
    assert (land_totals["status"] == PUBLISHED).all()


def test_official_statistics_travel_with_the_release(sample_release: tuple[Settings, str]) -> None:
    settings, release_id = sample_release
    official = read_release_table(reader_engine(settings), "official", release_id)
    assert set(official["table_code"]) == {"12411-01-01-5-B"}
    assert official["area_key"].str.len().eq(8).all()
    assert Path(SAMPLES).is_dir()
