"""Helpers the tests (and users trying the portal) share: extracts as uploaded files."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from etl.model import ExtractBundle
from etl.uploads.intake import UploadedFile


def zip_directory(directory: Path, prefix: str = "auszug/") -> bytes:
    """The files of a directory as a zip archive (as a user would zip the extract folder)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(directory.iterdir()):
            archive.write(path, prefix + path.name)
    return buffer.getvalue()


def write_extract_dir(bundle: ExtractBundle, directory: Path, file_format: str = "csv") -> Path:
    from etl.extract.anonymised import write_extract

    write_extract(bundle, directory, file_format=file_format)
    return directory


def extract_zip(bundle: ExtractBundle, directory: Path, file_format: str = "csv") -> bytes:
    return zip_directory(write_extract_dir(bundle, directory, file_format))


def extract_files(
    bundle: ExtractBundle, directory: Path, file_format: str = "csv"
) -> list[UploadedFile]:
    """The extract's loose files (manifest plus tables), as a multi-file upload."""
    write_extract_dir(bundle, directory, file_format)
    return [UploadedFile(p.name, p.read_bytes()) for p in sorted(directory.iterdir())]
