"""Downloads of the current view: CSV (UTF-8 / German Excel), XLSX, GeoPackage (pure).

Every file carries the release id, the disclosure-control parameters and the attribution of
its sources. Text cells beginning with =, +, -, @, tab or CR are neutralised with a leading
apostrophe (CSV/formula injection); the status symbols (–, •, …) are not affected because
they are not formula characters (– is U+2013, not a minus).
"""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import pandas as pd
from shapely.geometry import shape

from etl.symbols import PUBLISHED, SYMBOLS, ZERO

FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: Any) -> Any:
    """Prefix a formula-looking text cell with an apostrophe; other values unchanged."""
    if isinstance(text, str) and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def metadata_lines(info: dict[str, Any], view: str) -> list[tuple[str, str]]:
    """(label, value) pairs describing a release and the exported view."""
    sources = info.get("sources", {})
    return [
        ("Ansicht", view),
        ("Veröffentlichung", str(info["release_id"])),
        ("Mindestfallzahl k", str(info["min_count"])),
        ("Schutzintervall p", str(info["protection"])),
        ("Gebietsstand", str(info.get("territorial_status", ""))),
        ("Quellen", json.dumps(sources, ensure_ascii=False)),
        ("Quellenvermerk", str(info.get("attribution", ""))),
        ("Zeichen", "– genau null; • geheim gehalten; … nicht verfügbar"),
    ]


def with_symbols(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the symbol column next to status; value stays empty unless published or zero."""
    out = frame.copy()
    out["symbol"] = [SYMBOLS.get(s, "") for s in out["status"]]
    if "value" in out:
        out["value"] = out["value"].where(out["status"].isin([PUBLISHED, ZERO]))
    return out


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells cannot start a spreadsheet formula (for every CSV and XLSX)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    return out


def to_csv(frame: pd.DataFrame, meta: list[tuple[str, str]], *, excel_de: bool) -> bytes:
    """CSV with '# label: value' metadata lines first.

    excel_de: semicolons, decimal commas and a UTF-8 BOM so German Excel opens it directly.
    """
    data = neutralise_frame(with_symbols(frame))
    sep, decimal = (";", ",") if excel_de else (",", ".")
    buffer = io.StringIO()
    for label, value in meta:
        # A value of several lines (the attribution) continues on indented comment lines.
        first, *more = str(value).splitlines() or [""]
        buffer.write(f"# {label}: {neutralise(first)}\n")
        buffer.writelines(f"#   {neutralise(line)}\n" for line in more)
    data.to_csv(buffer, sep=sep, decimal=decimal, index=False, lineterminator="\n")
    text = buffer.getvalue()
    return ("\ufeff" + text).encode("utf-8") if excel_de else text.encode("utf-8")


def read_csv(content: bytes, *, excel_de: bool) -> pd.DataFrame:
    """Parse a file written by `to_csv` (used by tests and documented for users)."""
    text = content.decode("utf-8-sig")
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    sep, decimal = (";", ",") if excel_de else (",", ".")
    return pd.read_csv(io.StringIO(body), sep=sep, decimal=decimal, dtype={"area_key": str})


def to_xlsx(frame: pd.DataFrame, meta: list[tuple[str, str]]) -> bytes:
    """Workbook with sheets 'Daten' and 'Metadaten'."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        neutralise_frame(with_symbols(frame)).to_excel(writer, sheet_name="Daten", index=False)
        meta_frame = pd.DataFrame(meta, columns=["Merkmal", "Wert"])
        neutralise_frame(meta_frame).to_excel(writer, sheet_name="Metadaten", index=False)
    return buffer.getvalue()


def to_geopackage(
    frame: pd.DataFrame, geometries: dict[str, str], meta: list[tuple[str, str]]
) -> bytes:
    """GeoPackage layer 'daten' (EPSG:4326) with the metadata as dataset metadata."""
    data = with_symbols(frame)
    keyed = data[data["area_key"].isin(geometries)]
    geometry = [shape(json.loads(geometries[k])) for k in keyed["area_key"]]
    layer = gpd.GeoDataFrame(keyed.reset_index(drop=True), geometry=geometry, crs="EPSG:4326")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.gpkg"
        layer.to_file(path, layer="daten", driver="GPKG", engine="pyogrio", metadata=dict(meta))
        return path.read_bytes()
