"""Browser upload payloads (data URLs from dcc.Upload) to files, with a size limit first."""

from __future__ import annotations

import base64
import binascii

from etl.errors import InputError
from etl.uploads.intake import UploadedFile


def decode_upload(
    contents: str | list[str], names: str | list[str] | None, max_bytes: int
) -> list[UploadedFile]:
    """Decode dcc.Upload's `contents` (one or many `data:...;base64,...`) and file names."""
    contents = [contents] if isinstance(contents, str) else list(contents or [])
    names = [names] if isinstance(names, str) else list(names or [])
    if len(names) != len(contents):
        names = [f"datei-{i + 1}" for i in range(len(contents))]
    files = []
    for name, content in zip(names, contents, strict=True):
        _, _, payload = str(content).partition(",")
        if len(payload) * 3 // 4 > max_bytes:
            raise InputError(f"Die Datei ist größer als {max_bytes:,} Bytes.", file=name)
        try:
            files.append(UploadedFile(name, base64.b64decode(payload, validate=True)))
        except (binascii.Error, ValueError):
            raise InputError("Übertragung beschädigt; bitte erneut hochladen.", file=name) from None
    return files
