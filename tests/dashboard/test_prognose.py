"""The Prognose page: callbacks and figure builders as plain functions, one timed recompute."""

from __future__ import annotations

import json
import time

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from dash import Dash

from dashboard.app import PAGES, create_app
from dashboard.figures import load_chart_types
from dashboard.pages import prognose
from dashboard.projection_figures import (
    add_prediction_interval,
    key_groups_figure,
    pyramid_animation,
)
from dashboard.projection_service import (
    KEY_GROUPS,
    Params,
    get_projection_service,
    key_groups_frame,
)
from etl.config import Settings
from etl.projection.outlook import Outlook
from etl.store.engine import publisher_engine
from etl.store.published import write_vintage

STATE = {"release": None, "lang": "de"}
CITY = "04021000"


@pytest.fixture
def prognose_app(settings: Settings, release_id: str) -> Dash:
    return create_app(settings, pages=(*PAGES, prognose))


def _run(app: Dash, areas: list[str], tfr=1.55, e0=3.5, migration=0.0, horizon=20, lang="de"):
    with app.server.test_request_context("/"):
        return prognose.update_projection(
            areas, tfr, e0, migration, horizon, {**STATE, "lang": lang}
        )


def test_page_is_served_and_in_the_navigation(prognose_app: Dash) -> None:
    response = prognose_app.server.test_client().get("/prognose")
    assert response.status_code == 200
    with prognose_app.server.test_request_context("/"):
        page = str(prognose.layout(lang="de"))
    assert "prognose-tfr" in page and "/prognose" in page and "Annahmen" in page


def test_init_controls_default_to_the_largest_municipality(prognose_app: Dash) -> None:
    with prognose_app.server.test_request_context("/"):
        options, chosen = prognose.init_controls(STATE)
        kept = prognose.init_controls({**STATE, "areas": "03901001,03902001"})[1]
    assert chosen == [CITY]
    assert any(o["value"] == "R-verbund" for o in options)
    assert kept == ["03901001", "03902001"]


def test_scenario_edit_changes_the_numbers(prognose_app: Dash) -> None:
    low_fertility = _run(prognose_app, [CITY], tfr=1.2)
    high_fertility = _run(prognose_app, [CITY], tfr=2.0)
    assert low_fertility[0] != high_fertility[0]
    low_groups, high_groups = low_fertility[2], high_fertility[2]
    assert low_groups["data"][4]["y"][-1] < high_groups["data"][4]["y"][-1]  # total, middle, last
    assert "Weserhaven" in low_fertility[0] and "Einwohner 2023" in low_fertility[0]


def test_band_lies_between_low_and_high(prognose_app: Dash) -> None:
    with prognose_app.server.test_request_context("/"):
        service = get_projection_service()
        release = service.service.resolve_release(None)
        projection = service.project(release, (CITY, "03901001"), Params(horizon=25))
    wide = key_groups_frame(projection).pivot_table(
        index=["group", "year"], columns="scenario", values="value"
    )
    assert (wide["low"] <= wide["middle"] + 1e-9).all()
    assert (wide["middle"] <= wide["high"] + 1e-9).all()
    assert (wide.xs("grp_total")["high"] - wide.xs("grp_total")["low"]).iloc[-1] > 0


def test_custom_region_is_the_sum_of_its_parts(prognose_app: Dash) -> None:
    with prognose_app.server.test_request_context("/"):
        service = get_projection_service()
        release = service.service.resolve_release(None)
        parts = [service.project(release, (key,), Params()) for key in (CITY, "03902001")]
        region = service.project(release, (CITY, "03902001"), Params())
    np.testing.assert_allclose(region.population, parts[0].population + parts[1].population)


def test_figures_and_tables_are_accessible(prognose_app: Dash) -> None:
    summary, pyramid, groups, groups_table, households, households_table = _run(
        prognose_app, [CITY], horizon=10
    )
    layout = pyramid["layout"]
    assert len(pyramid["frames"]) == 11 and layout["sliders"][0]["steps"][-1]["label"] == "2033"
    assert layout["separators"] == ",."
    assert "0–2 Jahre (Krippe)" in str(groups["layout"]["annotations"])
    go.Figure(groups), go.Figure(pyramid)  # the figure dicts pass plotly's own checks
    assert "Tabelle" not in summary and "ms" in summary
    assert "Insgesamt 2033" in str(groups_table) and "caption" in str(groups_table).lower()
    assert "2033 mittel" in str(households_table)
    assert households.data[1].error_y.array is not None


