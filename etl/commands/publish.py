"""`python -m etl publish`: protect, audit and publish a new release."""

from __future__ import annotations

import argparse

from etl.config import Settings
from etl.pipeline import publish


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--note", default="", help="Vermerk zur Veröffentlichung")
    parser.add_argument("--actor", default="etl", help="wer veröffentlicht (Audit-Log)")
    parser.add_argument("--min-count", type=int, help="k (Standard aus DEMOGRAFIE_MIN_COUNT)")
    parser.add_argument("--protection", type=float, help="Schutzintervall p (Standard 0,3)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    overrides = {"min_count": args.min_count, "protection": args.protection}
    settings = Settings.from_env({}, **{
        **{f: getattr(settings, f) for f in settings.__dataclass_fields__},
        **{k: v for k, v in overrides.items() if v is not None},
    })  # fmt: skip
    report = publish(settings, actor=args.actor, note=args.note, progress=print)
    print(report.summary())
    return 0
