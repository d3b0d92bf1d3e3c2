"""Fuzzing read_genesis: whatever the file holds, the only failure is an InputError."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.errors import InputError
from etl.extract.genesis import read_genesis

DATA = Path(__file__).resolve().parents[1] / "data"
FIXTURES = [
    DATA / name
    for name in (
        "genesis_reform.csv",
        "genesis_samtgemeinde.csv",
        "genesis_deaths.csv",
        "genesis_agegroups.csv",
    )
]
FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def parse_or_input_error(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "fuzz.csv"
        path.write_bytes(raw)
        try:
            table = read_genesis(path)
        except InputError:
            return
        assert table.data["ags"].str.fullmatch(r"\d{8}").all()
        assert not table.data.duplicated(["ags", "year", "sex", "age_from", "age_to"]).any()


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes(raw: bytes) -> None:
    parse_or_input_error(raw)


@FUZZ
@given(st.text(alphabet=st.sampled_from(list('GENSIT-abel:0123456789;.\n_x/ "©')), max_size=800))
def test_random_text(text: str) -> None:
    parse_or_input_error(("GENESIS-Tabelle: 12612-01-01-5-B\n" + text).encode())


@FUZZ
@given(
    st.sampled_from(FIXTURES),
    st.lists(st.tuples(st.integers(0, 5000), st.text(max_size=4)), max_size=6),
)
def test_mutated_exports(fixture: Path, edits: list[tuple[int, str]]) -> None:
    text = fixture.read_text(encoding="utf-8")
    for position, insert in edits:
        position %= max(len(text), 1)
        text = text[:position] + insert + text[position + 1 :]
    parse_or_input_error(text.encode("utf-8", errors="surrogatepass"))