def test_english_labels(prognose_app: Dash) -> None:
    summary, _pyramid, groups, *_ = _run(prognose_app, [CITY], lang="en")
    assert "inhabitants in 2023" in summary
    assert "0–2 (day care)" in str(groups["layout"]["annotations"])


def test_no_area_chosen(prognose_app: Dash) -> None:
    summary, *_ = _run(prognose_app, [])
    assert summary == "Bitte mindestens ein Gebiet wählen."


def test_vintage_against_actual(prognose_app: Dash, settings: Settings) -> None:
    with prognose_app.server.test_request_context("/"):
        figure, table = prognose.update_vintages([CITY], STATE)
    # no vintage archived at all: the page says so instead of citing a size rule
    assert figure.layout.annotations[0].text == "Es ist noch kein amtlicher Jahrgang archiviert."
    assert "5.000" not in str(table)
    rows = [
        (s, CITY, y, "total", 0, None, v + d)
        for s, d in (("low", -100), ("middle", 0), ("high", 100))
        for y, v in ((2022, 11000), (2023, 11100), (2024, 11200))
    ]
    frame = pd.DataFrame(
        rows, columns=["scenario", "area_key", "year", "sex", "age_from", "age_to", "value"]
    )
    record = {
        "base_year": 2022,
        "horizon": 2,
        "method": "test",
        "scenarios": {},
        "rounding": 10,
        "min_population": 5000,
        "note": "",
    }
    write_vintage(publisher_engine(settings), record, frame)
    with prognose_app.server.test_request_context("/"):
        figure, table = prognose.update_vintages([CITY], STATE)
    names = [trace.name for trace in figure.data]
    assert "Tatsächlich (veröffentlicht)" in names and "Jahrgang P001-2022 (Basis 2022)" in names
    assert "11.100" in str(table) and "11.000 – 11.200" in str(table)


def test_an_area_missing_from_the_vintages_is_explained_with_their_own_size_rule(
    prognose_app: Dash, settings: Settings
) -> None:
    """A region of 9,000 inhabitants has no vintage when the vintage rule is 10,000 (or its
    rest is small): the text names the archived vintage's minimum, not a fixed 5,000."""
    frame = pd.DataFrame(
        [(s, CITY, 2022, "total", 0, None, 20_000) for s in ("low", "middle", "high")],
        columns=["scenario", "area_key", "year", "sex", "age_from", "age_to", "value"],
    )
    record = {
        "base_year": 2022,
        "horizon": 0,
        "method": "test",
        "scenarios": {},
        "rounding": 10,
        "min_population": 10_000,
        "note": "",
    }
    write_vintage(publisher_engine(settings), record, frame)
    with prognose_app.server.test_request_context("/"):
        figure, table = prognose.update_vintages(["03901"], STATE)
        english, _ = prognose.update_vintages(["03901"], {**STATE, "lang": "en"})
    text = figure.layout.annotations[0].text.replace("<br>", " ")
    assert "mindestens 10.000 Einwohnern" in text and "Rest" in text
    assert "5.000" not in text and text in str(table)
    assert "at least 10,000 inhabitants" in english.layout.annotations[0].text.replace("<br>", " ")


def test_pyramid_animation_is_pure() -> None:
    population = np.ones((3, 2, 101))
    figure = pyramid_animation(population, (2023, 2024, 2025), "en")
    assert [frame["name"] for frame in figure["frames"]] == ["2023", "2024", "2025"]
    assert list(figure["data"][0]["x"])[:1] == [-5.0]  # men left, 5 single years per group
    assert figure["frames"][0]["data"] == figure["data"]  # the first frame is the chart shown
    go.Figure(figure)  # every frame passes plotly's own checks


