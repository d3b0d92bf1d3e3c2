"""`python -m etl publish`: protect, audit and publish a new release."""

from __future__ import annotations

import argparse
import sys

from tqdm import tqdm

from etl.app import Stores
from etl.config import Settings
from etl.pipeline import publish


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--note", default="", help="Vermerk zur Veröffentlichung")
    parser.add_argument("--actor", default="etl", help="wer veröffentlicht (Audit-Log)")
    parser.add_argument("--min-count", type=int, help="k (Standard aus DEMOGRAFIE_MIN_COUNT)")
    parser.add_argument("--protection", type=float, help="Schutzintervall p (Standard 0,3)")


def run(args: argparse.Namespace, stores: Stores) -> int:
    overrides = {"min_count": args.min_count, "protection": args.protection}
    settings = Settings.from_env(
        {},
        **{
            **{f: getattr(stores.settings, f) for f in stores.settings.__dataclass_fields__},
            **{k: v for k, v in overrides.items() if v is not None},
        },
    )
    with tqdm(desc="Veröffentlichung", unit="Schritt", disable=not sys.stderr.isatty()) as bar:

        def progress(message: str) -> None:
            if bar.disable:
                print(message, flush=True)
            bar.set_postfix_str(message)
            bar.update(1)

        stores.migrate("restricted", "published")
        report = publish(
            settings,
            actor=args.actor,
            note=args.note,
            progress=progress,
            engines=(stores.restricted, stores.publisher),
        )
    print(report.summary())
    return 0
