"""Fuzzing read_boundaries: random bytes under any geo suffix give an InputError only."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from etl.errors import InputError
from etl.extract.boundaries import read_boundaries

GEOJSON = (
    b'{"type":"FeatureCollection","features":[{"type":"Feature",'
    b'"properties":{"AGS":"06636001","GEN":"A"},"geometry":{"type":"Polygon",'
    b'"coordinates":[[[9,51],[9.1,51],[9.1,51.1],[9,51]]]}}]}'
)


def read_or_input_error(raw: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"fuzz.{suffix}"
        path.write_bytes(raw)
        try:
            read_boundaries(path)
        except InputError:
            pass


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=1000), st.sampled_from(["gpkg", "geojson", "shp", "json"]))
def test_random_bytes(raw: bytes, suffix: str) -> None:
    read_or_input_error(raw, suffix)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(GEOJSON) - 1), st.binary(max_size=3)), max_size=4))
def test_mutated_geojson(edits: list[tuple[int, bytes]]) -> None:
    raw = GEOJSON
    for position, insert in edits:
        raw = raw[:position] + insert + raw[position + 1 :]
    read_or_input_error(raw, "geojson")
