"""`python -m etl status`: the stores, active uploads and releases."""

from __future__ import annotations

import argparse

from etl.app import Stores
from etl.store import restricted as store
from etl.store.published import list_releases


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--uploads", action="store_true", help="alle Meldungen auflisten")


def run(args: argparse.Namespace, stores: Stores) -> int:
    stores.migrate("restricted", "published")
    restricted = stores.restricted
    publisher = stores.publisher
    uploads = store.all_uploads(restricted)
    active = uploads[uploads["state"] == "active"]
    print(f"Geschützter Bereich: {restricted.url.render_as_string(hide_password=True)}")
    print(f"  Meldungen: {len(active)} aktiv, {len(uploads) - len(active)} ersetzt")
    if args.uploads and not uploads.empty:
        columns = ["upload_id", "municipality", "reference_date", "state", "uploaded_by"]
        print(uploads[columns].to_string(index=False))
    print(f"Veröffentlichter Bereich: {publisher.url.render_as_string(hide_password=True)}")
    releases = list_releases(publisher)
    if releases.empty:
        print("  noch keine Veröffentlichung")
    for row in releases.itertuples():
        marker = "*" if row.live else " "
        print(
            f" {marker} {row.release_id}  {row.created_at:%Y-%m-%d %H:%M}  k={row.min_count} "
            f"p={row.protection}  Jahre {row.years}"
        )
    return 0
