"""End-to-end: Debian's Chromium through Playwright against the app on a free port.

Skipped when /usr/bin/chromium (or axe-core for the accessibility check) is absent, unless
DEMOGRAFIE_REQUIRE_BROWSER=1 (CI), where that is a failure. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from dashboard import exports
from dashboard.app import create_app
from etl.config import Settings

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
REPO = Path(__file__).resolve().parents[2]
AXE = REPO / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = REPO / "test-artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def _require(condition: bool, reason: str) -> None:
    if condition:
        return
    if os.environ.get("DEMOGRAFIE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} but DEMOGRAFIE_REQUIRE_BROWSER=1")
    pytest.skip(reason)


@pytest.fixture
def base_url(settings: Settings, release_id: str) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, create_app(settings).server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def page(base_url: str):
    _require(CHROMIUM.exists(), f"{CHROMIUM} is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(
            viewport={"width": 1440, "height": 1000}, accept_downloads=True, locale="de-DE"
        )
        page = context.new_page()
        page.outside = []
        page.on(
            "request",
            lambda r: (
                page.outside.append(r.url)
                if r.url.startswith(("http:", "https:")) and not r.url.startswith(base_url)
                else None
            ),
        )
        yield page
        browser.close()


def _wait_map(page, selector: str = "#karte-graph") -> None:
    page.wait_for_selector(f"{selector} .js-plotly-plot .maplibregl-canvas", timeout=20000)
    page.wait_for_function(
        f"""() => {{ const gd = document.querySelector('{selector} .js-plotly-plot');
            return gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot
                && gd._fullLayout.map._subplot.map.loaded(); }}""",
        timeout=20000,
    )
    time.sleep(0.5)


def _choose(page, dropdown_id: str, option: str) -> None:
    page.click(f"#{dropdown_id}")
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")


def _click_area(page, selector: str, lon: float, lat: float) -> None:
    x, y = page.evaluate(
        f"""() => {{ const gd = document.querySelector('{selector} .js-plotly-plot');
            const map = gd._fullLayout.map._subplot.map, p = map.project([{lon}, {lat}]);
            const r = map.getCanvas().getBoundingClientRect();
            return [p.x + r.left, p.y + r.top]; }}"""
    )
    page.mouse.move(x, y)
    time.sleep(0.4)
    page.mouse.down()
    time.sleep(0.1)
    page.mouse.up()


def _shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_map_profile_region_download(page, base_url: str, release_id: str) -> None:
    page.goto(base_url + "/")
    _wait_map(page)
    assert page.evaluate("document.documentElement.lang") == "de"
    assert "Bevölkerung, 2023, Gemeinde" in page.inner_text("#karte-summary")
    _shot(page, "01-karte")

    _choose(page, "karte-indicator", "Anteil unter 18 Jahren (%)")
    page.wait_for_function(
        "document.querySelector('#karte-summary').innerText.startsWith('Anteil unter 18')"
    )
    page.focus("#karte-year [role=slider]")
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("document.querySelector('#karte-summary').innerText.includes('2022')")
    assert "indicator=share_u18" in page.url and "year=2022" in page.url
    assert f"release={release_id}" in page.url  # permalink holds the release
    _shot(page, "02-karte-anteil-u18-2022")

    _click_area(page, "#karte-graph", 8.65, 53.05)  # Altdorf
    page.wait_for_url("**/gebiet?area=03901001*", timeout=15000)
    page.wait_for_selector("#gebiet-title:has-text('Altdorf')", timeout=15000)
    page.wait_for_selector("#gebiet-pyramid .js-plotly-plot")
    assert "Hauptwohnung" in page.inner_text("#gebiet-official")
    _shot(page, "03-gebiet-altdorf")

    page.goto(f"{base_url}/regionen?release={release_id}")
    _wait_map(page, "#regionen-map")
    _click_area(page, "#regionen-map", 8.55, 53.15)  # Weserhaven (Land 04)
    page.wait_for_selector("#region-table")
    _click_area(page, "#regionen-map", 8.75, 53.05)  # Deichhausen (Land 03)
    page.wait_for_function(
        "document.querySelector('#region-table') && "
        "document.querySelector('#regionen-map .js-plotly-plot')"
        ".data[0].z.filter(v => v === 1).length === 2"
    )
    table = page.inner_text("#region-table")
    assert "Bevölkerung" in table and "members=04021000%2C03902001" in page.url.replace(",", "%2C")
    _shot(page, "04-regionen")

    page.goto(f"{base_url}/daten?release={release_id}&indicator=share_u18&year=2023")
    page.wait_for_selector("#daten-preview table")
    with page.expect_download() as download:
        page.get_by_role("button", name="CSV für Excel (deutsch)").click()
    content = Path(download.value.path()).read_bytes()
    frame = exports.read_csv(content, excel_de=True)
    assert content.startswith("\ufeff".encode()) and f"# Veröffentlichung: {release_id}" in (
        content.decode("utf-8-sig")
    )
    assert set(frame["indicator"]) == {"share_u18"} and len(frame) == 5
    _shot(page, "05-daten")
    assert page.outside == [], f"requests left the machine: {page.outside}"


def test_projection_assumption_edit_recomputes(page, base_url: str) -> None:
    """A planner raises the fertility assumption and sees the projection change at once."""
    page.goto(base_url + "/prognose?areas=04021000")
    page.wait_for_function(
        "() => (document.querySelector('#prognose-summary') || {innerText: ''}).innerText"
        ".includes('mittlere Variante')",
        timeout=60000,
    )
    before = page.inner_text("#prognose-summary")
    box = page.locator("#prognose-tfr input[type=number]")
    box.fill("2.1")
    box.press("Tab")  # the number box commits on blur
    page.wait_for_function(
        "(old) => document.querySelector('#prognose-summary').innerText !== old",
        arg=before,
        timeout=30000,
    )
    after = page.inner_text("#prognose-summary")

    def middle_2043(text: str) -> int:
        return int(text.split("mittlere Variante ")[1].split(" ")[0].replace(".", ""))

    assert middle_2043(after) > middle_2043(before)  # more births, more people
    _shot(page, "06-prognose-tfr")
    assert page.outside == [], f"requests left the machine: {page.outside}"


PAGES = [
    "/",
    "/gebiet?area=04021000",
    "/vergleich",
    "/regionen?members=04021000,03901001",
    "/daten",
    "/prognose?areas=04021000",
    "/methodik",
    "/?lang=en",
]


@pytest.mark.parametrize("path", PAGES)
def test_accessibility_axe(page, base_url: str, path: str) -> None:
    _require(AXE.exists(), f"axe-core missing at {AXE} (npm install --prefix .ci/node axe-core@4)")
    page.goto(base_url + path)
    page.wait_for_selector("main h1")
    page.wait_for_load_state("networkidle")
    time.sleep(1.0)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => await axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
    serious = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    name = "axe" + path.replace("/", "-").replace("?", "-").replace("&", "-").replace("=", "-")
    _shot(page, name[:60])
    assert serious == [], serious


def test_language_switch_covers_the_former_page_dictionary(page, base_url: str) -> None:
    """The EN link translates the shell and the Prognose page (one translator, one catalog)."""
    page.goto(base_url + "/prognose?areas=04021000")
    page.wait_for_selector("main h1")
    assert "Annahmen (mittlere Variante)" in page.inner_text("main")
    page.click("a.lang-switch")
    page.wait_for_url("**lang=en**")
    page.get_by_text("Assumptions (middle variant)").wait_for(timeout=30_000)
    assert page.get_by_role("link", name="Map").is_visible()
    assert "Demography dashboard" in page.inner_text("header")
    _shot(page, "language-en-prognose")
