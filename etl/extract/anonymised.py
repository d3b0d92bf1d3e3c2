"""The anonymised extract on disk: write it (`etl extract`) and read it back (`import-extract`).

An extract is a directory (or a .zip of it) with manifest.json and the tables of etl.model as
CSV, XLSX or Parquet. Reading validates everything and refuses person-level data; it never
writes anything, so a refused upload leaves the store untouched.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any, Final

import pandas as pd

from etl.errors import InputError, PersonLevelDataError
from etl.extract.extract_table import validate_table
from etl.extract.person_level import (
    PERSON_LEVEL_MESSAGE,
    PERSON_NAMES,
    PERSON_TOKENS,
    check_person_level,
)
from etl.extract.structure import check_structure
from etl.extract.tabular import parse_table
from etl.model import SCHEMA_VERSION, SEX_RULE, TABLE_COLUMNS, ExtractBundle

MANIFEST: Final = "manifest.json"
FORMATS: Final = {"csv": ".csv", "parquet": ".parquet", "xlsx": ".xlsx"}
GENERATOR: Final = "demografie-dashboard etl extract (schema 1)"
MAX_MEMBER_BYTES: Final = 2_000_000_000
XLSX_MAX_ROWS: Final = 1_048_575


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def table_bytes(frame: pd.DataFrame, file_format: str) -> bytes:
    """One table serialised: UTF-8 CSV with `,`, Parquet, or XLSX (first sheet)."""
    if file_format == "csv":
        return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    buffer = io.BytesIO()
    if file_format == "parquet":
        frame.to_parquet(buffer, index=False)
    elif file_format == "xlsx":
        if len(frame) > XLSX_MAX_ROWS:
            raise InputError(
                f"{len(frame)} Zeilen passen nicht in eine XLSX-Tabelle; bitte "
                "--format csv oder parquet verwenden."
            )
        frame.to_excel(buffer, index=False)
    else:
        raise InputError(f"Unbekanntes Format {file_format!r}; erlaubt: {', '.join(FORMATS)}.")
    return buffer.getvalue()


def write_extract(
    bundle: ExtractBundle,
    out_dir: Path,
    *,
    file_format: str = "csv",
    input_rows: dict[str, int] | None = None,
    created_at: dt.datetime | None = None,
) -> dict[str, Any]:
    """Write the tables and manifest.json (last, so a complete manifest means a complete
    extract) into `out_dir`; returns the manifest."""
    if file_format not in FORMATS:
        raise InputError(f"Unbekanntes Format {file_format!r}; erlaubt: {', '.join(FORMATS)}.")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / MANIFEST).unlink(missing_ok=True)
    tables: dict[str, Any] = {}
    for name in TABLE_COLUMNS:
        frame = bundle.table(name)
        data = table_bytes(frame, file_format)
        file_name = name + FORMATS[file_format]
        (out_dir / file_name).write_bytes(data)
        tables[name] = {"file": file_name, "rows": len(frame), "sha256": _sha256(data)}
    manifest = {
        "schema_version": SCHEMA_VERSION,
        "municipality": bundle.municipality,
        "reference_date": bundle.reference_date.isoformat(),
        "created_at": (created_at or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
        "generator": GENERATOR,
        "sex_rule": SEX_RULE,
        "format": file_format,
        "input_rows": dict(input_rows or {}),
        "tables": tables,
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    (out_dir / MANIFEST).write_text(text, encoding="utf-8")
    return manifest


class _Container:
    """Files of an extract: a directory or a zip archive (members read by base name)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        self.prefix = ""
        if path.is_file() and path.name == MANIFEST:
            self.root = path.parent
        elif path.is_dir():
            self.root = path
        elif path.is_file() and path.suffix.lower() == ".zip":
            self._open_zip(path)
        elif path.exists():
            self._refuse_loose_file(path)
        else:
            raise InputError("Pfad nicht gefunden.", file=str(path))

    def _open_zip(self, path: Path) -> None:
        try:
            self.zip = zipfile.ZipFile(path)
            names = self.zip.namelist()
        except (zipfile.BadZipFile, OSError, ValueError) as error:
            raise InputError(f"ZIP-Archiv nicht lesbar: {error}", file=path.name) from None
        manifests = sorted((n for n in names if PurePosixPath(n).name == MANIFEST), key=len)
        if not manifests:
            raise InputError(
                f"Das ZIP-Archiv enthält kein {MANIFEST}; erwartet wird ein mit "
                "`python -m etl extract` erzeugter Auszug.",
                file=path.name,
            )
        self.prefix = manifests[0][: -len(MANIFEST)]

    @staticmethod
    def _refuse_loose_file(path: Path) -> None:
        try:
            frame = parse_table(path.read_bytes(), path.name)
        except InputError:
            frame = None
        if frame is not None:
            check_person_level(frame, path.name)
        raise InputError(
            f"Erwartet wird ein Auszugsverzeichnis, ein ZIP davon oder {MANIFEST} "
            "(erzeugt mit `python -m etl extract`).",
            file=path.name,
        )

    def read(self, name: str) -> bytes:
        if "/" in name or "\\" in name or name in ("", ".", ".."):
            raise InputError(
                "Dateiname im Manifest darf keinen Pfad enthalten.", file=MANIFEST, column=name
            )
        try:
            if self.zip is not None:
                info = self.zip.getinfo(self.prefix + name)
                if info.file_size > MAX_MEMBER_BYTES:
                    raise InputError("Datei im ZIP ist zu groß.", file=name)
                return self.zip.read(info)
            return (self.root / name).read_bytes()
        except (KeyError, FileNotFoundError):
            raise InputError("Im Manifest genannte Datei fehlt.", file=name) from None
        except (OSError, zipfile.BadZipFile, ValueError, NotImplementedError) as error:
            raise InputError(f"Datei nicht lesbar: {error}", file=name) from None

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()


