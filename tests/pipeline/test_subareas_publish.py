"""Publishing leaves Ortsteile below the minimum population out; their people stay counted."""

from __future__ import annotations

import dataclasses

from etl.config import Settings
from etl.pipeline import publish
from etl.store.engine import reader_engine
from etl.store.published import read_release_table
from etl.testing import tiny_restricted_store


def city_total(settings: Settings, release_id: str) -> tuple[int, set[str]]:
    reader = reader_engine(settings)
    population = read_release_table(reader, "population", release_id)
    total = population[
        (population["area_key"] == "04021000")
        & (population["sex"] == "total")
        & (population["age_from"] == 0)
        & population["age_to"].isna()
        & (population["nationality"] == "total")
    ]
    areas = read_release_table(reader, "areas", release_id)
    return int(total["value"].iloc[0]), set(areas.loc[areas["level"] == "ortsteil", "area_key"])


def test_ortsteile_below_the_minimum_are_not_published_on_their_own(settings: Settings) -> None:
    tiny_restricted_store(settings, years=(2023,))
    normal = publish(settings)
    total, ortsteile = city_total(settings, normal.release_id)
    assert ortsteile == {"04021000-001", "04021000-002", "04021000-003"}
    strict = dataclasses.replace(settings, min_subarea_population=100_000)
    folded = publish(strict)
    folded_total, folded_ortsteile = city_total(strict, folded.release_id)
    assert folded_ortsteile == set()
    assert folded_total == total  # the people still count in the Gemeinde
