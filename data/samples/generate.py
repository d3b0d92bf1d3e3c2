"""Generate the sample region: boundaries, regions, registers, anonymised extracts, GENESIS CSV.

Run: `.venv/bin/python -m data.samples.generate [--out data/samples] [--seed 20261121]`
(`--registers DIR` keeps all person-level registers; by default they live in a temporary
directory and only one small village register is written to `register/`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import logging
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from data.samples import writers
from data.samples.geography import build_geography, region_sets
from data.samples.population import (
    ADDRESS_SIZE,
    TARGET,
    World,
    address_pool,
    initial_population,
    simulate_year,
)
from etl.extract.anonymised import write_extract
from etl.store.register.aggregate import build_extract

logger = logging.getLogger(__name__)
DEFAULT_OUT = Path(__file__).resolve().parent
GENESIS_FILE = "genesis_12411-01-01-5-B_sample.csv"


@dataclass(frozen=True)
class SampleConfig:
    """What to generate; the tests use a tiny configuration (few places, small scale)."""

    seed: int = 20261121
    municipalities: int = 30
    scale: float = 1.0  # population of city, student city, towns and Gemeinden (not villages)
    first_year: int = 2019
    last_year: int = 2023


def _world(config: SampleConfig) -> tuple[World, list, dict]:
    rng = np.random.default_rng(config.seed)
    places, layers = build_geography(rng, config.municipalities)
    gemeinden = layers["vg250_gem"]
    addresses = {}
    for place in places:
        land = gemeinden[(gemeinden["AGS"] == place.ags) & (gemeinden["GF"] == 4)].geometry
        scale = config.scale if place.kind != "village" else 1.0
        size = int(TARGET[place.kind] * scale / 2 / ADDRESS_SIZE[place.kind] * 1.3)
        addresses[place.ags] = address_pool(rng, place, land.iloc[0], layers["ortsteile"], size)
    world = World(rng, {m.ags: m for m in places}, addresses)
    initial_population(world, config.scale, dt.date(config.first_year - 1, 12, 31))
    return world, places, layers


def _extract(
    persons: pd.DataFrame, events: pd.DataFrame, ags: str, reference: dt.date, work: Path, out: Path
) -> None:
    """Run the real `etl extract` code on one municipality's register of one year."""
    stem = f"{ags}_{reference:%Y-%m-%d}"
    persons_path, events_path = work / f"{stem}_persons.parquet", work / f"{stem}_events.parquet"
    writers.register_frame(persons, reference).to_parquet(persons_path, index=False)
    writers.events_frame(events).to_parquet(events_path, index=False)
    bundle, input_rows = build_extract(
        persons_path, ags, events_path=events_path, reference_date=reference
    )
    created = dt.datetime(reference.year + 1, 1, 15, 9, 0, tzinfo=dt.UTC)
    write_extract(bundle, out / "extracts" / stem, input_rows=input_rows, created_at=created)


def generate(out: Path, config: SampleConfig = SampleConfig(), registers: Path | None = None):
    """Write everything into `out`; person-level registers only into `registers` (if given)
    and one small village register into `out/register/`."""
    out.mkdir(parents=True, exist_ok=True)
    world, places, layers = _world(config)
    writers.write_boundaries(layers, out / "boundaries.gpkg")
    region_sets(places).to_csv(out / "regions.csv", index=False, lineterminator="\n")
    shutil.rmtree(out / "extracts", ignore_errors=True)
    shutil.rmtree(out / "register", ignore_errors=True)
    (out / "register").mkdir()
    village = min((m for m in places if m.kind == "village"), key=lambda m: m.ags).ags
    snapshots: dict[tuple[str, int], pd.DataFrame] = {}
    with tempfile.TemporaryDirectory() as temporary:
        work = registers or Path(temporary)
        work.mkdir(parents=True, exist_ok=True)
        for year in range(config.first_year, config.last_year + 1):
            events = simulate_year(world, year)
            reference = dt.date(year, 12, 31)
            logger.info("%s: %d Personen", reference, len(world.persons))
            for place in places:
                persons = world.persons[world.persons["ags"] == place.ags]
                own_events = events[events["ags"] == place.ags]
                snapshots[(place.ags, year)] = persons[["residence", "sex"]]
                _extract(persons, own_events, place.ags, reference, work, out)
                if place.ags == village and year == config.last_year:
                    stem = f"{village}_{reference:%Y-%m-%d}"
                    writers.write_register_csv(
                        persons, out / "register" / f"{stem}_personen.csv", reference
                    )
                    writers.write_events_csv(
                        own_events, out / "register" / f"{stem}_ereignisse.csv"
                    )
    official = writers.official_population(snapshots, np.random.default_rng(config.seed + 1))
    writers.write_genesis(official, places, out / GENESIS_FILE)


def output_digest(out: Path) -> str:
    """SHA-256 over all outputs; the GeoPackage by content (its file holds timestamps)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(out)).encode())
        if path.suffix == ".gpkg":
            for layer in writers.LAYERS:
                frame = gpd.read_file(path, layer=layer)
                digest.update(frame.drop(columns="geometry").to_csv().encode())
                digest.update(b"".join(frame.geometry.to_wkb()))
        elif path.suffix in (".csv", ".json"):
            digest.update(path.read_bytes())
    return digest.hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--seed", type=int, default=SampleConfig.seed)
    parser.add_argument("--registers", type=Path, help="keep all person-level registers here")
    parser.add_argument("--scale", type=float, default=1.0, help="population scale (not villages)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    generate(args.out, SampleConfig(seed=args.seed, scale=args.scale), args.registers)
    print(f"Beispieldaten in {args.out}: {output_digest(args.out)[:16]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
