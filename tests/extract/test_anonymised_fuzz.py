"""Fuzz: whatever bytes arrive, read_extract raises InputError and nothing else."""

from __future__ import annotations

import hashlib
import io
import json
import tempfile
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.errors import InputError
from etl.extract.anonymised import read_extract
from etl.extract.tabular import parse_table

HEADER = "area_level,area_key,sex,age,nationality,residence,count\n"
CELLS = st.sampled_from(
    [
        "gemeinde",
        "03901001",
        "female",
        "40",
        "de",
        "main",
        "3",
        "",
        "-1",
        "grid1km",
        "1kmN1E1",
        "ä",
        '"',
        ";",
        ",",
        "\n",
        "\x00",
        "1e9",
    ]
)
CSV_TEXT = st.lists(st.lists(CELLS, min_size=0, max_size=9), max_size=8).map(
    lambda rows: HEADER + "".join(",".join(row) + "\n" for row in rows)
)


def write(directory: Path, population: bytes, manifest: bytes | None = None) -> Path:
    empty = {
        "households": b"area_level,area_key,size,count\n",
        "events": b"area_level,area_key,event,sex,age,count\n",
    }
    tables = {}
    for name, data in {"population": population, **empty}.items():
        (directory / f"{name}.csv").write_bytes(data)
        tables[name] = {
            "file": f"{name}.csv",
            "rows": data.count(b"\n") - 1,
            "sha256": hashlib.sha256(data).hexdigest(),
        }
    content = (
        manifest
        if manifest is not None
        else json.dumps(
            {
                "schema_version": 1,
                "municipality": "03901001",
                "reference_date": "2023-12-31",
                "tables": tables,
            }
        ).encode()
    )
    (directory / "manifest.json").write_bytes(content)
    return directory


def only_input_errors(path: Path) -> None:
    try:
        read_extract(path)
    except InputError:
        pass


FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes_as_population_table(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as directory:
        only_input_errors(write(Path(directory), data))


@FUZZ
@given(CSV_TEXT, st.sampled_from(["utf-8", "cp1252", "utf-16"]))
def test_random_csv_text_as_population_table(text: str, encoding: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        only_input_errors(write(Path(directory), text.encode(encoding, errors="replace")))


@FUZZ
@given(st.binary(max_size=300) | st.text(max_size=200).map(str.encode))
def test_random_manifest(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as directory:
        only_input_errors(write(Path(directory), HEADER.encode(), manifest=data))


@FUZZ
@given(st.binary(max_size=300), st.sampled_from(["x.zip", "x.xlsx", "x.parquet", "x.csv"]))
def test_random_bytes_as_archive_or_table_file(data: bytes, name: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / name
        path.write_bytes(data)
        only_input_errors(path)
        try:
            parse_table(data, name)
        except InputError:
            pass


def test_zip_with_random_members_raises_input_error() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("manifest.json", "{}")
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "x.zip"
        path.write_bytes(buffer.getvalue())
        only_input_errors(path)
