"""Lists of Ortsteile for the sub-area key registry: CSV/XLSX lists or Ortsteil boundaries.

A list has a key column (`<AGS>-<code>`, e.g. `04021000-001`) and a name column. Codes are
short official numbers (`001`, `12`, `4a`, `B12`); anything that looks like a person's name or a
person id is refused here too, so the registry can never legitimise such keys. `000` is
reserved for the remainder "ohne Ortsteilzuordnung" that publishing adds itself.
"""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path
from typing import Final

import pandas as pd

from etl.errors import InputError
from etl.extract.tabular import parse_table

TABLE_SUFFIXES: Final = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".parquet")
GEO_SUFFIXES: Final = (".gpkg", ".geojson", ".json", ".shp", ".zip")
CODE: Final = re.compile(r"\d{1,4}[A-Za-z]?|[A-Za-z]\d{1,4}")
NAME_LIKE: Final = re.compile(r"[^\W\d_]{2,}")
KEY: Final = re.compile(r"(\d{8})-(.+)")
RESERVED_CODE: Final = "000"
CODE_HINT: Final = (
    "Ortsteil-Codes sind kurze Nummern wie 001, 12, 4a oder B12 (höchstens 4 Ziffern)."
)


def code_problem(code: str) -> str | None:
    """Why an Ortsteil code cannot be a registered sub-area, or None when it is plausible."""
    if NAME_LIKE.search(code):
        return "sieht aus wie ein Name"
    if not CODE.fullmatch(code):
        return "sieht aus wie eine Personen- oder Laufnummer"
    if code == RESERVED_CODE:
        return "ist für „ohne Ortsteilzuordnung“ reserviert"
    return None


def key_problem(key: str, municipality: str | None = None) -> str | None:
    """Why `key` is no valid Ortsteil key (of `municipality`, when given), or None."""
    match = KEY.fullmatch(key)
    if match is None:
        return "kein Ortsteil-Schlüssel der Form <AGS>-<Code> (z. B. 04021000-001)"
    if municipality is not None and match.group(1) != municipality:
        return f"gehört nicht zur Gemeinde {municipality}"
    problem = code_problem(match.group(2))
    return f"Code {match.group(2)!r} {problem}" if problem else None


def _read_frame(data: bytes, file: str, layer: str | None) -> pd.DataFrame:
    suffix = Path(file).suffix.lower()
    if suffix in TABLE_SUFFIXES:
        return parse_table(data, file)
    if suffix not in GEO_SUFFIXES:
        raise InputError(
            f"Dateityp {suffix or '(ohne Endung)'!r} unbekannt; erwartet CSV, XLSX, Parquet, "
            "GeoPackage, GeoJSON oder Shapefile (ZIP).",
            file=file,
        )
    import pyogrio
    from pyogrio.errors import DataLayerError, DataSourceError

    try:
        with warnings.catch_warnings():  # in-memory files have no extension GDAL could check
            warnings.simplefilter("ignore", RuntimeWarning)
            frame = pyogrio.read_dataframe(io.BytesIO(data), layer=layer, read_geometry=False)
    except (DataSourceError, DataLayerError, ValueError, TypeError, OSError) as error:
        hint = f" Ebene {layer!r} vorhanden?" if layer else ""
        raise InputError(f"Geodatei nicht lesbar: {error}.{hint}", file=file) from None
    frame = frame.astype("string").fillna("")
    frame.index = pd.RangeIndex(1, len(frame) + 1)  # feature numbers, 1-based
    return frame.astype(object)


def _column(frame: pd.DataFrame, wanted: str, file: str, option: str) -> str:
    for column in frame.columns:
        if str(column).strip().lower() == wanted.strip().lower():
            return str(column)
    raise InputError(
        f"Spalte {wanted!r} fehlt; vorhanden: {', '.join(map(str, frame.columns))}. "
        f"Mit {option} die richtige Spalte angeben.",
        file=file,
        column=wanted,
    )


def _clean_key(value: object) -> str:
    text = str(value).strip()
    head, dash, tail = text.partition("-")
    if dash and head.isdigit() and len(head) == 7:  # a spreadsheet dropped the leading zero
        return f"0{head}-{tail}"
    return text


def parse_subarea_list(
    data: bytes, file: str, *, key: str = "key", name: str = "name", layer: str | None = None
) -> pd.DataFrame:
    """Rows area_key, municipality, name of a list of Ortsteile; InputError names the row."""
    frame = _read_frame(data, file, layer)
    key_column = _column(frame, key, file, "--key")
    name_column = _column(frame, name, file, "--name")
    if frame.empty:
        raise InputError("Die Liste enthält keine Ortsteile.", file=file)
    rows = pd.DataFrame(
        {
            "area_key": frame[key_column].map(_clean_key),
            "name": frame[name_column].astype(str).str.strip(),
        },
        index=frame.index,
    )
    for row, area_key, area_name in rows.itertuples():
        problem = key_problem(area_key)
        if problem:
            raise InputError(
                f"Schlüssel {area_key!r}: {problem}. {CODE_HINT}", file=file, row=row, column=key
            )
        if not area_name:
            raise InputError("Name fehlt.", file=file, row=row, column=name)
    names = rows.groupby("area_key")["name"].nunique()
    if (names > 1).any():
        clash = names[names > 1].index[0]
        row = int(rows.index[rows["area_key"] == clash][1])
        raise InputError(
            f"Schlüssel {clash!r} steht mit zwei verschiedenen Namen in der Liste.",
            file=file,
            row=row,
            column=name,
        )
    unique = rows.drop_duplicates("area_key")  # parts of one Ortsteil (exclaves) share a key
    return unique.assign(municipality=unique["area_key"].str[:8])[
        ["area_key", "municipality", "name"]
    ].reset_index(drop=True)


def read_subarea_list(
    path: Path, *, key: str = "key", name: str = "name", layer: str | None = None
) -> pd.DataFrame:
    """`parse_subarea_list` of a file on disk."""
    if not path.is_file():
        raise InputError("Datei nicht gefunden; Pfad prüfen.", file=str(path))
    return parse_subarea_list(path.read_bytes(), path.name, key=key, name=name, layer=layer)
