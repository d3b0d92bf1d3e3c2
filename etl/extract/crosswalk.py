"""Reader of a territorial crosswalk CSV (`,` or `;`): the file side of etl.transform.crosswalk."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from etl.errors import InputError
from etl.transform.crosswalk import validate_crosswalk


def read_crosswalk(path: str | Path) -> pd.DataFrame:
    """Read and validate a crosswalk CSV; extra columns (confidence, evidence) are ignored."""
    file = str(path)
    if not Path(path).is_file():
        raise InputError("Datei nicht gefunden; Pfad prüfen.", file=file)
    try:
        raw = pd.read_csv(
            path, dtype=str, keep_default_na=False, sep=None, engine="python", encoding="utf-8-sig"
        )
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError, OSError) as error:
        raise InputError(f"keine lesbare CSV-Datei ({error}).", file=file) from error
    return validate_crosswalk(raw, file=file)
