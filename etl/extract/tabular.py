"""Read CSV, XLSX and Parquet tables into data frames of strings, sniffing encoding and separator.

CSV files come from many tools: UTF-8 with or without BOM or Windows-1252 (Excel in German),
separated by `;` (German Excel), `,` or tab. Every cell is returned as a stripped string (empty
cells as ""), so callers validate values themselves and area keys keep their leading zeros.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Final

from etl.errors import InputError

if TYPE_CHECKING:  # pandas is imported where frames are built: `etl extract` needs none early
    import pandas as pd

SEPARATORS: Final = (";", ",", "\t", "|")
CSV_SUFFIXES: Final = (".csv", ".txt", ".tsv")
EXCEL_SUFFIXES: Final = (".xlsx", ".xlsm")
PARQUET_SUFFIXES: Final = (".parquet", ".pq")
SNIFF_BYTES: Final = 65536


def decode_text(data: bytes, *, file: str) -> tuple[str, str]:
    """The text of a CSV file and the encoding used: UTF-8 (BOM stripped) or Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    elif b"\x00" in data[:SNIFF_BYTES]:
        raise InputError(
            "Die Datei enthält Null-Bytes und ist keine Textdatei (CSV). "
            "Bitte als CSV (UTF-8 oder Windows-1252), XLSX oder Parquet speichern.",
            file=file,
        )
    else:
        encoding = "utf-8"
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as error:
        raise InputError(
            f"Zeichenkodierung nicht erkannt (weder UTF-8 noch Windows-1252, Byte "
            f"{error.start}). Bitte als UTF-8 speichern.",
            file=file,
        ) from None


def sniff_separator(header_line: str) -> str:
    """The separator occurring most often in the header line (`;` wins ties, as in German)."""
    counts = {sep: header_line.count(sep) for sep in SEPARATORS}
    best = max(SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] > 0 else ","


def sniff_csv(data: bytes, *, file: str) -> tuple[str, str]:
    """(encoding, separator) of a CSV file from its first bytes, for readers like duckdb."""
    head = data[:SNIFF_BYTES]
    # A cut inside a multi-byte character must not look like Windows-1252.
    for cut in range(4):
        try:
            text, encoding = decode_text(head[: len(head) - cut], file=file)
            break
        except InputError:
            if cut == 3:
                raise
    first_line = text.lstrip("\ufeff").splitlines()[0] if text.strip() else ""
    return encoding, sniff_separator(first_line)


def parse_csv(data: bytes, *, file: str) -> pd.DataFrame:
    """A CSV file's rows as strings; the first non-empty line is the header."""
    text, _ = decode_text(data, file=file)
    text = text.lstrip("\ufeff")
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise InputError(
            "Die Datei ist leer; erwartet wird eine Kopfzeile mit Spaltennamen.", file=file
        )
    separator = sniff_separator(next(line for line in lines if line.strip()))
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=separator))
    except csv.Error as error:
        raise InputError(f"CSV nicht lesbar: {error}", file=file) from None
    return rows_to_frame(rows, file=file)


def rows_to_frame(rows: list[list[str]], *, file: str, first_line: int = 1) -> pd.DataFrame:
    """Header plus data rows to a frame of stripped strings; ragged rows are errors."""
    import pandas as pd

    while rows and not any(cell.strip() for cell in rows[0]):
        rows, first_line = rows[1:], first_line + 1
    if not rows:
        raise InputError("Die Datei enthält keine Kopfzeile.", file=file)
    header = [cell.strip().lstrip("\ufeff") for cell in rows[0]]
    if any(not name for name in header):
        column = header.index("") + 1
        raise InputError(f"Spalte Nr. {column} hat keinen Namen.", file=file, row=first_line)
    if len(set(header)) != len(header):
        duplicate = next(name for name in header if header.count(name) > 1)
        raise InputError("Spaltenname doppelt.", file=file, row=first_line, column=duplicate)
    body: list[list[str]] = []
    line_numbers: list[int] = []
    for offset, row in enumerate(rows[1:], start=first_line + 1):
        if not any(cell.strip() for cell in row):
            continue  # blank lines (often at the end) carry nothing
        if len(row) != len(header):
            raise InputError(
                f"{len(row)} Felder statt {len(header)} wie in der Kopfzeile "
                "(falsches Trennzeichen oder Anführungszeichen?).",
                file=file,
                row=offset,
            )
        body.append([cell.strip() for cell in row])
        line_numbers.append(offset)
    return pd.DataFrame(
        body, columns=header, index=pd.Index(line_numbers, dtype="int64"), dtype=object
    )


def parse_xlsx(data: bytes, *, file: str) -> pd.DataFrame:
    """The first worksheet of an XLSX file as strings; row numbers as in Excel."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise InputError(f"XLSX-Datei nicht lesbar: {error}", file=file) from None
    try:
        sheet = workbook.worksheets[0]
        rows = [[_excel_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    return rows_to_frame(rows, file=file)


def _excel_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def parse_parquet(data: bytes, *, file: str) -> pd.DataFrame:
    """A Parquet file as strings; row n is the n-th record plus one (the header line)."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(pa.BufferReader(data))
    except (pa.ArrowException, OSError, ValueError) as error:
        raise InputError(f"Parquet-Datei nicht lesbar: {error}", file=file) from None
    frame = table.to_pandas()
    strings = pd.DataFrame(
        {
            str(name): [
                "" if value is None or value != value else _excel_cell(value)
                for value in frame[name].tolist()
            ]
            for name in frame.columns
        },
        dtype=object,
    )
    strings.index = pd.RangeIndex(2, 2 + len(strings))
    return strings


def parse_table(data: bytes, name: str) -> pd.DataFrame:
    """Parse bytes by the file name's suffix; the index holds the row number for messages."""
    suffix = Path(name).suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return parse_xlsx(data, file=name)
    if suffix in PARQUET_SUFFIXES:
        return parse_parquet(data, file=name)
    if suffix in CSV_SUFFIXES:
        return parse_csv(data, file=name)
    raise InputError(
        f"Unbekanntes Dateiformat {suffix or '(ohne Endung)'!r}; erwartet .csv, .xlsx oder "
        ".parquet.",
        file=name,
    )


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a CSV, XLSX or Parquet file into strings; the index is the row number (header = 1)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"Datei nicht lesbar: {error.strerror}", file=str(path)) from None
    return parse_table(data, path.name)
