"""Limits on what an uploaded Parquet file unpacks to, checked from its metadata only.

Parquet compresses repeated values (dictionary and run-length encoding) so well that a file
of a few kilobytes can describe millions of rows: reading it would take gigabytes. The footer
says how many rows and columns there are and how large the column data are once
decompressed, so a file is refused before a single row is read.
"""

from __future__ import annotations

import io
from typing import Final

import pyarrow as pa
import pyarrow.parquet as pq

from etl.errors import InputError

BYTES_PER_CELL: Final = 8  # a decoded number; strings are counted by their uncompressed size
MAX_COLUMNS: Final = 200


def check_parquet(data: bytes, name: str, *, max_bytes: int, max_rows: int) -> None:
    """Refuse a Parquet file whose rows, columns or decoded size exceed the limits."""
    try:
        metadata = pq.ParquetFile(io.BytesIO(data)).metadata
    except (pa.ArrowException, OSError, ValueError) as error:
        raise InputError(f"Parquet-Datei nicht lesbar ({error}).", file=name) from None
    if metadata.num_rows > max_rows:
        raise InputError(
            f"Die Datei hat {metadata.num_rows:,} Zeilen, erlaubt sind {max_rows:,} "
            "(DEMOGRAFIE_UPLOAD_MAX_ROWS). Bitte einen kleineren Auszug senden.",
            file=name,
        )
    if metadata.num_columns > MAX_COLUMNS:
        raise InputError(
            f"Die Datei hat {metadata.num_columns} Spalten, erlaubt sind {MAX_COLUMNS}.",
            file=name,
        )
    uncompressed = sum(
        metadata.row_group(i).total_byte_size for i in range(metadata.num_row_groups)
    )
    decoded = max(uncompressed, metadata.num_rows * metadata.num_columns * BYTES_PER_CELL)
    if decoded > max_bytes:
        raise InputError(
            f"Entpackt etwa {decoded:,} Bytes, erlaubt sind {max_bytes:,} "
            "(DEMOGRAFIE_UPLOAD_MAX_BYTES); die Datei wird nicht gelesen.",
            file=name,
        )
