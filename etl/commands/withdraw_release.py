"""`python -m etl withdraw-release RELEASE --reason "…"`: take a release off the public side.

The statistician's manual counterpart of the automatic withdrawal after a correction: the
release stays in the store (and in the list of releases), but its permalink and `?release=`
answer 410 with the reason and the current release; pages show a notice and the current one.
"""

from __future__ import annotations

import argparse

from etl.app import Stores
from etl.store.published import withdraw_release
from etl.store.restricted import log_event


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("release_id", metavar="RELEASE", help="Veröffentlichung, z. B. R0001-…")
    parser.add_argument(
        "--reason", required=True, help="Grund (öffentlich: steht im Permalink und in der API)"
    )
    parser.add_argument("--actor", default="etl", help="wer zurückzieht (Audit-Log)")


def run(args: argparse.Namespace, stores: Stores) -> int:
    stores.migrate("restricted", "published")
    record = withdraw_release(stores.publisher, args.release_id, args.reason)
    with stores.restricted.begin() as connection:
        log_event(
            connection,
            args.actor,
            "withdraw-release",
            {
                "release_id": record.release_id,
                "reason": record.reason,
                "replaced_by": record.replaced_by,
            },
        )
    print(
        f"Veröffentlichung {record.release_id} zurückgezogen ({record.reason}); "
        f"aktuell ist {record.replaced_by}."
    )
    return 0
