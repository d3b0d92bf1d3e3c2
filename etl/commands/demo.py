"""`python -m etl demo`: build the embedded store from data/samples and publish a release.

Runs the same commands a statistician would, in order. It only builds an empty store: an
existing store is left as it is (delete DEMOGRAFIE_HOME, or `make clean`, to rebuild).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from etl.app import Stores
from etl.cli import main as etl_main
from etl.errors import StoreError
from etl.store.published import list_releases

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
BOUNDARY_LAYERS = (  # layer, level, key column, name column
    ("vg250_lan", "land", "AGS", "GEN"),
    ("vg250_krs", "kreis", "AGS", "GEN"),
    ("vg250_gem", "gemeinde", "AGS", "GEN"),
    ("ortsteile", "ortsteil", "key", "name"),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--samples", type=Path, default=SAMPLES, help="sample directory")


def demo_steps(samples: Path) -> list[list[str]]:
    """The command lines that build the sample store, in order."""
    boundaries = str(samples / "boundaries.gpkg")
    steps = [
        [
            "import-boundaries",
            boundaries,
            "--layer",
            layer,
            "--level",
            level,
            "--key",
            key,
            "--name",
            name,
        ]
        for layer, level, key, name in BOUNDARY_LAYERS
    ]
    # Uploads may only use registered Ortsteil keys: register the sample city's Ortsteile.
    steps.append(
        ["import-subareas", boundaries, "--layer", "ortsteile", "--key", "key", "--name", "name"]
    )
    steps.append(["import-regions", str(samples / "regions.csv")])
    steps.append(["import-genesis", *map(str, sorted(samples.glob("genesis_*.csv")))])
    steps += [["import-extract", str(path)] for path in sorted((samples / "extracts").iterdir())]
    steps.append(["publish", "--note", "Beispieldaten (fiktiv)"])
    steps.append(["publish-projection", "--note", "Beispieldaten (fiktiv)"])
    return steps


def run(args: argparse.Namespace, stores: Stores) -> int:
    settings = stores.settings
    if not (args.samples / "boundaries.gpkg").is_file():
        raise StoreError(f"Keine Beispieldaten in {args.samples}; `make samples` erzeugt sie.")
    stores.migrate("restricted", "published")
    publisher = stores.publisher
    if not list_releases(publisher).empty:
        print(
            f"Der Bestand in {settings.home} ist schon aufgebaut (für einen Neuaufbau "
            "`make clean` ausführen)."
        )
        return 0
    steps = demo_steps(args.samples)
    bar = tqdm(steps, desc="Beispielbestand", unit="Schritt", disable=not sys.stderr.isatty())
    for step in bar:
        bar.set_postfix_str(f"{step[0]} {Path(step[1]).name if len(step) > 1 else ''}")
        if bar.disable:
            print(f"{step[0]} {' '.join(Path(s).name for s in step[1:])}", flush=True)
        status = etl_main(step)
        if status != 0:
            return status
    return 0
