"""The data gateway against a real SQLite store built with write_tiny_release."""

from __future__ import annotations

import json

import pytest

from dashboard.services import DashboardService, NotFoundError
from etl.config import Settings
from etl.symbols import PUBLISHED, SUPPRESSED


@pytest.fixture
def service(settings: Settings, release_id: str) -> DashboardService:
    return DashboardService(settings)


def test_release_resolution_and_years(service: DashboardService, release_id: str) -> None:
    assert service.resolve_release(None) == release_id
    assert service.resolve_release(release_id) == release_id
    with pytest.raises(NotFoundError, match="gibt es nicht"):
        service.resolve_release("R9999-20000101")
    assert service.years(release_id) == [2022, 2023]
    assert service.levels(release_id) == ["land", "kreis", "gemeinde", "ortsteil"]


def test_geojson_has_feature_ids_and_is_cached(service: DashboardService, release_id: str) -> None:
    collection = json.loads(service.geojson(release_id, "gemeinde"))
    assert [f["id"] for f in collection["features"]] == sorted(
        ["04021000", "03901001", "03901002", "03901003", "03902001"]
    )
    assert service.geojson(release_id, "gemeinde") is service.geojson(release_id, "gemeinde")
    with pytest.raises(NotFoundError, match="grid1km"):
        service.geojson(release_id, "grid1km")


def test_map_values_in_map_order(service: DashboardService, release_id: str) -> None:
    values = service.map_values(release_id, "land", "population", 2023)
    assert values["area_key"].tolist() == ["03", "04"]
    municipalities = service.map_values(release_id, "gemeinde", "population", 2023)
    # Land 03 equals its municipalities (consistent tiny release)
    assert (
        values.loc[0, "value"]
        == municipalities[municipalities.area_key.str.startswith("03")]["value"].sum()
    )
    assert set(values["status"]) == {PUBLISHED}
    with pytest.raises(NotFoundError, match="Kennzahl"):
        service.map_values(release_id, "land", "unknown", 2023)


def test_region_across_land_border_is_exact_when_parts_are_published(
    service: DashboardService, release_id: str
) -> None:
    members = ["04021000", "03901001", "03902001"]
    own = service.region_figures(release_id, members, 2023).set_index("measure")
    published = service.map_values(release_id, "gemeinde", "population", 2023).set_index("area_key")
    assert own.loc["population", "value"] == published.loc[members, "value"].sum()
    # the published region R-verbund has exactly these members
    region = service.area_indicators(release_id, ["R-verbund"], 2023)
    assert (
        region[region.indicator == "population"]["value"].iloc[0] == own.loc["population", "value"]
    )


def test_region_with_suppressed_cells_gives_bounds(
    service: DashboardService, release_id: str
) -> None:
    cells = service.population_year(release_id, 2023)
    hidden = cells[(cells.status == SUPPRESSED) & (cells.area_key.str.len() == 8)].iloc[0]
    frame = service.region_figures(release_id, [hidden.area_key], 2023)
    assert set(frame["status"]) <= {PUBLISHED, SUPPRESSED, "zero", "na"}


def test_profile_context(service: DashboardService, release_id: str) -> None:
    assert service.context_keys(release_id, "03901001") == ["03901001", "03901", "03", "R-verbund"]
    assert service.context_keys(release_id, "04021000-001")[:3] == [
        "04021000-001",
        "04021000",
        "04",
    ]
    profile = service.profile(release_id, "03901001")
    assert (profile.area_key, profile.level) == ("03901001", "gemeinde")
    assert profile.keys == ("03901001", "03901", "03", "R-verbund")
    assert len(profile.names) == 4 and profile.parent == ("03901", profile.names[1])
    assert set(profile.population["area_key"]) <= set(profile.keys)
    assert not profile.official.empty
    with pytest.raises(NotFoundError):
        service.profile(release_id, "99999999")
