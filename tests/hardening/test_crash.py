"""A publish killed with SIGKILL while writing leaves the previous release serving."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from etl.config import Settings
from etl.pipeline import publish
from etl.store import schema
from etl.store.engine import publisher_engine, reader_engine, restricted_engine
from etl.store.published import list_releases, live_release_id
from etl.store.review import table_fingerprints
from etl.testing import tiny_restricted_store

REPO = Path(__file__).resolve().parents[2]
MARKER = "Veröffentlichung schreiben"


def _environment(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEMOGRAFIE_")}
    env.update(
        DEMOGRAFIE_HOME=str(settings.home),
        PYTHONPATH=str(REPO),
        DEMOGRAFIE_RESTRICTED_URL=settings.restricted_url,
        DEMOGRAFIE_PUBLISHED_URL=settings.published_url,
    )
    return env


def sizes(reader, release_id: str) -> dict[str, int]:
    from etl.store.published import read_release_table

    return {
        name: len(read_release_table(reader, name, release_id))
        for name in ("population", "households", "events", "areas")
    }


def _kill_while_writing(settings: Settings, delay: float) -> str:
    """Start `python -m etl publish`, SIGKILL it `delay` s after it starts writing."""
    process = subprocess.Popen(
        [sys.executable, "-u", "-m", "etl", "publish"],
        cwd=REPO,
        env=_environment(settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = []
    try:
        for line in process.stdout:
            output.append(line)
            if MARKER in line:
                time.sleep(delay)
                process.send_signal(signal.SIGKILL)
                break
    finally:
        process.kill()
        process.wait(timeout=30)
    assert any(MARKER in line for line in output), "".join(output)
    return "".join(output)


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.0, 0.05, 0.3])
def test_killed_publish_keeps_the_previous_release(any_settings, delay):
    tiny_restricted_store(any_settings)
    first = publish(any_settings).release_id
    published_before = table_fingerprints(publisher_engine(any_settings), schema.published)
    restricted_before = table_fingerprints(restricted_engine(any_settings), schema.restricted)
    _kill_while_writing(any_settings, delay)
    reader = reader_engine(any_settings)
    live = live_release_id(reader)
    if live == first:  # killed inside the transaction: nothing of it is left
        assert list(list_releases(reader)["release_id"]) == [first]
        assert (
            table_fingerprints(publisher_engine(any_settings), schema.published) == published_before
        )
    else:  # the kill came after the commit: then the new release is complete
        assert delay > 0, "killed right at the start of writing, yet a release appeared"
        assert sizes(reader, live) == sizes(reader, first)
    restricted_after = table_fingerprints(restricted_engine(any_settings), schema.restricted)
    restricted_after.pop("audit_log"), restricted_before.pop("audit_log")
    assert restricted_after == restricted_before
    second = publish(any_settings).release_id
    assert second not in (first, live) and live_release_id(reader_engine(any_settings)) == second
    assert sizes(reader_engine(any_settings), second) == sizes(reader, first)


WRITER = f"""
import os, sys
from etl.config import Settings
from etl.testing import write_tiny_release
settings = Settings.from_env(os.environ)
print("{MARKER} …", flush=True)
for _ in range(50):
    write_tiny_release(settings)
"""


@pytest.mark.parametrize("delay", [0.05, 0.2])
def test_killed_release_writer_keeps_the_previous_release(any_settings, delay):
    """The same guarantee one level down (etl.store.published.write_release), independent of
    the protection step: a writer killed mid-transaction leaves nothing behind."""
    from etl.testing import write_tiny_release

    first = write_tiny_release(any_settings)
    process = subprocess.Popen(
        [sys.executable, "-u", "-c", WRITER],
        cwd=REPO,
        env=_environment(any_settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert MARKER in process.stdout.readline()
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait(timeout=30)
    reader = reader_engine(any_settings)
    releases = list_releases(reader)
    live = live_release_id(reader)
    assert first in set(releases["release_id"]) and live in set(releases["release_id"])
    # Whatever committed before the kill is complete: every release has all its cells.
    from etl.store.published import read_release_table

    sizes = {len(read_release_table(reader, "population", r)) for r in releases["release_id"]}
    assert len(sizes) == 1
    assert write_tiny_release(any_settings) not in set(releases["release_id"])
