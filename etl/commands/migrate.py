"""`python -m etl migrate`: bring every store to the newest schema revision (Alembic)."""

from __future__ import annotations

import argparse

from etl.app import Stores
from etl.store.migrate import current_revision, upgrade_zone


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--check",
        action="store_true",
        help="nur anzeigen, welche Bestände nicht auf dem neuesten Stand sind (Exit 1)",
    )


def run(args: argparse.Namespace, stores: Stores) -> int:
    from etl.store.migrate import head_revision

    engines = {
        "restricted": stores.restricted,
        "published": stores.publisher,
        "accounts": stores.accounts,
    }
    behind = 0
    for zone, engine in engines.items():
        before = current_revision(engine)
        if args.check:
            state = "aktuell" if before == head_revision(zone) else "veraltet"
            behind += before != head_revision(zone)
            print(f"{zone}: Revision {before or 'keine'} ({state}, neueste {head_revision(zone)})")
            continue
        after = upgrade_zone(engine, zone)
        change = "unverändert" if before == after else f"{before or 'neu'} → {after}"
        print(f"{zone}: Revision {after} ({change})")
    return 1 if behind else 0
