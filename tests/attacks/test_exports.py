"""Attack 9: every download format of the Daten page against what the API serves.

The visitor downloads the current view as CSV (UTF-8 and German Excel), XLSX and GeoPackage
(the Daten page's download callback builds the file; `build_download` is that callback's
body) and compares it with `/api/v1`. A file that carries a value the API withholds, more
decimals than the API, or a number column the API does not have gives the attacker more
than the public view the audit checked. (The GeoPackage keeps the boundaries' full precision,
the served GeoJSON cuts coordinates to 3 or 5 decimals: boundaries are public and carry no
counts, and every grid cell's Gemeinde is in /api/v1/areas anyway, so that is no finding.)
"""

from __future__ import annotations

import base64
import io
import math
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from dashboard import exports
from dashboard.pages import daten
from tests.attacks.conftest import Public
from tests.attacks.public_view import PublicView, get_json

pytestmark = pytest.mark.slow
FORMATS = daten.FORMATS
# Number columns a download may carry: dimensions and the (masked) value; bounds and class
# for indicators, exactly as /api/v1/indicators serves them.
CELL_NUMBERS = {"year", "age_from", "age_to", "size", "value"}
INDICATOR_NUMBERS = {"year", "value", "lower", "upper", "class"}
INDICATORS = ("share_u18", "mean_age", "births_per_1000", "net_migration_per_1000")


def _file(public: Public, fmt: str, dataset: str, indicator: str, year: int) -> pd.DataFrame:
    """Download one view as the visitor does and read it back."""
    with public.app.server.test_request_context("/"):
        listed = get_json(public.client, "/api/v1/releases")["releases"]
        release = next(r["release_id"] for r in listed if r["live"])
        payload = daten.build_download(fmt, release, dataset, "gemeinde", indicator, year)
    content = base64.b64decode(payload["content"])
    if fmt in ("csv", "csv_excel"):
        return exports.read_csv(content, excel_de=fmt == "csv_excel")
    if fmt == "xlsx":
        return pd.read_excel(io.BytesIO(content), sheet_name="Daten", dtype={"area_key": str})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "view.gpkg"
        path.write_bytes(content)
        return pd.DataFrame(gpd.read_file(path, layer="daten").drop(columns="geometry"))


def _number_columns(frame: pd.DataFrame) -> set[str]:
    """Columns holding numbers (an empty text column, e.g. no symbol at all, reads as NaN)."""
    return {
        c
        for c in frame.columns
        if pd.api.types.is_numeric_dtype(frame[c]) and not frame[c].isna().all()
    }


def _same(a: object, b: object) -> bool:
    missing_a = a is None or (isinstance(a, float) and math.isnan(a))
    missing_b = b is None or (isinstance(b, float) and math.isnan(b))
    if missing_a or missing_b:
        return missing_a and missing_b
    return float(a) == float(b)


@pytest.mark.parametrize("fmt", FORMATS)
def test_cell_downloads_carry_no_number_the_api_lacks(
    base_public: Public, base_view: PublicView, fmt: str
) -> None:
    """A cell download has no number column besides the dimensions and the value (the values
    themselves are compared with the API, per format, level and year, in test_consistency)."""
    year = int(base_view.cells["year"].max())
    for dataset in ("population", "households", "events"):
        frame = _file(base_public, fmt, dataset, "population", year)
        assert not _number_columns(frame) - CELL_NUMBERS, (fmt, dataset, frame.columns)


@pytest.mark.parametrize("fmt", FORMATS)
def test_indicator_downloads_carry_exactly_the_map_values(
    base_public: Public, base_view: PublicView, fmt: str
) -> None:
    """An indicator download equals /api/v1/indicators row by row: value, status, bounds,
    rounded as shown (a file with more decimals narrows a bound of a suppressed part), in
    every format (test_consistency compares CSV and XLSX; this adds CSV for Excel with its
    decimal comma, and the GeoPackage).

    Checked once with the download built from the unrounded map values instead of the API's
    rows: 114 values and bounds differ in each format, the test fails."""
    year = int(base_view.cells["year"].max())
    problems = []
    for indicator in INDICATORS:
        frame = _file(base_public, fmt, "indicator", indicator, year)
        extra = _number_columns(frame) - INDICATOR_NUMBERS
        assert not extra, (fmt, indicator, extra)
        url = f"/api/v1/indicators?indicator={indicator}&level=gemeinde&year={year}"
        api = {r["area_key"]: r for r in get_json(base_public.client, url)["rows"]}
        assert set(frame["area_key"]) == set(api), (fmt, indicator)
        for row in frame.to_dict("records"):
            served = api[row["area_key"]]
            for column in ("value", "lower", "upper"):
                if not _same(row[column], served[column]):
                    problems.append((indicator, row["area_key"], column, row[column]))
            if row["status"] != served["status"]:
                problems.append((indicator, row["area_key"], "status", row["status"]))
    assert not problems, f"{len(problems)} Werte anders als in der API: {problems[:5]}"
