"""Which extracts a bulk import means: directories of extracts, globs, zips, single extracts."""

from __future__ import annotations

import glob
from pathlib import Path
from typing import Final

from etl.errors import InputError

MANIFEST: Final = "manifest.json"
GLOB_CHARACTERS: Final = ("*", "?", "[")


def _is_extract(path: Path) -> bool:
    return (
        (path.is_dir() and (path / MANIFEST).is_file())
        or path.suffix.lower() == ".zip"
        or (path.name == MANIFEST)
    )


def _expand(argument: str) -> list[Path]:
    if any(c in argument for c in GLOB_CHARACTERS):
        matches = sorted(Path(p) for p in glob.glob(argument))
        if not matches:
            raise InputError(f"Das Muster {argument!r} trifft keine Datei; Pfad prüfen.")
        return [p for m in matches for p in _expand(str(m))]
    path = Path(argument)
    if not path.exists():
        raise InputError("Datei oder Verzeichnis nicht gefunden; Pfad prüfen.", file=argument)
    if _is_extract(path) or path.is_file():
        return [path]  # read_extract judges single files (and refuses person-level data)
    if path.is_dir():
        found = sorted(p for p in path.iterdir() if _is_extract(p))
        if not found:
            raise InputError(
                "Verzeichnis enthält keinen Auszug (manifest.json oder .zip); Pfad prüfen.",
                file=argument,
            )
        return found
    raise InputError("kein Auszug (Verzeichnis, .zip oder manifest.json).", file=argument)


def extract_paths(arguments: list[str]) -> list[Path]:
    """Every extract named by the arguments, each once, in a stable order."""
    paths = [p for argument in arguments for p in _expand(argument)]
    return list(dict.fromkeys(paths))
