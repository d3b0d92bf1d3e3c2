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
from etl.extract.person_level import (
    HEADER_ALIASES,
    PERSON_LEVEL_MESSAGE,
    PERSON_NAMES,
    PERSON_TOKENS,
    check_person_level,
)
from etl.extract.register import EVENT_CODES, RESIDENCE_CODES, normalise_name
from etl.extract.structure import check_structure
from etl.extract.tabular import parse_table
from etl.model import (
    AREA_LEVELS,
    EVENTS,
    GRID_LEVELS,
    GRID_NATIONALITY,
    MAX_HOUSEHOLD_SIZE,
    NATIONALITIES,
    SCHEMA_VERSION,
    SEX_RULE,
    TABLE_COLUMNS,
    ExtractBundle,
)
from etl.transform.ages import BROAD_AGE_GROUPS, MAX_AGE

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


VALUE_ALIASES: Final = {
    "sex": {
        "weiblich": "female",
        "w": "female",
        "männlich": "male",
        "maennlich": "male",
        "m": "male",
    },
    "nationality": {"deutsch": "de", "nichtdeutsch": "foreign", "insgesamt": "all"},
    "residence": RESIDENCE_CODES,
    "event": EVENT_CODES,
}
GRID_AGES: Final = frozenset(age_from for age_from, _ in BROAD_AGE_GROUPS)
GRID_KEY: Final = {"grid1km": r"1kmN\d{4}E\d{4}", "grid100m": r"100mN\d{5}E\d{5}"}


def _fail(frame: pd.DataFrame, bad: pd.Series, file: str, column: str, message: str) -> None:
    """Raise for the first row flagged in `bad`, naming its line and value."""
    if bad.any():
        line = bad[bad].index[0]
        value = frame.at[line, column] if column in frame else ""
        raise InputError(f"{message} Gefunden: {value!r}.", file=file, row=int(line), column=column)


def _canonical_frame(frame: pd.DataFrame, table: str, file: str) -> pd.DataFrame:
    renamed = frame.rename(
        columns=lambda c: HEADER_ALIASES.get(normalise_name(str(c)), normalise_name(str(c)))
    )
    expected = set(TABLE_COLUMNS[table])
    missing = [c for c in TABLE_COLUMNS[table] if c not in renamed]
    extra = [c for c in renamed if c not in expected | {"reference_date"}]
    if missing or extra:
        raise InputError(
            f"Spalten passen nicht zur Tabelle {table}: erwartet "
            f"{', '.join(TABLE_COLUMNS[table])}"
            + (f"; es fehlt {', '.join(missing)}" if missing else "")
            + (f"; unbekannt {', '.join(extra)}" if extra else "")
            + ".",
            file=file,
            column=(missing or extra)[0],
        )
    for column, aliases in VALUE_ALIASES.items():
        if column in renamed:
            lowered = renamed[column].str.lower()
            renamed[column] = lowered.map(aliases).fillna(lowered)
    return renamed


def _integers(frame: pd.DataFrame, column: str, file: str, low: int, high: int | None) -> None:
    text = frame[column]
    _fail(frame, ~text.str.fullmatch(r"\d{1,9}"), file, column, "Keine nicht-negative ganze Zahl.")
    values = text.astype("int64")
    upper = f"..{high}" if high is not None else " oder mehr"
    _fail(
        frame,
        (values < low) | (values > (high if high is not None else values.max())),
        file,
        column,
        f"Wert außerhalb {low}{upper}.",
    )


def _check_keys(frame: pd.DataFrame, table: str, file: str, municipality: str) -> None:
    levels = AREA_LEVELS if table == "population" else ("gemeinde", "ortsteil")
    _fail(
        frame,
        ~frame["area_level"].isin(levels),
        file,
        "area_level",
        f"Unbekannte Ebene; erlaubt in {table}: {', '.join(levels)}.",
    )
    key, level = frame["area_key"], frame["area_level"]
    pattern = level.map(
        {
            "gemeinde": re.escape(municipality),
            # Any code here: etl.extract.structure explains name- and id-like codes itself.
            "ortsteil": re.escape(municipality) + r"-[^\s,;]{1,60}",
            **GRID_KEY,
        }
    )
    bad = pd.Series(
        [not re.fullmatch(p, k) for p, k in zip(pattern, key, strict=True)],
        index=frame.index,
        dtype=bool,
    )
    _fail(
        frame,
        bad,
        file,
        "area_key",
        f"Gebietsschlüssel passt nicht zur Ebene oder gehört nicht zur Gemeinde {municipality} "
        "(gemeinde: AGS, ortsteil: AGS-Code, Raster: 1kmN....E.... / 100mN.....E.....).",
    )


def _check_codes(frame: pd.DataFrame, table: str, file: str) -> None:
    allowed = {"sex": ("female", "male"), "residence": ("main", "secondary"), "event": EVENTS}
    for column, values in allowed.items():
        if column in frame:
            _fail(
                frame,
                ~frame[column].isin(values),
                file,
                column,
                f"Unbekannter Code; erlaubt: {', '.join(values)}.",
            )
    for column, (low, high) in {
        "age": (0, MAX_AGE),
        "size": (1, MAX_HOUSEHOLD_SIZE),
        "count": (0, None),
    }.items():
        if column in frame:
            _integers(frame, column, file, low, high)
    if table == "population":
        grid = frame["area_level"].isin(GRID_LEVELS)
        expected = frame["nationality"].where(~grid, GRID_NATIONALITY)
        _fail(
            frame,
            ~frame["nationality"].isin(NATIONALITIES) & ~grid | (frame["nationality"] != expected),
            file,
            "nationality",
            f"Unbekannter Code; erlaubt: {', '.join(NATIONALITIES)} (Raster: {GRID_NATIONALITY}).",
        )
        _fail(
            frame,
            grid & (frame["residence"] != "main"),
            file,
            "residence",
            "Rasterzellen enthalten nur Hauptwohnungen (main).",
        )
        _fail(
            frame,
            grid & ~frame["age"].astype("int64").isin(GRID_AGES),
            file,
            "age",
            f"Rasterzellen haben nur die Altersgruppen {sorted(GRID_AGES)}.",
        )


def validate_table(
    frame: pd.DataFrame, table: str, file: str, municipality: str, reference_date: dt.date
) -> pd.DataFrame:
    """Check one table of an extract; returns it typed (ints) with the model's columns."""
    frame = _canonical_frame(frame, table, file)
    if "reference_date" in frame:
        _fail(
            frame,
            frame["reference_date"] != reference_date.isoformat(),
            file,
            "reference_date",
            f"Stichtag weicht vom Manifest ({reference_date}) ab; je "
            "Auszug ist nur ein Stichtag erlaubt.",
        )
    _check_keys(frame, table, file, municipality)
    _check_codes(frame, table, file)
    keys = list(TABLE_COLUMNS[table][:-1])
    _fail(
        frame, frame.duplicated(keys), file, "area_key", f"Doppelter Schlüssel ({', '.join(keys)})."
    )
    result = frame[list(TABLE_COLUMNS[table])].copy()
    for column in result:
        integer = column in ("age", "size", "count")
        result[column] = result[column].astype("int64" if integer else object)
    return result.reset_index(drop=True)


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
