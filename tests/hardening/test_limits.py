"""Upload limits (Parquet rows and decoded size, also inside zip), staged uploads deleted in
every start path, and the proxy fix of both WSGI entries."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from etl.config import Settings
from etl.errors import InputError
from etl.uploads.intake import UploadedFile, stage, staging_root
from etl.uploads.limits import check_parquet
from etl.uploads.records import ValidationReport

ROOT = Path(__file__).resolve().parents[2]


def parquet_bomb(rows: int) -> bytes:
    """A few kilobytes describing `rows` identical rows (dictionary + run-length encoding)."""
    table = pa.table(
        {
            "ags": pa.array(["03901001"] * rows).dictionary_encode(),
            "count": pa.array([1] * rows, type=pa.int64()),
        }
    )
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd", row_group_size=rows)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return parquet_bomb(3_000_000)


def test_a_small_parquet_file_with_millions_of_rows_is_refused_unread(
    settings: Settings, bomb: bytes
) -> None:
    assert len(bomb) < 100_000
    started = time.perf_counter()
    with pytest.raises(InputError, match="3,000,000 Zeilen, erlaubt sind 2,000,000"):
        stage(settings, "job-parquet-1", [UploadedFile("bombe.parquet", bomb)])
    assert time.perf_counter() - started < 2
    assert not (staging_root(settings) / "job-parquet-1").exists()


def test_decoded_size_limit_applies_below_the_row_limit(bomb: bytes) -> None:
    with pytest.raises(InputError, match="Entpackt etwa 48,000,000 Bytes"):
        check_parquet(bomb, "x.parquet", max_bytes=1_000_000, max_rows=10_000_000)


def test_parquet_inside_a_zip_is_checked_too(settings: Settings, bomb: bytes) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", "{}")
        archive.writestr("population.parquet", bomb)
    with pytest.raises(InputError, match="Zeilen"):
        stage(settings, "job-parquet-2", [UploadedFile("auszug.zip", buffer.getvalue())])


def test_an_ordinary_parquet_file_passes(settings: Settings) -> None:
    path = stage(settings, "job-parquet-3", [UploadedFile("ok.parquet", parquet_bomb(1000))])
    assert path.is_file()


def test_broken_parquet_names_the_file(settings: Settings) -> None:
    with pytest.raises(InputError, match="Parquet-Datei nicht lesbar"):
        stage(settings, "job-parquet-4", [UploadedFile("kaputt.parquet", b"PAR1 nonsense")])


def _run(code: str, home: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DEMOGRAFIE_HOME": str(home), **env}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )


def test_the_wsgi_start_deletes_stale_uploads(settings: Settings) -> None:
    stale, fresh = staging_root(settings) / "stale-job-1", staging_root(settings) / "fresh-job-1"
    for folder in (stale, fresh):
        folder.mkdir(parents=True)
        (folder / "personen.csv").write_text("id,name\n1,Anna\n")
    old = time.time() - 3 * 3600
    os.utime(stale, (old, old))
    result = _run("import portal.wsgi", settings.home, DEMOGRAFIE_UPLOAD_KEEP_HOURS="2")
    assert result.returncode == 0, result.stderr[-2000:]
    assert not stale.exists() and fresh.exists()


def test_both_wsgi_entries_trust_the_configured_proxies(settings: Settings) -> None:
    code = (
        "import dashboard.wsgi as d, portal.wsgi as p; "
        "print(type(d.server.wsgi_app).__name__, d.server.wsgi_app.x_host, "
        "type(p.server.wsgi_app).__name__)"
    )
    result = _run(code, settings.home, DEMOGRAFIE_PROXY_HOPS="2")
    assert result.stdout.split() == ["ProxyFix", "2", "ProxyFix"], result.stderr[-2000:]
    direct = code.replace(", d.server.wsgi_app.x_host", "")
    result = _run(direct, settings.home, DEMOGRAFIE_PROXY_HOPS="0")
    assert result.stdout.split() == ["method", "method"]  # Flask's own wsgi_app


@pytest.mark.parametrize("hops", [1, 0])
def test_portal_login_works_behind_a_host_rewriting_proxy(settings, world, hops) -> None:
    from portal.app import create_app
    from portal.testing import PASSWORD, TOKEN
    from websecurity.proxy import trust_proxies

    server = create_app(settings).server
    trust_proxies(server, hops)
    client = server.test_client()
    proxy = {"X-Forwarded-Host": "portal.example.org", "X-Forwarded-Proto": "https"}
    page = client.get("/auth/login", base_url="http://10.0.0.5:8051", headers=proxy)
    token = TOKEN.search(page.get_data(as_text=True)).group(1)
    response = client.post(
        "/auth/login",
        base_url="http://10.0.0.5:8051",
        headers={**proxy, "Origin": "https://portal.example.org"},
        data={"username": "leser", "password": PASSWORD, "csrf_token": token, "next": "/"},
    )
    assert response.status_code == (302 if hops else 403)


def test_a_refused_person_level_file_is_deleted_at_once(settings: Settings, world, stores) -> None:
    from etl.uploads import service

    rows = "\n".join(f"{i},Anna Muster {i},1980-01-0{i % 9 + 1},03901001" for i in range(20))
    data = f"person_id,name,geburtsdatum,ags\n{rows}\n".encode()
    job_id = service.start_validation(
        stores, world["altdorf"], [UploadedFile("personen.csv", data)], wait=True
    )
    report = ValidationReport.from_json(service.job_status(stores, world["altdorf"], job_id).result)
    assert report.ok is False
    assert not (staging_root(settings) / job_id).exists()
    assert not any(staging_root(settings).glob("*/personen.csv"))
