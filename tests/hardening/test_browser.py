"""End to end in Chromium: an uploader uploads, a statistician reviews and publishes.

Screenshots go to test-artifacts/ (gitignored).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from etl.testing import tiny_bundle
from etl.uploads.testing import extract_zip
from portal.app import create_app
from portal.testing import PASSWORD

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture
def browser():
    if not Path(CHROMIUM).exists() or importlib.util.find_spec("playwright") is None:
        reason = f"Chromium not found at {CHROMIUM} (apt-get install chromium) or no playwright"
        if os.environ.get("DEMOGRAFIE_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def add_boundaries(settings) -> None:
    """Tiny boundaries in the restricted zone, so the release has a map."""
    import json

    from shapely.geometry import shape

    from etl.store.engine import restricted_engine
    from etl.store.restricted import replace_table
    from etl.testing import tiny_areas, tiny_boundaries

    frame = tiny_boundaries().merge(
        tiny_areas()[["area_key", "name"]], on="area_key", validate="1:1"
    )
    frame["geometry_wkb"] = [shape(json.loads(g)).wkb_hex for g in frame["web_geojson"]]
    frame = frame.assign(bez="", source="Testgeometrien")
    replace_table(restricted_engine(settings), "boundaries", frame, actor="test", detail={})


@pytest.fixture
def portal_url(settings, world) -> Iterator[str]:
    add_boundaries(settings)
    url, running = serve(create_app(settings).server)
    yield url
    running.shutdown()


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"portal-{name}.png"), full_page=True)


def log_in(page, base: str, username: str) -> None:
    page.goto(base + "/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_selector("header.top")


def test_upload_review_publish(browser, settings, portal_url, tmp_path, tmp_path_factory):
    valid = tmp_path / "auszug-altdorf.zip"
    valid.write_bytes(
        extract_zip(tiny_bundle("03901001", dt.date(2024, 12, 31), scale=30), tmp_path / "auszug")
    )
    invalid = tmp_path / "melderegister.csv"
    invalid.write_text("person_id;vorname;geburtsdatum\n1;Anna;1980-01-01\n", encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="de-DE")
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )

    log_in(page, portal_url, "altdorf")
    shoot(page, "0-home")
    page.get_by_role("link", name="Hochladen").first.click()
    with page.expect_file_chooser() as chooser:  # keyboard only: focus the button, Enter
        page.get_by_role("button", name="Datei auswählen …").focus()
        page.keyboard.press("Enter")
    chooser.value.set_files(str(valid))
    page.wait_for_selector("#report-ok", timeout=60_000)
    shoot(page, "1-upload-valid")
    page.get_by_role("button", name="Übernehmen").click()
    page.get_by_text("Übernommen.").wait_for(timeout=60_000)
    page.set_input_files("#upload-files input[type=file]", str(invalid))
    page.wait_for_selector("#report-refused", timeout=60_000)
    assert "personenbezogen" in page.inner_text("#report-refused")
    shoot(page, "2-upload-refused")
    page.get_by_role("link", name="Meldungen").first.click()
    page.get_by_role("cell", name="wartet auf Prüfung").wait_for()
    shoot(page, "3-submissions")
    page.get_by_role("button", name="Abmelden").click()

    log_in(page, portal_url, "statistik")
    page.get_by_role("link", name="Prüfung und Freigabe").first.click()
    page.get_by_role("button", name=re.compile("annehmen$")).first.click()
    page.get_by_text("Keine Einträge.").wait_for(timeout=30_000)
    page.get_by_label("Vermerk zur Veröffentlichung").fill("Browsertest")
    page.get_by_role("button", name="Veröffentlichung erstellen").click()
    page.wait_for_selector("text=/(Veröffentlicht: R\\d{4}|Nicht veröffentlicht)/", timeout=180_000)
    shoot(page, "4-published")
    assert violations == []
    release = re.search(r"Veröffentlicht: (R\d{4}-\d{8})", page.content()).group(1)
    assert release in page.inner_text("#live-release")
    page.goto(portal_url + "/")
    assert release in page.inner_text("#home-live")
    page.get_by_role("button", name="Abmelden").click()
    log_in(page, portal_url, "altdorf")  # the uploader sees that the data are live
    page.get_by_role("link", name="Meldungen").first.click()
    page.get_by_role("cell", name=f"veröffentlicht in {release} (live)").first.wait_for()
    shoot(page, "6-submissions-live")
    check_dashboard(browser, settings, release)


def test_portal_language_switch(browser, portal_url):
    """German by default; the header link switches to English and navigation keeps it."""
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="de-DE")
    log_in(page, portal_url, "statistik")
    assert page.get_by_role("button", name="Abmelden").is_visible()
    page.get_by_role("link", name="English").click()
    page.get_by_role("button", name="Log out").wait_for()
    assert "Your tasks" in page.inner_text("main")
    page.get_by_role("link", name="Audit log").first.click()
    page.wait_for_url(re.compile(r"/protokoll\?lang=en$"))
    page.get_by_role("link", name="Audit log (current page)").wait_for()
    shoot(page, "language-en")
    page.get_by_role("link", name="Deutsch").click()
    page.get_by_role("button", name="Abmelden").wait_for()
    page.close()


ONE_LINE_HEIGHT = """button => {
    const probe = button.cloneNode(false);
    probe.textContent = "X";
    button.after(probe);
    const height = probe.getBoundingClientRect().height;
    probe.remove();
    return height;
}"""


def test_english_log_out_button_stays_on_one_line_at_1280(browser, portal_url):
    """The statistician's header (the most links) in English: "Log out" is one line high
    and stays in the header's first row (before the fix the wrapping header pushed it onto a
    line of its own)."""
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="en-GB")
    log_in(page, portal_url, "statistik")
    page.goto(portal_url + "/?lang=en")
    logout = page.get_by_role("button", name="Log out")
    logout.wait_for()
    assert page.evaluate("document.documentElement.lang") == "en"
    one_line = logout.evaluate(ONE_LINE_HEIGHT)
    box, brand = logout.bounding_box(), page.locator("header.top .brand").bounding_box()
    assert box["height"] == pytest.approx(one_line, abs=0.5)
    # and the header did not wrap it onto a line of its own: it shares the brand's row
    assert box["y"] + box["height"] / 2 == pytest.approx(brand["y"] + brand["height"] / 2, abs=2)
    shoot(page, "header-en-1280")
    page.close()


def serve(server) -> tuple[str, object]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    running = make_server("127.0.0.1", port, server, threaded=True)
    threading.Thread(target=running.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{port}", running


def check_dashboard(browser, settings, release: str) -> None:
    """The dashboard's map page, secured by websecurity, shows the new live release."""
    from dashboard.app import create_app as create_dashboard
    from dashboard.security import security_setup

    app = create_dashboard(settings, extra_setup=security_setup())
    url, running = serve(app.server)
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="de-DE")
        violations: list[str] = []
        page.on(
            "console",
            lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.goto(url + "/")
        try:
            page.get_by_text(release).first.wait_for(timeout=60_000)
            page.wait_for_selector(".js-plotly-plot", timeout=60_000)
            page.wait_for_timeout(2000)  # let the map draw (and any CSP report arrive)
        finally:
            shoot(page, "5-dashboard-map")
        shoot(page, "5-dashboard-map")
        assert violations == []
    finally:
        running.shutdown()


def test_artifacts_dir_is_gitignored():
    ignored = (Path(__file__).resolve().parents[2] / ".gitignore").read_text()
    assert "test-artifacts/" in ignored


AXE = (
    Path(__file__).resolve().parents[2]
    / ".ci"
    / "node"
    / "node_modules"
    / "axe-core"
    / ("axe.min.js")
)
AXE_PAGES = {
    "altdorf": ["/", "/hochladen", "/meldungen"],
    "statistik": ["/pruefung"],
    "admin": ["/konten", "/protokoll"],
}


def axe_violations(page) -> list:
    page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => await axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})""")
    return [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_accessibility_of_the_portal(browser, portal_url):
    if not AXE.exists():
        if os.environ.get("DEMOGRAFIE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"axe-core missing at {AXE} but DEMOGRAFIE_REQUIRE_BROWSER=1")
        pytest.skip(f"axe-core missing at {AXE} (npm install --prefix .ci/node axe-core@4)")
    found = {}
    for username, paths in AXE_PAGES.items():
        # axe is injected as an inline script: only this audit page bypasses the CSP.
        page = browser.new_page(viewport={"width": 1280, "height": 900}, bypass_csp=True)
        page.goto(portal_url + "/auth/login")
        found["/auth/login"] = axe_violations(page)
        log_in(page, portal_url, username)
        for path in paths:
            page.goto(portal_url + path)
            page.wait_for_selector("main h1")
            found[path] = axe_violations(page)
            shoot(page, "page" + path.replace("/", "-"))
        page.close()
    assert {path: v for path, v in found.items() if v} == {}
