"""`python -m etl import-genesis FILE [FILE ...]`: store GENESIS tables in the restricted zone."""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

from etl.config import Settings
from etl.extract.genesis import GenesisTable, read_genesis
from etl.store.engine import init_stores
from etl.store.restricted import save_official

STORED_COLUMNS = ("ags", "year", "measure", "sex", "age_from", "age_to", "value", "symbol")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="GENESIS/Regionalstatistik flat CSV export(s)",
    )


def source_record(table: GenesisTable, path: Path, raw: bytes) -> dict:
    """The `official_sources` row of one file (source_id `<table_code>-<sha8>`)."""
    sha256 = hashlib.sha256(raw).hexdigest()
    return {
        "source_id": f"{table.table_code}-{sha256[:8]}",
        "table_code": table.table_code,
        "file_name": path.name,
        "sha256": sha256,
        "unmapped": json.dumps(table.unmapped.to_dict("records"), ensure_ascii=False, default=int),
        "attribution": table.attribution,
    }


def run(args: argparse.Namespace, settings: Settings) -> int:
    # Parse every file first: one bad file stores nothing.
    tables = [(path, read_genesis(path)) for path in args.files]
    restricted, _ = init_stores(settings)
    for path, table in tables:
        source = source_record(table, path, path.read_bytes())
        save_official(restricted, source, table.data[list(STORED_COLUMNS)])
        municipalities = table.data["ags"].nunique()
        years = sorted(table.data["year"].unique().tolist())
        span = f"{years[0]}–{years[-1]}" if years else "–"
        print(
            f"{path.name}: Tabelle {table.table_code} ({source['source_id']}), "
            f"{len(table.data)} Werte, {municipalities} Gemeinden, Jahre {span}, "
            f"{len(table.aggregates)} Aggregatwerte (Land/Kreis/Verband) nicht gespeichert, "
            f"{len(table.unmapped)} nicht zugeordnet"
        )
        for row in table.unmapped.itertuples(index=False):
            print(f"  nicht zugeordnet: Zeile {row.line} {row.code} {row.name}: {row.reason}")
    return 0
