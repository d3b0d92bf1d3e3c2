"""The sub-area key registry in the portal: statisticians list and register Ortsteile.

Same rules as `python -m etl import-subareas`: the whole list is checked first, then it
replaces the registered Ortsteile of every municipality it names, in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pandas as pd

from etl.accounts.service import Account, require
from etl.errors import InputError
from etl.extract.subareas import GEO_SUFFIXES, TABLE_SUFFIXES, parse_subarea_list
from etl.store.subareas import read_subareas, replace_subareas
from etl.uploads.intake import UploadedFile, safe_name
from etl.uploads.validate import municipality_names

if TYPE_CHECKING:
    from etl.app import Stores

MAX_LIST_BYTES: Final = 20_000_000


@dataclass(frozen=True)
class Registered:
    """What one registration did: Ortsteile per municipality."""

    file: str
    municipalities: dict[str, int]

    def text(self) -> str:
        parts = ", ".join(f"{m}: {n}" for m, n in self.municipalities.items())
        return f"{self.file}: Ortsteile registriert ({parts})."


def registered_subareas(stores: Stores, account: Account) -> list[dict[str, Any]]:
    """Every registered Ortsteil with its municipality's name, for the statistician."""
    require(account, "review")
    restricted = stores.restricted
    frame = read_subareas(restricted)
    names = municipality_names(restricted)
    return [
        {
            "municipality": row["municipality"],
            "municipality_name": names.get(row["municipality"], ""),
            "area_key": row["area_key"],
            "name": row["name"],
            "source": row["source"],
            "registered_at": str(pd.Timestamp(row["registered_at"]))[:19],
            "registered_by": row["registered_by"],
        }
        for row in frame.to_dict("records")
    ]


def register_subareas(
    stores: Stores,
    account: Account,
    upload: UploadedFile,
    *,
    key: str = "key",
    name: str = "name",
    layer: str | None = None,
) -> Registered:
    """Check a list of Ortsteile and register it; InputError names file, row and column."""
    require(account, "review")
    file = safe_name(upload.name)
    if Path(file).suffix.lower() not in (*TABLE_SUFFIXES, *GEO_SUFFIXES):
        raise InputError(
            "Erwartet wird eine Liste (CSV, XLSX, Parquet) oder Ortsteilgrenzen "
            "(GeoPackage, GeoJSON, Shapefile als ZIP).",
            file=file,
        )
    if not upload.data or len(upload.data) > MAX_LIST_BYTES:
        raise InputError(f"Die Datei ist leer oder größer als {MAX_LIST_BYTES:,} Bytes.", file=file)
    frame = parse_subarea_list(
        upload.data, file, key=key or "key", name=name or "name", layer=layer or None
    )
    restricted = stores.restricted
    replace_subareas(restricted, frame, source=file, actor=account.username)
    counts = frame.groupby("municipality").size()
    return Registered(file, {str(m): int(n) for m, n in counts.items()})
