"""`python -m etl import-extract PATH`: validate an anonymised extract and store it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from etl.config import Settings
from etl.extract.anonymised import read_extract
from etl.store.engine import init_stores
from etl.store.restricted import save_extract
from etl.uploads.territory import check_upload


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path", type=Path, help="extract directory, a .zip of it, or its manifest.json"
    )
    parser.add_argument("--actor", default="etl", help="who uploads (for the audit log)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    # Everything is validated before the store is touched: a refused file writes nothing.
    bundle = read_extract(args.path)
    restricted, publisher = init_stores(settings)
    try:
        for finding in check_upload(restricted, bundle, settings):  # refusals raise: no write
            print(f"Hinweis: {finding.title}: {finding.explanation}", file=sys.stderr)
        upload_id = save_extract(restricted, bundle, file_name=args.path.name, actor=args.actor)
    finally:
        restricted.dispose()
        publisher.dispose()
    print(upload_id)
    return 0
