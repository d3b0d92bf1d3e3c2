"""Parsers fuzzed with hypothesis: any input ends in a clear InputError, never a crash."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from etl.accounts.service import Account
from etl.errors import InputError
from etl.extract.anonymised import read_extract
from etl.extract.tabular import parse_table
from etl.testing import tiny_bundle
from etl.uploads import service
from etl.uploads.intake import UploadedFile
from etl.uploads.records import ValidationReport
from etl.uploads.testing import extract_files

FUZZ = hypothesis_settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
NAMES = st.sampled_from(["t.csv", "t.txt", "t.tsv", "t.xlsx", "t.parquet"])
COLUMNS = ["area_level", "area_key", "sex", "age", "nationality", "residence", "count"]
CELL = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "gemeinde",
            "03901001",
            "female",
            "male",
            "de",
            "main",
            "0",
            "1",
            "-1",
            "1e3",
            "=1+1",
            "100",
            "101",
            "3,5",
            "",
            "ortsteil",
            "03901001-01",
            "1kmN2689E4337",
            "all",
        ]
    ),
)
OWNER = Account(7, "fuzz", "uploader", ("03901001",), False, "x")


@FUZZ
@given(data=st.binary(max_size=3000), name=NAMES)
def test_parse_table_raises_only_input_errors(data, name):
    try:
        frame = parse_table(data, name)
    except InputError:
        return
    assert all(isinstance(c, str) for c in frame.columns)


@FUZZ
@given(
    text=st.text(max_size=600),
    separator=st.sampled_from([";", ",", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_csv_text_raises_only_input_errors(text, separator, encoding):
    try:
        data = text.replace(",", separator).encode(encoding)
    except UnicodeEncodeError:
        return
    try:
        parse_table(data, "population.csv")
    except InputError:
        pass


@pytest.fixture(scope="module")
def valid_files(tmp_path_factory) -> dict[str, bytes]:
    bundle = tiny_bundle("03901001", dt.date(2024, 12, 31), scale=2, seed=1)
    directory = tmp_path_factory.mktemp("fuzz-extract")
    return {f.name: f.data for f in extract_files(bundle, directory)}


def _with_population(files: dict[str, bytes], rows: list[list[str]]) -> bytes:
    text = (
        "\n".join(
            ",".join(c.replace(",", " ").replace("\n", " ") for c in row)
            for row in [COLUMNS, *rows]
        )
        + "\n"
    )
    data = text.encode()
    manifest = json.loads(files["manifest.json"])
    manifest["tables"]["population"].update(
        sha256=hashlib.sha256(data).hexdigest(),
        rows=len([r for r in rows if any(c.strip() for c in r)]),
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in {
            **files,
            "population.csv": data,
            "manifest.json": json.dumps(manifest).encode(),
        }.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@FUZZ
@given(rows=st.lists(st.lists(CELL, min_size=7, max_size=7), min_size=0, max_size=8))
def test_read_extract_with_fuzzed_cells(valid_files, tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("fuzz") / "auszug.zip"
    path.write_bytes(_with_population(valid_files, rows))
    try:
        bundle = read_extract(path)
    except InputError:
        return
    assert bundle.municipality == "03901001"
    assert (bundle.population["count"] >= 0).all()


@FUZZ
@given(
    members=st.dictionaries(
        st.sampled_from(
            ["manifest.json", "population.csv", "households.csv", "events.csv", "x.parquet"]
        ),
        st.binary(max_size=400),
        max_size=5,
    ),
    manifest=st.one_of(
        st.none(),
        st.dictionaries(
            st.sampled_from(["schema_version", "municipality", "reference_date", "tables"]),
            st.one_of(
                st.integers(),
                st.text(max_size=10),
                st.none(),
                st.dictionaries(st.text(max_size=10), st.integers()),
            ),
        ),
    ),
)
def test_whole_service_on_fuzzed_zips(settings, stores_for, members, manifest):
    if manifest is not None:
        members["manifest.json"] = json.dumps(manifest).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    stores = stores_for(settings)
    job_id = service.start_validation(
        stores, OWNER, [UploadedFile("f.zip", buffer.getvalue())], wait=True
    )
    job = service.job_status(stores, OWNER, job_id)
    assert job.state == "done", job.message  # a report, not an internal error
    report = ValidationReport.from_json(job.result)
    assert not report.ok and report.errors[0].message
