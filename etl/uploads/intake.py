"""Uploaded files to a staging path `read_extract` can open, with limits against zip bombs.

Nothing here writes to a store. A staged upload lives in DEMOGRAFIE_HOME/portal-staging/<job>
only while it is validated and waits for confirmation; refused uploads are deleted at once.
"""

from __future__ import annotations

import re
import shutil
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Final

from etl.config import Settings
from etl.errors import InputError
from etl.uploads.limits import check_parquet

ALLOWED_SUFFIXES: Final = (".csv", ".txt", ".tsv", ".xlsx", ".parquet", ".json", ".zip")
MAX_FILES: Final = 12
MAX_ZIP_MEMBERS: Final = 64
MAX_RATIO: Final = 200  # uncompressed / compressed; CSV compresses ~10x, a zip bomb ~1000x
STAGING: Final = "portal-staging"
STALE_SECONDS: Final = 24 * 3600
SAFE_NAME: Final = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(frozen=True)
class UploadedFile:
    """One file as the browser sent it: its name (untrusted) and content."""

    name: str
    data: bytes


def safe_name(name: str) -> str:
    """The base name only, restricted to harmless characters."""
    base = PureWindowsPath(PurePosixPath(name).name).name
    cleaned = SAFE_NAME.sub("_", base).lstrip(".")[:120]
    return cleaned or "upload"


def staging_root(settings: Settings) -> Path:
    return settings.home / STAGING


def staging_dir(settings: Settings, job_id: str) -> Path:
    if not re.fullmatch(r"[A-Za-z0-9_-]{8,64}", job_id):
        raise InputError(f"Ungültige Auftragsnummer {job_id!r}.")
    return staging_root(settings) / job_id


def check_archive(data: bytes, name: str, max_bytes: int, max_rows: int = 2_000_000) -> None:
    """Refuse archives (zip, xlsx) that unpack to more than `max_bytes` or too suspiciously.

    Parquet members are checked like Parquet uploads (`check_parquet`), after the size check.
    """
    import io

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise InputError(
            f"Archiv nicht lesbar ({error}); ist die Datei vollständig übertragen?", file=name
        ) from None
    if len(members) > MAX_ZIP_MEMBERS * (50 if name.lower().endswith(".xlsx") else 1):
        raise InputError(
            f"Das Archiv enthält {len(members)} Dateien; erwartet wird ein Auszug "
            "(manifest.json und drei Tabellen).",
            file=name,
        )
    total = sum(m.file_size for m in members)
    if total > max_bytes:
        raise InputError(
            f"Entpackt {total:,} Bytes, erlaubt sind {max_bytes:,}. Bitte den Auszug "
            "als Parquet oder in kleineren Teilen senden.",
            file=name,
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 1_000_000 and ratio > MAX_RATIO:
            raise InputError(
                f"{member.filename!r} ist {ratio:.0f}-fach komprimiert; das sieht "
                "nach einer ZIP-Bombe aus und wird nicht entpackt.",
                file=name,
            )
        if member.filename.lower().endswith(".zip"):
            raise InputError(
                "Verschachtelte ZIP-Archive werden nicht angenommen.",
                file=name,
                column=member.filename,
            )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        _check_parquet_members(archive, name, max_bytes, max_rows)


def _check_parquet_members(
    archive: zipfile.ZipFile, name: str, max_bytes: int, max_rows: int
) -> None:
    for member in archive.infolist():
        if member.filename.lower().endswith(".parquet"):
            check_parquet(
                archive.read(member),
                f"{name}/{member.filename}",
                max_bytes=max_bytes,
                max_rows=max_rows,
            )


def _check_file(item: UploadedFile, max_bytes: int, max_rows: int = 2_000_000) -> str:
    name = safe_name(item.name)
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise InputError(
            f"Dateityp {suffix or '(ohne Endung)'!r} wird nicht angenommen; erlaubt: "
            f"{', '.join(ALLOWED_SUFFIXES)}.",
            file=name,
        )
    if not item.data:
        raise InputError("Die Datei ist leer (0 Bytes).", file=name)
    if len(item.data) > max_bytes:
        raise InputError(
            f"Die Datei hat {len(item.data):,} Bytes, erlaubt sind {max_bytes:,}.", file=name
        )
    if suffix in (".zip", ".xlsx"):
        check_archive(item.data, name, max_bytes, max_rows)
    if suffix == ".parquet":
        check_parquet(item.data, name, max_bytes=max_bytes, max_rows=max_rows)
    return name


def stage(settings: Settings, job_id: str, files: list[UploadedFile]) -> Path:
    """Write the files to the job's staging directory; returns what `read_extract` should open.

    One zip: the zip itself. Several files: the directory (needs manifest.json). One table
    without manifest: the table (read_extract explains what is missing, or refuses it as
    person-level data).
    """
    if not files:
        raise InputError("Es wurde keine Datei übertragen.")
    if len(files) > MAX_FILES:
        raise InputError(f"{len(files)} Dateien; ein Auszug hat höchstens {MAX_FILES}.")
    total = sum(len(f.data) for f in files)
    if total > settings.upload_max_bytes:
        raise InputError(f"Zusammen {total:,} Bytes, erlaubt sind {settings.upload_max_bytes:,}.")
    names = [_check_file(f, settings.upload_max_bytes, settings.upload_max_rows) for f in files]
    if len(set(names)) != len(names):
        raise InputError("Zwei Dateien tragen denselben Namen.")
    if len(files) > 1 and any(n.lower().endswith(".zip") for n in names):
        raise InputError("Bitte entweder ein ZIP-Archiv oder die einzelnen Dateien senden.")
    target = staging_dir(settings, job_id)
    target.mkdir(parents=True, exist_ok=False)
    for name, item in zip(names, files, strict=True):
        (target / name).write_bytes(item.data)
    if len(files) > 1:
        return target
    return target / names[0]


def discard(settings: Settings, job_id: str) -> None:
    """Delete a staged upload (refused, stored or abandoned)."""
    shutil.rmtree(staging_dir(settings, job_id), ignore_errors=True)


def discard_stale(settings: Settings, max_age_seconds: int | None = None) -> int:
    """Delete staged uploads older than DEMOGRAFIE_UPLOAD_KEEP_HOURS (never confirmed)."""
    if max_age_seconds is None:
        max_age_seconds = settings.upload_keep_hours * 3600
    root, removed = staging_root(settings), 0
    if not root.is_dir():
        return 0
    for path in root.iterdir():
        if path.is_dir() and time.time() - path.stat().st_mtime > max_age_seconds:
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
    return removed


def staged_path(settings: Settings, job_id: str) -> Path:
    """What `stage` returned for this job, found again on disk."""
    target = staging_dir(settings, job_id)
    entries = sorted(target.iterdir()) if target.is_dir() else []
    if not entries:
        raise InputError("Die geprüfte Datei liegt nicht mehr vor; bitte erneut hochladen.")
    return entries[0] if len(entries) == 1 else target
