"""The production shape without Docker: ETL one-shot, two dashboard processes, one portal.

Mirrors compose.yaml on the CI PostgreSQL: the ETL migrates and publishes with the writer role,
`etl grant-reader` creates the read-only role, and two gunicorn dashboard processes share one
database with that role. Whatever process a request reaches, the answer is the same: the web
tier keeps no state of its own, so more machines can be added behind the proxy.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from etl.config import Settings
from etl.testing import write_tiny_release
from tests.conftest import REPO_ROOT, pg_admin_url

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
START_TIMEOUT = 120.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, bytes, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def _wait_ready(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{url}: process ended with {process.returncode}:\n{log.read_text()}")
        try:
            if _get(url)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"{url} not ready after {START_TIMEOUT} s:\n{log.read_text()}")


def _gunicorn(app: str, port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "--workers", "1", "--threads", "2"]
    command += ["--bind", f"127.0.0.1:{port}", "--timeout", "120", app]
    handle = log.open("wb")
    return subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=handle, stderr=handle)


@pytest.fixture
def accounts_schema() -> Iterator[str]:
    name = f"t{uuid.uuid4().hex[:10]}_accounts"
    yield name
    engine = create_engine(pg_admin_url())
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
    engine.dispose()


@pytest.fixture
def reader_role(pg_settings: Settings) -> Iterator[tuple[str, str]]:
    role, password = f"dash_{uuid.uuid4().hex[:10]}", secrets.token_urlsafe(16)
    yield role, password
    engine = create_engine(pg_admin_url())
    with engine.begin() as connection:
        connection.execute(text(f'DROP OWNED BY "{role}"'))
        connection.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
    engine.dispose()


def _base_env(tmp_path: Path) -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
    env = {name: os.environ[name] for name in keep if name in os.environ}
    env["DEMOGRAFIE_HOME"] = str(tmp_path / "home")
    env["DEMOGRAFIE_SECRET_KEY"] = secrets.token_hex(32)
    return env


def test_two_dashboard_processes_and_a_portal_on_one_database(
    pg_settings: Settings, reader_role: tuple[str, str], accounts_schema: str, tmp_path: Path
) -> None:
    admin = pg_admin_url()
    writer_env = _base_env(tmp_path) | {
        "DEMOGRAFIE_RESTRICTED_URL": pg_settings.restricted_store_url,
        "DEMOGRAFIE_PUBLISHER_URL": pg_settings.publisher_store_url,
        "DEMOGRAFIE_PUBLISHED_URL": pg_settings.publisher_store_url,
        "DEMOGRAFIE_ACCOUNTS_URL": f"{admin}?schema={accounts_schema}",
    }
    # The one-shot ETL service: migrations, a release, the reader role.
    release_id = write_tiny_release(pg_settings)
    role, password = reader_role
    migrated = subprocess.run(
        [sys.executable, "-m", "etl", "migrate"],
        cwd=REPO_ROOT,
        env=writer_env,
        capture_output=True,
        text=True,
    )
    assert migrated.returncode == 0, migrated.stderr
    granted = subprocess.run(
        [sys.executable, "-m", "etl", "grant-reader", "--role", role],
        cwd=REPO_ROOT,
        env=writer_env | {"DASHBOARD_DB_PASSWORD": password},
        capture_output=True,
        text=True,
    )
    assert granted.returncode == 0, granted.stderr

    published_schema = make_url(pg_settings.publisher_store_url).query["schema"]
    reader_url = make_url(admin).set(username=role, password=password)
    reader = reader_url.render_as_string(hide_password=False) + f"?schema={published_schema}"
    dashboard_env = _base_env(tmp_path) | {
        "DEMOGRAFIE_PUBLISHED_URL": reader,
        # The dashboard must never need these: point them at nothing that exists.
        "DEMOGRAFIE_RESTRICTED_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none",
        "DEMOGRAFIE_ACCOUNTS_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none",
        "DEMOGRAFIE_PUBLIC": "true",
    }
    ports = [_free_port() for _ in range(3)]
    processes = [
        _gunicorn("dashboard.wsgi:server", ports[0], dashboard_env, tmp_path / "dash-a.log"),
        _gunicorn("dashboard.wsgi:server", ports[1], dashboard_env, tmp_path / "dash-b.log"),
        _gunicorn("portal.wsgi:server", ports[2], writer_env, tmp_path / "portal.log"),
    ]
    try:
        logs = ["dash-a.log", "dash-b.log", "portal.log"]
        paths = ["/api/v1/releases", "/api/v1/releases", "/healthz"]
        for port, process, log, path in zip(ports, processes, logs, paths, strict=True):
            _wait_ready(f"http://127.0.0.1:{port}{path}", process, tmp_path / log)
        _assert_same_answers(ports[:2], release_id)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def _assert_same_answers(ports: list[int], release_id: str) -> None:
    body = _get(f"http://127.0.0.1:{ports[0]}/api/v1/areas?level=gemeinde")[1]
    area = json.loads(body)["rows"][0]["key"]
    paths = [
        "/api/v1/releases",
        "/api/v1/areas?level=gemeinde",
        f"/api/v1/population?release={release_id}&area={area}&year=2023",
        f"/api/v1/population?release={release_id}&area={area}&year=2023&format=csv",
        "/_dash-layout",
        "/_dash-dependencies",
    ]
    for path in paths:
        answers = [_get(f"http://127.0.0.1:{port}{path}") for port in ports]
        assert [status for status, _, _ in answers] == [200, 200], path
        assert answers[0][1] == answers[1][1], f"{path}: the two processes answer differently"
    assert release_id.encode() in _get(f"http://127.0.0.1:{ports[0]}/api/v1/releases")[1]
