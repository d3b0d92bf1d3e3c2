"""A catalogue of malformed uploads, built in a temporary directory.

Each case is what a browser would send (file names and bytes), the account's municipalities,
and a pattern the refusal message must contain. Tables are mutated after writing a valid
extract, and the manifest's row count and SHA-256 are fixed up, so that each case trips the
check it is meant for (not merely the checksum).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from etl.testing import tiny_bundle
from etl.uploads.intake import UploadedFile
from etl.uploads.testing import extract_files

DATE = dt.date(2024, 12, 31)
OWN = ("03901001",)


@dataclass(frozen=True)
class Case:
    """One malformed upload and the message it must produce."""

    name: str
    files: list[UploadedFile]
    message: str
    municipalities: tuple[str, ...] = OWN


def _zip(files: list[UploadedFile], prefix: str = "auszug/") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in files:
            archive.writestr(prefix + item.name, item.data)
    return buffer.getvalue()


class Extract:
    """A valid extract's files, with helpers to break one of them."""

    def __init__(self, directory: Path, municipality: str = OWN[0]) -> None:
        bundle = tiny_bundle(municipality, DATE, scale=30, seed=11)
        self.files = {f.name: f.data for f in extract_files(bundle, directory)}

    @property
    def manifest(self) -> dict:
        return json.loads(self.files["manifest.json"])

    def with_table(self, table: str, text: str, encoding: str = "utf-8") -> list[UploadedFile]:
        """The files with one table's CSV replaced and the manifest fixed to match."""
        files = dict(self.files)
        data = text.encode(encoding)
        files[f"{table}.csv"] = data
        manifest = self.manifest
        rows = max(0, len([line for line in text.splitlines() if line.strip()]) - 1)
        manifest["tables"][table].update(sha256=hashlib.sha256(data).hexdigest(), rows=rows)
        files["manifest.json"] = json.dumps(manifest).encode()
        return [UploadedFile(name, content) for name, content in files.items()]

    def with_manifest(self, change: Callable[[dict], None] | bytes) -> list[UploadedFile]:
        files = dict(self.files)
        if isinstance(change, bytes):
            files["manifest.json"] = change
        else:
            manifest = self.manifest
            change(manifest)
            files["manifest.json"] = json.dumps(manifest).encode()
        return [UploadedFile(name, content) for name, content in files.items()]

    def population(self) -> list[str]:
        return self.files["population.csv"].decode().splitlines()

    def edit_population(self, edit: Callable[[list[str]], list[str]]) -> list[UploadedFile]:
        return self.with_table("population", "\n".join(edit(self.population())) + "\n")

    def zipped(self) -> bytes:
        return _zip([UploadedFile(n, d) for n, d in self.files.items()])


def _replace_first(lines: list[str], column: int, value: str) -> list[str]:
    cells = lines[1].split(",")
    cells[column] = value
    return [lines[0], ",".join(cells), *lines[2:]]


def _person_level_csv() -> bytes:
    rows = ["person_id;vorname;geburtsdatum;geschlecht;strasse"]
    rows += [f"{i};Name{i};1980-01-{i % 28 + 1:02d};w;Hauptstr. {i}" for i in range(1, 30)]
    return "\n".join(rows).encode()


