"""Helpers the tests (and users trying the portal) share: extracts as uploaded files."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from etl.model import SCHEMA_VERSION, TABLE_COLUMNS, ExtractBundle
from etl.uploads.intake import UploadedFile


def zip_directory(directory: Path, prefix: str = "auszug/") -> bytes:
    """The files of a directory as a zip archive (as a user would zip the extract folder)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(directory.iterdir()):
            archive.write(path, prefix + path.name)
    return buffer.getvalue()


def write_extract_dir(bundle: ExtractBundle, directory: Path, file_format: str = "csv") -> Path:
    from etl.extract.anonymised import write_extract

    write_extract(bundle, directory, file_format=file_format)
    return directory


def extract_zip(bundle: ExtractBundle, directory: Path, file_format: str = "csv") -> bytes:
    return zip_directory(write_extract_dir(bundle, directory, file_format))


def extract_files(
    bundle: ExtractBundle, directory: Path, file_format: str = "csv"
) -> list[UploadedFile]:
    """The extract's loose files (manifest plus tables), as a multi-file upload."""
    write_extract_dir(bundle, directory, file_format)
    return [UploadedFile(p.name, p.read_bytes()) for p in sorted(directory.iterdir())]


def person_level_bundle(
    municipality: str, codes: list[str], reference_date: dt.date, *, seed: int = 0
) -> ExtractBundle:
    """The attack: a register disguised as an extract, one Ortsteil `<AGS>-<code>` per person.

    Every Ortsteil holds one person (sex, age, nationality); the Gemeinde rows are their sums,
    so the columns and totals look like a real extract.
    """
    rng = np.random.default_rng(seed)
    people = pd.DataFrame(
        {
            "area_level": "ortsteil",
            "area_key": [f"{municipality}-{code}" for code in codes],
            "sex": rng.choice(["female", "male"], len(codes)),
            "age": rng.integers(0, 95, len(codes)),
            "nationality": rng.choice(["de", "foreign"], len(codes), p=[0.9, 0.1]),
            "residence": "main",
            "count": 1,
        }
    )
    dims = ["sex", "age", "nationality", "residence"]
    gemeinde = people.groupby(dims, as_index=False)["count"].sum()
    gemeinde = gemeinde.assign(area_level="gemeinde", area_key=municipality)
    population = pd.concat([gemeinde[people.columns], people], ignore_index=True)
    households = pd.DataFrame(
        {"area_level": ["gemeinde"], "area_key": [municipality], "size": [1], "count": [1]}
    )
    events = pd.DataFrame(columns=list(TABLE_COLUMNS["events"]))
    return ExtractBundle(
        municipality,
        reference_date,
        population,
        households,
        events,
        manifest={"schema_version": SCHEMA_VERSION, "municipality": municipality},
    )


def with_rows(bundle: ExtractBundle, table: str, rows: list[tuple]) -> ExtractBundle:
    """The bundle with extra rows appended to one table (to build inconsistent extracts)."""
    frame = bundle.table(table)
    extra = pd.DataFrame(rows, columns=frame.columns)
    return dataclasses.replace(bundle, **{table: pd.concat([frame, extra], ignore_index=True)})


def square_boundary(municipality: str, west: float, south: float, size: float) -> pd.DataFrame:
    """A `boundaries` row: the municipality as a square in EPSG:25832 (metres)."""
    import shapely
    from shapely.geometry import box

    square = box(west, south, west + size, south + size)
    return pd.DataFrame(
        {
            "area_key": [municipality],
            "level": ["gemeinde"],
            "name": [f"Gemeinde {municipality}"],
            "bez": ["Gemeinde"],
            "area_km2": [square.area / 1e6],
            "geometry_wkb": [shapely.to_wkb(square, hex=True)],
            "web_geojson": ['{"type":"Polygon","coordinates":[]}'],
            "source": ["test"],
        }
    )


def grid_cell_of(easting: float, northing: float, level: str = "grid1km") -> str:
    """The INSPIRE id of the cell holding a point given in EPSG:25832."""
    from etl.extract.inspire import cell_ids

    return str(cell_ids(level, np.array([easting]), np.array([northing])).iloc[0])


@dataclasses.dataclass(frozen=True)
class Attack:
    """An extract that must be refused, and the message (regex) that refuses it."""

    name: str
    bundle: ExtractBundle
    message: str


def _bumped(bundle: ExtractBundle, table: str, level: str, by: int) -> ExtractBundle:
    frame = bundle.table(table).copy()
    position = int((frame["area_level"] == level).to_numpy().nonzero()[0][0])
    frame.loc[frame.index[position], "count"] += by
    return dataclasses.replace(bundle, **{table: frame})


def upload_attacks(
    municipality: str, reference_date: dt.date, registered: tuple[str, ...], outside_cell: str
) -> list[Attack]:
    """The person-level and inconsistent extracts of issue 8 (all for one municipality).

    `registered` are Ortsteil codes in the registry; `outside_cell` a 1 km cell id far outside
    the municipality's boundary.
    """
    from etl.testing import tiny_bundle

    plain = tiny_bundle(municipality, reference_date, scale=3, seed=11)
    split = tiny_bundle(municipality, reference_date, scale=3, ortsteile=registered[:2], seed=12)
    register = [f"P{i:06d}" for i in range(1, 40)]
    names = ["MaxMustermann_Hst12", "ErikaMusterfrau_Hst14", "JanSchmidt_Weg3"]
    outside = with_rows(
        plain, "population", [("grid1km", outside_cell, "male", 18, "all", "main", 1)]
    )
    unknown = tiny_bundle(municipality, reference_date, scale=3, ortsteile=("009",), seed=13)
    return [
        Attack("name keys", person_level_bundle(municipality, names, reference_date), "Name"),
        Attack(
            "id keys",
            person_level_bundle(municipality, register, reference_date),
            "Personen- oder Laufnummer",
        ),
        Attack(
            "one-person Ortsteile",
            person_level_bundle(municipality, list(registered), reference_date),
            "enthalten genau eine Person",
        ),
        Attack(
            "Ortsteile beyond the Gemeinde",
            _bumped(split, "population", "ortsteil", 50),
            "Teile können nicht mehr sein als das Ganze",
        ),
        Attack("grid cell outside", outside, "liegt außerhalb der Gemeinde"),
        Attack("unregistered Ortsteil", unknown, "nicht registriert"),
    ]
