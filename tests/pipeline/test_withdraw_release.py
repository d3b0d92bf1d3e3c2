"""`python -m etl withdraw-release`: a statistician takes a published release off the public side.

Built on the committed samples (register data of 2023 only), published twice; every check goes
through the CLI and the public side (API test client, the page layout, the audit log).
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

from dashboard.app import create_app
from etl.cli import main as etl_main
from etl.commands.demo import SAMPLES
from etl.config import Settings
from etl.store.published import list_releases
from etl.store.restricted import read_audit_log
from etl.testing import migrated_stores, sample_store_steps

REASON = "Fehler in der Altersgliederung von Achterdiek"


@dataclass(frozen=True)
class Result:
    status: int
    out: str
    err: str


def run_etl(home: Path, *arguments: str) -> Result:
    """One `python -m etl` command against `home`, as a statistician types it."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch, redirect_stdout(out), redirect_stderr(err):
        patch.setenv("DEMOGRAFIE_HOME", str(home))
        try:
            status = etl_main(list(arguments))
        except SystemExit as exit_:  # argparse refuses missing arguments this way
            status = int(exit_.code or 0)
    return Result(status, out.getvalue(), err.getvalue())


@dataclass(frozen=True)
class TwoReleases:
    home: Path
    older: str
    live: str


@pytest.fixture(scope="module")
def one_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("withdraw") / "var"
    for step in sample_store_steps(SAMPLES, ("2023-12-31",), official=False):
        assert run_etl(home, *step).status == 0, step
    assert run_etl(home, "publish", "--note", "erste").status == 0
    return home


def _releases(home: Path) -> list[str]:
    publisher = migrated_stores(Settings(home=home)).publisher
    return list_releases(publisher)["release_id"].tolist()  # newest first


@pytest.fixture(scope="module")
def two_releases(one_release: Path) -> TwoReleases:
    assert run_etl(one_release, "publish", "--note", "zweite").status == 0
    live, older = _releases(one_release)
    result = run_etl(
        one_release, "withdraw-release", older, "--reason", REASON, "--actor", "statistik"
    )
    assert result.status == 0, result.err
    assert older in result.out and live in result.out
    return TwoReleases(one_release, older, live)


def test_the_live_release_is_refused_with_a_clear_error_and_stays_readable(
    two_releases: TwoReleases,
) -> None:
    result = run_etl(two_releases.home, "withdraw-release", two_releases.live, "--reason", REASON)
    assert result.status == 2
    assert f"{two_releases.live} ist die aktuelle (live)" in result.err
    assert "python -m etl publish" in result.err
    client = create_app(Settings(home=two_releases.home), warm=False).server.test_client()
    assert client.get(f"/api/v1/areas?release={two_releases.live}").status_code == 200
    assert client.get("/api/v1/areas").status_code == 200
    log = read_audit_log(migrated_stores(Settings(home=two_releases.home)).restricted)
    assert (log["action"] == "withdraw-release").sum() == 1  # only the older release's


def test_a_withdrawn_release_answers_410_with_reason_and_current_release(
    two_releases: TwoReleases,
) -> None:
    client = create_app(Settings(home=two_releases.home), warm=False).server.test_client()
    for url in (
        f"/api/v1/areas?release={two_releases.older}",
        f"/api/v1/population?area=03901001&release={two_releases.older}",
    ):
        response = client.get(url)
        assert response.status_code == 410, url
        body = response.get_json()
        assert body["error"] == "withdrawn"
        assert body["reason"] == REASON
        assert body["current_release"] == two_releases.live
        assert REASON in body["message"] and two_releases.live in body["message"]
    listed = {r["release_id"]: r for r in client.get("/api/v1/releases").get_json()["releases"]}
    assert listed[two_releases.older]["withdrawn"] is True
    assert listed[two_releases.live]["withdrawn"] is False
    assert client.get(f"/api/v1/areas?release={two_releases.live}").status_code == 200


def test_the_page_of_a_withdrawn_release_shows_the_notice(two_releases: TwoReleases) -> None:
    from dashboard.pages import karte

    app = create_app(Settings(home=two_releases.home), warm=False)
    with app.server.test_request_context("/"):
        page = str(karte.layout(release=two_releases.older, lang="de"))
    assert "zurückgezogen" in page and REASON in page and two_releases.live in page


def test_the_withdrawal_is_in_the_audit_log(two_releases: TwoReleases) -> None:
    log = read_audit_log(migrated_stores(Settings(home=two_releases.home)).restricted)
    entry = log[log["action"] == "withdraw-release"]
    assert len(entry) == 1
    assert entry["actor"].iloc[0] == "statistik"
    assert json.loads(entry["detail"].iloc[0]) == {
        "release_id": two_releases.older,
        "reason": REASON,
        "replaced_by": two_releases.live,
    }


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("R9999-20990101", "--reason", REASON), "R9999-20990101' gibt es nicht"),
        (("{older}", "--reason", "andere Begründung"), "ist schon seit"),
        (("{older}", "--reason", "   "), "Ein Grund ist nötig"),
        (("{older}",), "--reason"),
    ],
)
def test_refusals_name_the_problem_and_leave_the_withdrawal_as_it_was(
    two_releases: TwoReleases, arguments: tuple[str, ...], message: str
) -> None:
    filled = [a.format(older=two_releases.older) for a in arguments]
    result = run_etl(two_releases.home, "withdraw-release", *filled)
    assert result.status == 2
    assert message in result.err
    client = create_app(Settings(home=two_releases.home), warm=False).server.test_client()
    body = client.get(f"/api/v1/areas?release={two_releases.older}").get_json()
    assert body["reason"] == REASON