def _bomb(size: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("auszug/population.csv", b"0" * size)
        archive.writestr("auszug/manifest.json", b"{}")
    return buffer.getvalue()


def _parquet_bomb(rows: int) -> bytes:
    """Kilobytes on disk, `rows` identical rows once read (dictionary + run-length encoding)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"area_key": pa.array(["03901001"] * rows).dictionary_encode()})
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd", row_group_size=rows)
    return buffer.getvalue()


def build_catalogue(directory: Path) -> list[Case]:
    """At least 30 malformed uploads; `directory` holds the valid extracts they start from."""
    own = Extract(directory / "own")
    other = Extract(directory / "other", "04021000")
    rng = random.Random(7)
    header = own.population()[0]
    cases = [
        Case("empty-file", [UploadedFile("auszug.zip", b"")], "leer"),
        Case("binary-garbage", [UploadedFile("auszug.zip", os.urandom(4096))], "nicht lesbar"),
        Case("truncated-zip", [UploadedFile("auszug.zip", own.zipped()[:700])], "nicht lesbar"),
        Case("zip-bomb-ratio", [UploadedFile("bombe.zip", _bomb(20_000_000))], "ZIP-Bombe"),
        Case("zip-bomb-size", [UploadedFile("bombe.zip", _bomb(60_000_000))], "Entpackt"),
        Case("huge-file", [UploadedFile("population.csv", b"x" * 51_000_000)], "erlaubt sind"),
        Case("wrong-suffix", [UploadedFile("auszug.exe", b"MZ\x90\x00")], "nicht angenommen"),
        Case(
            "zip-without-manifest",
            [
                UploadedFile(
                    "a.zip", _zip([UploadedFile("population.csv", own.files["population.csv"])])
                )
            ],
            "kein manifest.json",
        ),
        Case(
            "nested-zip",
            [UploadedFile("a.zip", _zip([UploadedFile("inner.zip", own.zipped())]))],
            "Verschachtelte",
        ),
        Case("manifest-only", [UploadedFile("manifest.json", own.files["manifest.json"])], "fehlt"),
        Case("manifest-not-json", own.with_manifest(b"{kein json"), "kein gültiges JSON"),
        Case(
            "manifest-schema-version",
            own.with_manifest(lambda m: m.update(schema_version=99)),
            "schema_version",
        ),
        Case(
            "manifest-bad-ags",
            own.with_manifest(lambda m: m.update(municipality="3901001")),
            "8-stelligen AGS",
        ),
        Case(
            "manifest-path-traversal",
            own.with_manifest(lambda m: m["tables"]["population"].update(file="../../etc/passwd")),
            "keinen Pfad",
        ),
        Case(
            "checksum-mismatch",
            own.with_manifest(lambda m: m["tables"]["events"].update(sha256="0" * 64)),
            "SHA-256",
        ),
        Case(
            "row-count-mismatch",
            own.with_manifest(lambda m: m["tables"]["households"].update(rows=999)),
            "Datenzeilen",
        ),
        Case(
            "wrong-columns",
            own.edit_population(
                lambda lines: [lines[0].replace("nationality", "nation"), *lines[1:]]
            ),
            "Spalten passen nicht",
        ),
        Case(
            "duplicate-column",
            own.edit_population(lambda lines: [lines[0].replace("residence", "sex"), *lines[1:]]),
            "doppelt",
        ),
        Case(
            "negative-count",
            own.edit_population(lambda lines: _replace_first(lines, 6, "-4")),
            "nicht-negative ganze Zahl",
        ),
        Case(
            "non-integer-count",
            own.edit_population(lambda lines: _replace_first(lines, 6, "3.5")),
            "nicht-negative ganze Zahl",
        ),
        Case(
            "formula-cell",
            own.edit_population(lambda lines: _replace_first(lines, 6, "=SUM(A1:A9)")),
            "nicht-negative ganze Zahl",
        ),
        Case(
            "formula-in-key",
            own.edit_population(lambda lines: _replace_first(lines, 1, '=HYPERLINK("http://x")')),
            "Gebietsschlüssel",
        ),
        Case(
            "age-out-of-range",
            own.edit_population(lambda lines: _replace_first(lines, 3, "150")),
            "außerhalb",
        ),
        Case(
            "unknown-code",
            own.edit_population(lambda lines: _replace_first(lines, 2, "x")),
            "Unbekannter Code",
        ),
        Case(
            "duplicate-keys",
            own.edit_population(lambda lines: [*lines, lines[1]]),
            "Doppelter Schlüssel",
        ),
        Case(
            "ragged-row",
            own.edit_population(lambda lines: [*lines, "gemeinde,03901001,female"]),
            "Felder statt",
        ),
        Case("header-only", own.edit_population(lambda lines: lines[:1]), "keine Zeile"),
        Case(
            "mixed-reference-dates",
            own.edit_population(
                lambda lines: [
                    lines[0] + ",reference_date",
                    *(
                        f"{line},{'2024-12-31' if i % 2 else '2023-12-31'}"
                        for i, line in enumerate(lines[1:])
                    ),
                ]
            ),
            "Stichtag weicht",
        ),
        Case(
            "utf16-encoding",
            own.with_table("population", "\n".join(own.population()), "utf-16"),
            "Null-Bytes",
        ),
        Case("another-municipality", other.with_manifest(lambda m: None), "darf nur für"),
        Case(
            "foreign-key-inside",
            own.edit_population(lambda lines: _replace_first(lines, 1, "04021000")),
            "gehört nicht zur Gemeinde",
        ),
        Case(
            "unknown-ags",
            Extract(directory / "unknown", "03999999").with_manifest(lambda m: None),
            "nicht bekannt",
            ("03999999",),
        ),
        Case(
            "future-reference-date",
            own.with_manifest(lambda m: m.update(reference_date="2099-12-31")),
            "Zukunft",
        ),
        Case(
            "person-level-loose-file",
            [UploadedFile("melderegister.csv", _person_level_csv())],
            "personenbezogenen Daten",
        ),
        Case(
            "person-level-in-extract",
            own.with_table("population", _person_level_csv().decode()),
            "personenbezogenen Daten",
        ),
        Case(
            "coordinates-column",
            own.edit_population(
                lambda lines: [lines[0] + ",lat", *(f"{line},53.1" for line in lines[1:])]
            ),
            "personenbezogenen Daten",
        ),
        Case(
            "xlsx-garbage",
            [UploadedFile("population.xlsx", bytes(rng.randrange(256) for _ in range(2000)))],
            "nicht lesbar",
        ),
        Case(
            "two-zips",
            [UploadedFile("a.zip", own.zipped()), UploadedFile("b.zip", own.zipped())],
            "entweder",
        ),
        Case(
            "too-many-files",
            [UploadedFile(f"t{i}.csv", header.encode()) for i in range(13)],
            "höchstens",
        ),
        Case(
            "parquet-bomb-rows",
            [UploadedFile("population.parquet", _parquet_bomb(2_500_000))],
            "Zeilen, erlaubt sind",
        ),
        Case(
            "parquet-bomb-in-zip",
            [
                UploadedFile(
                    "a.zip",
                    _zip(
                        [
                            UploadedFile("manifest.json", own.files["manifest.json"]),
                            UploadedFile("population.parquet", _parquet_bomb(2_500_000)),
                        ]
                    ),
                )
            ],
            "Zeilen, erlaubt sind",
        ),
    ]
    return cases
