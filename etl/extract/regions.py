"""Reader of predefined region sets: groupings of municipalities across Kreis and Land borders.

Input (CSV with `,` or `;`, or XLSX): region_set, region_key, region_name, member_key. A member
is a Gemeinde (8 digits), a Kreis (5) or a Land (2); Kreise and Länder are expanded to their
municipalities, so the stored table lists municipalities only. The reader is pure apart from
reading the file: the known municipality keys are passed in (from the `areas` table).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Final

import pandas as pd

from etl.errors import InputError
from etl.transform.territory import level_of_key, municipalities_of

COLUMNS: Final = ("region_set", "region_key", "region_name", "member_key")
_PAD: Final = {1: 2, 4: 5, 7: 8}  # spreadsheets drop the leading zero of 01..09


def read_region_file(path: str | Path) -> pd.DataFrame:
    """The raw table as text (keys keep leading zeros); XLSX by suffix, else CSV."""
    file = str(path)
    if not Path(path).is_file():
        raise InputError("Datei nicht gefunden; Pfad prüfen.", file=file)
    try:
        if Path(path).suffix.lower() in (".xlsx", ".xlsm"):
            frame = pd.read_excel(path, dtype=str, keep_default_na=False)
        else:
            frame = pd.read_csv(
                path,
                dtype=str,
                keep_default_na=False,
                sep=None,
                engine="python",
                encoding="utf-8-sig",
            )
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError, OSError) as error:
        raise InputError(f"keine lesbare CSV- oder XLSX-Datei ({error}).", file=file) from error
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(
            f"Spalten fehlen: {', '.join(missing)}; erwartet {', '.join(COLUMNS)}.",
            file=file,
            row=1,
            column=missing[0],
        )
    return frame[list(COLUMNS)].apply(lambda column: column.astype(str).str.strip())


def expand_regions(
    raw: pd.DataFrame, municipality_keys: Iterable[str], *, file: str = ""
) -> pd.DataFrame:
    """Validate the rows and expand Kreis/Land members to municipalities.

    Errors name the row (the header is row 1): empty cells, unknown member keys, a member
    listed twice or covered twice (Kreis and one of its Gemeinden), a region key used with two
    names or two sets, a region without members.
    """
    known = set(municipality_keys)
    _check_regions(raw, file)
    expanded = []
    seen: dict[tuple[str, str], int] = {}
    for index, row in enumerate(raw.itertuples(index=False), start=2):
        member = _member_key(row.member_key, file, index)
        members = municipalities_of(member, known)
        if not members:
            raise InputError(
                f"Mitglied {member!r} ist im Gebietsbestand unbekannt; erst "
                "import-boundaries ausführen oder Schlüssel prüfen.",
                file=file,
                row=index,
                column="member_key",
            )
        for municipality in members:
            first = seen.setdefault((row.region_key, municipality), index)
            if first != index:
                raise InputError(
                    f"Gemeinde {municipality} ist in Region {row.region_key!r} "
                    f"doppelt (auch Zeile {first}).",
                    file=file,
                    row=index,
                    column="member_key",
                )
            expanded.append((row.region_set, row.region_key, row.region_name, municipality))
    frame = pd.DataFrame(expanded, columns=list(COLUMNS), dtype="str")
    return frame.sort_values(["region_set", "region_key", "member_key"]).reset_index(drop=True)


def _check_regions(raw: pd.DataFrame, file: str) -> None:
    if raw.empty:
        raise InputError("keine Zeilen.", file=file)
    for index, row in enumerate(raw.itertuples(index=False), start=2):
        for column in ("region_set", "region_key", "region_name"):
            if not getattr(row, column):
                raise InputError("Zelle leer.", file=file, row=index, column=column)
    for column in ("region_name", "region_set"):
        counts = raw.groupby("region_key")[column].nunique()
        if (counts > 1).any():
            key = counts[counts > 1].index[0]
            row = int(raw.index[raw["region_key"] == key][0]) + 2
            raise InputError(
                f"Region {key!r} hat mehrere Werte in {column}; je Region einen.",
                file=file,
                row=row,
                column=column,
            )
    has_member = raw["member_key"].ne("").groupby(raw["region_key"]).any()
    if not has_member.all():
        key = has_member[~has_member].index[0]
        row = int(raw.index[raw["region_key"] == key][0]) + 2
        raise InputError(
            f"Region {key!r} hat keine Mitglieder.", file=file, row=row, column="member_key"
        )


def _member_key(raw: str, file: str, row: int) -> str:
    text = raw[:-2] if raw.endswith(".0") else raw
    if not text:
        raise InputError("member_key leer.", file=file, row=row, column="member_key")
    if text.isdigit() and len(text) in _PAD:
        text = text.zfill(_PAD[len(text)])
    try:
        level = level_of_key(text)
    except ValueError as error:
        raise InputError(str(error), file=file, row=row, column="member_key") from error
    if level == "ortsteil":
        raise InputError(
            "Ortsteile sind als Mitglieder nicht erlaubt (Gemeinde, Kreis, Land).",
            file=file,
            row=row,
            column="member_key",
        )
    return text


REGION_PREFIX: Final = "R-"


def region_keys(keys: pd.Series) -> pd.Series:
    """Region keys carry the prefix `R-`, so they never collide with an AGS or grid id."""
    return keys.where(keys.str.startswith(REGION_PREFIX), REGION_PREFIX + keys)


def read_regions(path: str | Path, municipality_keys: Iterable[str]) -> pd.DataFrame:
    """Read, validate and expand a region-set file (see `expand_regions`); keys get `R-`."""
    regions = expand_regions(read_region_file(path), municipality_keys, file=str(path))
    return regions.assign(region_key=region_keys(regions["region_key"]))
