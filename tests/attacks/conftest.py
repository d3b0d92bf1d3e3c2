"""Stores built by the real commands from data/samples, and the public side on top of them.

The base store is built once per session (import-boundaries, import-regions, import-genesis,
import-extract for two reference years, publish). Scenarios that change something (a new
region file, a corrected upload, a person-level upload) work on a copy of it. Attack tests
receive the public side (Flask test client of the dashboard) for the attacker's view and,
separately, the oracle (the extract folders and region file the store was built from).
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from collections.abc import Callable, Iterable
from contextlib import redirect_stderr
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from dashboard.app import create_app
from etl.cli import main as etl_main
from etl.commands.demo import SAMPLES, demo_steps
from etl.config import Settings
from tests.attacks import oracle
from tests.attacks.lp import attacker_intervals
from tests.attacks.public_view import PublicView, collect

YEARS = ("2022-12-31", "2023-12-31")
REGION_PREFIX = "R-"


@dataclass(frozen=True)
class Store:
    """A store on disk: its home, the extract folders and region file it was built from."""

    home: Path
    extracts: tuple[Path, ...]
    regions_files: tuple[Path, ...]  # every region file any release was built with

    @property
    def settings(self) -> Settings:
        return Settings(home=self.home)

    def truth(self) -> pd.Series:
        """Oracle: true value of every cell, from the extracts (never shown to the attacker)."""
        latest = {folder.name: folder for folder in self.extracts}  # later uploads replace
        parts = []
        for path in self.regions_files:
            regions = pd.read_csv(path, dtype=str)
            regions = regions.assign(region_key=REGION_PREFIX + regions["region_key"])
            parts.append(oracle.true_values(list(latest.values()), regions))
        truth = pd.concat(parts)
        return truth[~truth.index.duplicated()]


def run_command(home: Path, *arguments: str) -> tuple[int, str]:
    """Run one `python -m etl` command against `home`; (exit status, stderr)."""
    errors = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, redirect_stderr(errors):
        patch.setenv("DEMOGRAFIE_HOME", str(home))
        status = etl_main(list(arguments))
    return status, errors.getvalue()


def run_ok(home: Path, *arguments: str) -> None:
    status, errors = run_command(home, *arguments)
    assert status == 0, (arguments, errors)


def sample_extracts() -> tuple[Path, ...]:
    return tuple(p for p in sorted((SAMPLES / "extracts").iterdir()) if p.name.endswith(YEARS))


def build_steps() -> list[list[str]]:
    """The demo's command lines (so a new required step is followed), two years, no projection."""
    steps = []
    for step in demo_steps(SAMPLES):
        if step[0] == "import-extract" and not step[1].endswith(YEARS):
            continue
        if step[0] == "publish-projection":
            continue
        steps.append(["publish", "--note", "Angriffstests"] if step[0] == "publish" else step)
    return steps


def build_store(home: Path) -> Store:
    """The sample store as a statistician builds it, published once."""
    for step in build_steps():
        run_ok(home, *step)
    return Store(home, sample_extracts(), (SAMPLES / "regions.csv",))


def copy_store(store: Store, target: Path) -> Store:
    """An independent copy (both SQLite zones) to change without touching the base."""
    shutil.copytree(store.home, target)
    return Store(target, store.extracts, store.regions_files)


def rewrite_extract(
    source: Path, target: Path, change: Callable[[str, pd.DataFrame], pd.DataFrame]
) -> Path:
    """Copy an extract folder, change its tables, and write a matching manifest.

    This is what an uploader can do with any tool: the manifest only carries row counts and
    SHA-256 sums, which anyone can recompute.
    """
    target.mkdir(parents=True)
    manifest = json.loads((source / "manifest.json").read_text(encoding="utf-8"))
    for name, entry in manifest["tables"].items():
        frame = pd.read_csv(source / entry["file"], dtype={"area_key": str})
        frame = change(name, frame)
        data = frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
        (target / entry["file"]).write_bytes(data)
        entry.update(rows=len(frame), sha256=hashlib.sha256(data).hexdigest())
    (target / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return target


@dataclass(frozen=True)
class Public:
    """What a visitor reaches: the dashboard app and its HTTP test client."""

    app: object
    client: object

    def view(self, releases: Iterable[str] | None = None) -> PublicView:
        return collect(self.client, self.app, None if releases is None else list(releases))


def public_side(store: Store) -> Public:
    app = create_app(store.settings, warm=False)
    return Public(app, app.server.test_client())


@pytest.fixture(scope="session")
def base_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    return build_store(tmp_path_factory.mktemp("attacks") / "base")


@pytest.fixture(scope="session")
def base_public(base_store: Store) -> Public:
    return public_side(base_store)


@pytest.fixture(scope="session")
def base_view(base_public: Public) -> PublicView:
    """Attacker view: the union of every readable release of the base store."""
    return base_public.view()


@pytest.fixture(scope="session")
def base_intervals(base_view: PublicView) -> pd.DataFrame:
    return attacker_intervals(base_view)


@pytest.fixture(scope="session")
def base_truth(base_store: Store, base_view: PublicView) -> pd.Series:
    """Oracle, checked first against every published value (a wrong oracle fails here)."""
    truth = base_store.truth()
    wrong = oracle.mismatches(base_view.cells, truth)
    assert wrong.empty, f"oracle disagrees with published values:\n{wrong.head()}"
    return truth


@pytest.fixture(scope="session")
def store_factory(base_store: Store, tmp_path_factory: pytest.TempPathFactory):
    """Copies of the base store for scenarios that change it."""

    def make(name: str) -> Store:
        return copy_store(base_store, tmp_path_factory.mktemp(name) / "home")

    return make