def test_one_recompute_is_fast(prognose_app: Dash) -> None:
    """Timing of one recompute after an assumption edit (printed, not asserted)."""
    with prognose_app.server.test_request_context("/"):
        service = get_projection_service()
        release = service.service.resolve_release(None)
        inputs = service.inputs(release, (CITY,))
        from dashboard.projection_service import project_inputs

        project_inputs(inputs, Params())
        timings = []
        for tfr in (1.3, 1.5, 1.7, 1.9, 2.1):
            started = time.perf_counter()
            project_inputs(inputs, Params(tfr=tfr, horizon=30))
            timings.append((time.perf_counter() - started) * 1000)
    print(
        f"\nrecompute (1 region, 3 variants, 30 years): median {np.median(timings):.1f} ms, "
        f"max {max(timings):.1f} ms"
    )


def test_summary_states_base_values_and_the_missing_interval(prognose_app: Dash) -> None:
    summary, *_ = _run(prognose_app, [CITY])
    assert "Ausgangswerte des Gebiets (veröffentlichte Registerdaten, Ereignisse 2022–2023)" in (
        summary
    )
    assert "Geburtenziffer setzt den Referenzwert" in summary
    # The tiny release has two years: too few to backtest, and the page says so.
    assert "Kein geprüftes Prognoseintervall" in summary


def test_outlook_text_warns_for_small_areas() -> None:
    outlook = Outlook((2024,), np.array([139.0]), np.array([120.0]), np.array([150.0]), 139.0, 42)
    text = prognose.outlook_text(outlook, "de", 139.0)
    assert "80-%-Prognoseintervall 120 bis 150 (aus 42 Rückrechnungen)" in text
    assert "weniger als 5.000 Einwohner" in text
    # Without a tested interval the warning still comes; large areas get none.
    assert "weniger als 5.000" in prognose.outlook_text(None, "de", 139.0)
    assert "weniger als 5.000" not in prognose.outlook_text(None, "de", 36_000.0)


def test_number_of_areas_per_request_is_capped() -> None:
    keys = [f"0310{i:04d}" for i in range(25)]
    assert prognose.capped_areas(keys) == (tuple(keys[: prognose.MAX_AREAS]), True)
    assert prognose.capped_areas(["a", "b", "a"]) == (("a", "b"), False)
    assert prognose.capped_areas(keys, limit=3) == (tuple(keys[:3]), True)


def test_prediction_interval_is_drawn_in_the_total_panel(prognose_app: Dash) -> None:
    _summary, _pyramid, groups, *_ = _run(prognose_app, [CITY], horizon=5)
    before = len(groups["data"])
    figure = add_prediction_interval(groups, (2024, 2025), np.array([9.0, 8.0]), [11, 12], "de")
    assert len(figure["data"]) == before + 2
    assert figure["data"][-2]["name"] == "80-%-Prognoseintervall (geprüft)"
    assert figure["data"][-1]["y"] == [9.0, 8.0] and figure["data"][-1]["xaxis"] == "x"
    assert go.Figure(figure).data[-1].yaxis == "y"  # the total panel, top left


def test_warm_computes_the_per_release_inputs_once(prognose_app: Dash) -> None:
    with prognose_app.server.test_request_context("/"):
        service = get_projection_service()
        service.warm()  # the tiny release has too few years to calibrate: no outlook, no error
        release = service.service.resolve_release(None)
        assert service.memo.size("events") == 1 and service.memo.size("shape") == 1
        assert service.events(release) is service.events(release)


def test_every_chart_type_is_loaded_by_one_small_figure() -> None:
    figure = json.loads(load_chart_types())
    assert {trace["type"] for trace in figure["data"]} == {"bar", "scatter", "choroplethmap"}
    assert figure["frames"] and figure["layout"]["template"]


def test_key_group_panels_carry_the_projected_numbers(prognose_app: Dash) -> None:
    with prognose_app.server.test_request_context("/"):
        service = get_projection_service()
        release = service.service.resolve_release(None)
        projection = service.project(release, (CITY,), Params(horizon=5))
    groups = key_groups_frame(projection)
    figure = key_groups_figure(groups, "de")
    middle = [trace for trace in figure["data"] if trace.get("name") == "mittel"]
    for panel, key in enumerate(KEY_GROUPS, start=1):
        trace = middle[panel - 1]
        rows = groups[(groups["group"] == key) & (groups["scenario"] == "middle")]
        assert trace["y"] == rows["value"].tolist() and trace["x"] == rows["year"].tolist()
        assert trace["yaxis"] == ("y" if panel == 1 else f"y{panel}")
