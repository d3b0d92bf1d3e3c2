"""`python -m etl import-genesis FILE [FILE ...]`: store GENESIS tables in the restricted zone."""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import pandas as pd

from etl.app import Stores
from etl.extract.genesis import STORED_COLUMNS, GenesisTable, read_genesis
from etl.extract.genesis.facts import territory_facts
from etl.store.restricted import save_official
from etl.transform.mergers import derive_mergers

__all__ = ["STORED_COLUMNS", "add_arguments", "run", "source_record"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="GENESIS/Regionalstatistik flat CSV export(s)",
    )
    parser.add_argument(
        "--report",
        type=Path,
        metavar="CSV",
        help="write the report of every row (mapped, aggregate, vanished, unknown) to this CSV",
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


def report_frame(tables: list[tuple[Path, GenesisTable]]) -> pd.DataFrame:
    """The row reports of all files, with file name and table code in front."""
    frames = [
        table.report.assign(file=path.name, table_code=table.table_code) for path, table in tables
    ]
    report = pd.concat(frames, ignore_index=True)
    return report[["file", "table_code", *frames[0].columns[:-2]]]


def summary(table: GenesisTable) -> str:
    """One line: how many rows were mapped, checked aggregates, vanished, unknown."""
    report = table.report
    counts = report["status"].value_counts()
    differing = int(report["check"].str.startswith("abweichend").sum())
    checked = int(report["check"].str.startswith(("geprüft", "abweichend")).sum())
    return (
        f"Zeilen: {counts.get('mapped', 0)} zugeordnet, {counts.get('aggregate', 0)} Aggregate, "
        f"{counts.get('vanished', 0)} entfallen, {counts.get('unknown', 0)} unbekannt; "
        f"Summenprüfung: {checked} Aggregatzeilen geprüft, {differing} abweichend"
    )


def run(args: argparse.Namespace, stores: Stores) -> int:
    # Parse every file first: one bad file stores nothing.
    tables = [(path, read_genesis(path)) for path in args.files]
    if args.report:
        report_frame(tables).to_csv(args.report, index=False, sep=";")
        print(f"Bericht: {args.report}")
    stores.migrate("restricted", "published")
    restricted = stores.restricted
    for path, table in tables:
        source = source_record(table, path, path.read_bytes())
        save_official(restricted, source, table.data[list(STORED_COLUMNS)])
        areas = table.data["ags"].nunique()
        years = sorted(table.data["year"].unique().tolist())
        span = f"{years[0]}–{years[-1]}" if years else "–"
        print(
            f"{path.name}: Tabelle {table.table_code} ({source['source_id']}), "
            f"{len(table.data)} Werte, {areas} Gebiete, Jahre {span}, "
            f"{len(table.aggregates)} Aggregatwerte (Land/Kreis/Verband) nicht gespeichert, "
            f"{len(table.unmapped)} nicht zugeordnet"
        )
        print(f"  {summary(table)}")
        for row in table.report[table.report["check"].str.startswith("abweichend")].itertuples():
            print(f"  Aggregat abweichend: Zeile {row.line} {row.code} {row.name}: {row.check}")
        for row in table.unmapped.itertuples(index=False):
            print(f"  nicht zugeordnet: Zeile {row.line} {row.code} {row.name}: {row.reason}")
    for line in territory_lines([table for _, table in tables]):
        print(line)
    return 0


def territory_lines(tables: list[GenesisTable]) -> list[str]:
    """Keys that end or merge within the tables' years (etl.transform.mergers), as lines."""
    mergers = derive_mergers(territory_facts(tables))
    lines = []
    for (new_key, valid_from), rows in mergers.rows.groupby(["new_key", "valid_from"]):
        confidence = "hoch" if (rows["confidence"] == "hoch").all() else "mittel"
        evidence = rows["evidence"].iloc[0].split("; Verbindung:")[0]
        lines.append(
            f"Gebietsänderung ab {valid_from}: {', '.join(rows['old_key'])} → {new_key} "
            f"(Vertrauen {confidence}; {evidence})"
        )
    lines += [f"Gebietsänderung mehrdeutig, nicht abgeleitet: {x}" for x in mergers.ambiguous]
    lines += [f"Schlüssel entfallen: {x}" for x in mergers.without_successor]
    if lines:
        lines.append(
            "  Zeitreihen über diese Änderungen: python -m etl derive-crosswalk (nach "
            "import-boundaries), prüfen, dann import-crosswalk."
        )
    return lines