def _manifest_field(manifest: dict[str, Any], name: str, pattern: str, hint: str) -> str:
    value = manifest.get(name)
    if not isinstance(value, str) or not re.fullmatch(pattern, value):
        raise InputError(
            f"{name} = {value!r} ist ungültig; erwartet {hint}.", file=MANIFEST, column=name
        )
    return value


def parse_manifest(data: bytes) -> tuple[dict[str, Any], str, dt.date]:
    """Manifest, municipality and reference date, checked."""
    try:
        manifest = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(f"Manifest ist kein gültiges JSON: {error}", file=MANIFEST) from None
    if not isinstance(manifest, dict):
        raise InputError("Manifest muss ein JSON-Objekt sein.", file=MANIFEST)
    if manifest.get("schema_version") != SCHEMA_VERSION:
        raise InputError(
            f"schema_version {manifest.get('schema_version')!r} wird nicht "
            f"unterstützt; erwartet {SCHEMA_VERSION}. Auszug mit der aktuellen "
            "Version von `python -m etl extract` neu erzeugen.",
            file=MANIFEST,
            column="schema_version",
        )
    municipality = _manifest_field(manifest, "municipality", r"\d{8}", "einen 8-stelligen AGS")
    date_text = _manifest_field(manifest, "reference_date", r"\d{4}-\d{2}-\d{2}", "JJJJ-MM-TT")
    try:
        reference_date = dt.date.fromisoformat(date_text)
    except ValueError:
        raise InputError(
            f"reference_date {date_text!r} ist kein Datum.", file=MANIFEST, column="reference_date"
        ) from None
    tables = manifest.get("tables")
    if not isinstance(tables, dict) or set(TABLE_COLUMNS) - set(tables):
        raise InputError(
            f"tables muss {', '.join(TABLE_COLUMNS)} mit file, rows und sha256 nennen.",
            file=MANIFEST,
            column="tables",
        )
    for name in TABLE_COLUMNS:
        entry = tables[name]
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("file"), str)
            and isinstance(entry.get("rows"), int)
            and not isinstance(entry["rows"], bool)
            and isinstance(entry.get("sha256"), str)
        ):
            raise InputError(
                f"tables.{name} braucht file (Text), rows (Zahl) und sha256.",
                file=MANIFEST,
                column=f"tables.{name}",
            )
    return manifest, municipality, reference_date


def _read_table(
    container: _Container,
    name: str,
    entry: dict[str, Any],
    municipality: str,
    reference_date: dt.date,
) -> tuple[pd.DataFrame, tuple[int, ...]]:
    """The validated table and the source line of each of its rows."""
    data = container.read(entry["file"])
    if _sha256(data) != entry["sha256"].lower():
        raise InputError(
            "SHA-256 stimmt nicht mit dem Manifest überein (Datei verändert oder "
            "unvollständig übertragen).",
            file=entry["file"],
        )
    frame = parse_table(data, entry["file"])
    check_person_level(frame, entry["file"])
    if len(frame) != entry["rows"]:
        raise InputError(
            f"{len(frame)} Datenzeilen, laut Manifest {entry['rows']}.", file=entry["file"]
        )
    lines = tuple(int(line) for line in frame.index)
    return validate_table(frame, name, entry["file"], municipality, reference_date), lines


def read_extract(path: str | Path) -> ExtractBundle:
    """Read and validate an anonymised extract (directory, .zip of it, or its manifest.json).

    Raises InputError naming file, row and column, PersonLevelDataError for anything that looks
    like person-level data: person-level columns, and a structure only person-level data has
    (name- or id-like Ortsteil codes, many one-person areas, parts larger than their whole;
    see etl.extract.structure).
    """
    container = _Container(Path(path))
    try:
        manifest, municipality, reference_date = parse_manifest(container.read(MANIFEST))
        tables = {
            name: _read_table(
                container, name, manifest["tables"][name], municipality, reference_date
            )
            for name in TABLE_COLUMNS
        }
    finally:
        container.close()
    bundle = ExtractBundle(
        municipality,
        reference_date,
        tables["population"][0],
        tables["households"][0],
        tables["events"][0],
        manifest,
        lines={name: lines for name, (_, lines) in tables.items()},
    )
    check_structure(bundle)
    return bundle


__all__ = [  # check_person_level and its tables live in etl.extract.person_level
    "PERSON_LEVEL_MESSAGE",
    "PERSON_NAMES",
    "PERSON_TOKENS",
    "PersonLevelDataError",
    "check_person_level",
    "read_extract",
    "write_extract",
]
