"""`python -m etl import-extract PATH [PATH ...]`: validate anonymised extracts and store them.

A PATH is an extract directory, a .zip of it, its manifest.json, a directory holding extracts,
or a glob pattern (quoted, e.g. 'uploads/*.zip'). Every extract is validated before the store is
touched, so a refused file writes nothing; then each is stored in its own transaction.
"""

from __future__ import annotations

import argparse
import sys

from sqlalchemy import Engine
from tqdm import tqdm

from etl.app import Stores
from etl.config import Settings
from etl.extract.anonymised import read_extract
from etl.extract.extract_paths import extract_paths
from etl.model import ExtractBundle
from etl.store.restricted import save_extract
from etl.uploads.territory import check_territory, load_scopes


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="extract directory, .zip, manifest.json, a directory of extracts or a glob",
    )
    parser.add_argument("--actor", default="etl", help="who uploads (for the audit log)")


def _progress(items: list, description: str) -> tqdm:
    return tqdm(items, desc=description, unit="Auszug", disable=not sys.stderr.isatty())


def _check_territories(
    restricted: Engine, bundles: list[tuple[str, ExtractBundle]], settings: Settings
) -> None:
    """Every extract against the registry and boundaries (read once); refusals raise."""
    scopes = load_scopes(restricted, {bundle.municipality for _, bundle in bundles})
    for name, bundle in bundles:
        scope = scopes[bundle.municipality]
        for finding in check_territory(bundle, scope, settings.min_subarea_population):
            where = f"{name}: " if len(bundles) > 1 else ""
            print(f"Hinweis: {where}{finding.title}: {finding.explanation}", file=sys.stderr)


def run(args: argparse.Namespace, stores: Stores) -> int:
    settings = stores.settings
    paths = extract_paths(args.paths)
    bundles: list[tuple[str, ExtractBundle]] = [
        (path.name, read_extract(path)) for path in _progress(paths, "Prüfen")
    ]
    stores.migrate("restricted", "published")
    restricted = stores.restricted
    publisher = stores.publisher
    try:
        # Every extract is checked before the first is stored: a refused one writes nothing.
        _check_territories(restricted, bundles, settings)
        for name, bundle in _progress(bundles, "Speichern"):
            upload_id = save_extract(restricted, bundle, file_name=name, actor=args.actor)
            if len(bundles) == 1:
                print(upload_id)
    finally:
        restricted.dispose()
        publisher.dispose()
    if len(bundles) > 1:
        print(f"{len(bundles)} Auszüge gespeichert.")
    return 0
