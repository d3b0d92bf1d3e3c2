"""The official-only map of Niedersachsen, Bremen and the Werra-Meißner-Kreis in Chromium.

Every Gemeinde polygon must show a value or an explicit status (no white holes); the
screenshot goes to test-artifacts/. Skipped without the real samples or without Chromium.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from dashboard.app import create_app
from etl.cli import main
from etl.config import Settings
from etl.pipeline import publish
from etl.testing_official import build_official_store

pytestmark = [pytest.mark.real_samples, pytest.mark.browser]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
NI_FOLDER = Path(__file__).resolve().parents[3] / "shared" / "real-samples" / "niedersachsen-bremen"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


@pytest.fixture
def base_url(tmp_path: Path) -> Iterator[str]:
    if not NI_FOLDER.is_dir():
        pytest.skip(f"real samples of Niedersachsen/Bremen not present at {NI_FOLDER}")
    if not CHROMIUM.exists():
        if os.environ.get("DEMOGRAFIE_REQUIRE_BROWSER") == "1":  # CI: a missing browser fails
            pytest.fail(f"{CHROMIUM} is not installed but DEMOGRAFIE_REQUIRE_BROWSER=1")
        pytest.skip(f"{CHROMIUM} is not installed")
    settings = Settings(home=tmp_path / "var")
    build_official_store(settings, NI_FOLDER, "vg5000_2021-01-01_ni-hb-wmk.gpkg")
    crosswalk = tmp_path / "crosswalk.csv"
    tables = [str(p) for p in NI_FOLDER.glob("genesis_1*-01-01-5-B_*.csv")]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DEMOGRAFIE_HOME", str(settings.home))
        assert main(["derive-crosswalk", *tables, "--out", str(crosswalk)]) == 0
        assert main(["import-crosswalk", str(crosswalk)]) == 0
    publish(settings)
    server = make_server("127.0.0.1", 0, create_app(settings).server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


COVERAGE = """() => {
    const gd = document.querySelector('#karte-graph .js-plotly-plot');
    const [base, dense, sparse, status] = gd.data;
    const shown = new Set();
    dense.locations.forEach((k, i) => { if (dense.z[i] !== null && dense.z[i] !== undefined)
        shown.add(k); });
    sparse.locations.forEach((k) => shown.add(k));
    status.locations.forEach((k) => shown.add(k));
    const map = gd._fullLayout.map._subplot.map;
    const layers = map.getStyle().layers.map((l) => l.id);
    return {all: dense.locations, shown: Array.from(shown), baseLayer: layers.length};
}"""


def test_the_whole_region_has_no_white_holes(base_url: str) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1100}, locale="de-DE")
        page.goto(f"{base_url}/?level=gemeinde&indicator=population&year=2013")
        page.wait_for_selector("#karte-graph .js-plotly-plot .maplibregl-canvas", timeout=60000)
        page.wait_for_function(
            """() => { const gd = document.querySelector('#karte-graph .js-plotly-plot');
                return gd && gd._fullLayout && gd._fullLayout.map
                    && gd._fullLayout.map._subplot.map.loaded(); }""",
            timeout=60000,
        )
        time.sleep(2)
        coverage = page.evaluate(COVERAGE)
        page.screenshot(path=str(ARTIFACTS / "official-ni-hb-wmk-karte-2013.png"), full_page=True)
        notice = page.inner_text("#karte-graph")
        browser.close()
    assert len(coverage["all"]) == 986
    # The derived crosswalk (renames and the 24 mergers after 2013) leaves no polygon without
    # a value or an explicit status.
    assert len(coverage["all"]) == len(coverage["shown"])
    assert "GeoBasis-DE / BKG" in notice
