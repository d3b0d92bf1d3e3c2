"""`python -m etl <command>`: parses arguments, calls one function, prints the outcome.

Each command lives in `etl/commands/<name>.py` with `add_arguments(parser)` and
`run(args, stores) -> int`; only the chosen command's module is imported. `main` builds the
process's application object (`etl.app.Stores`) once, passes it on and closes it at the end;
commands that write migrate the stores they write explicitly (`stores.migrate(...)`).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from etl.config import Settings
from etl.errors import EtlError

COMMANDS: dict[str, str] = {
    "extract": "Aggregate a person-level register extract locally into an anonymised extract.",
    "import-extract": "Import an anonymised extract (the upload unit) into the restricted zone.",
    "import-genesis": "Import a Regionalstatistik/GENESIS flat CSV export.",
    "import-boundaries": "Import boundaries (GeoPackage, Shapefile, GeoJSON; BKG VG250/VG5000).",
    "import-regions": "Import predefined region sets (groupings across Kreis and Land borders).",
    "import-crosswalk": "Import a territorial crosswalk (old key to new key with weights).",
    "import-subareas": "Register the Ortsteil keys and names uploads may use (sub-area registry).",
    "derive-crosswalk": "Derive key changes between official tables and boundaries (CSV).",
    "publish": "Protect the restricted aggregates, audit them and publish a new release.",
    "withdraw-release": "Withdraw a published release: its permalink answers 410 with the reason.",
    "protect": "Apply primary and secondary suppression to any table of cells and relations.",
    "audit": "Audit a protected table with an LP interval attack; exit 1 when unsafe.",
    "status": "Show the stores, uploads and releases.",
    "grant-reader": "Create or update the dashboard's read-only PostgreSQL role (published zone).",
    "migrate": "Bring every store to the newest schema revision (Alembic); --check only reports.",
    "demo": "Build the sample store and publish a release (used by `make demo`).",
    "project": "Cohort-component projection from population, survival, fertility, migration.",
    "lifetable": "Compute a life table from deaths and exposures.",
    "backtest": "Project from a base year and compare with what was observed later.",
    "forecast": "Forecast every Gemeinde of official tables with calibrated 80 % intervals.",
    "publish-projection": "Publish an official projection vintage (rounded, large areas only).",
    "user": "Manage accounts: add, list, disable, reset.",
}


def _module_name(command: str) -> str:
    return "etl.commands." + command.replace("-", "_")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m etl", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, help_text in COMMANDS.items():
        child = sub.add_parser(name, help=help_text, description=help_text)
        if name == command:
            importlib.import_module(_module_name(name)).add_arguments(child)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    chosen = next((a for a in argv if a in COMMANDS), None)
    args = build_parser(chosen).parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
    )
    # Alembic reports every migration context at INFO; the migrate command prints its own summary.
    logging.getLogger("alembic").setLevel(logging.DEBUG if args.verbose else logging.WARNING)
    from etl.app import Stores

    try:
        stores = Stores(Settings.from_env(os.environ))
    except EtlError as error:
        print(f"Fehler: {error}", file=sys.stderr)
        return error.exit_code
    try:
        return importlib.import_module(_module_name(args.command)).run(args, stores)
    except EtlError as error:
        print(f"Fehler: {error}", file=sys.stderr)
        return error.exit_code
    finally:
        stores.close()
