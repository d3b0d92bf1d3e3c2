"""Attack 5: exports against the API, one year against the next, region differences."""

from __future__ import annotations

import base64
import dataclasses
import io
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from dashboard.exports import read_csv
from dashboard.pages.daten import build_download
from tests.attacks.conftest import Public
from tests.attacks.lp import attacker_intervals, oracle_breaches, public_breaches
from tests.attacks.public_view import KNOWN, PublicView, cell_id, get_json, total_rows

pytestmark = pytest.mark.slow
LEVELS = ("gemeinde", "ortsteil", "grid1km", "kreis")
DATASETS = ("population", "households", "events")


def _download(public: Public, release: str, fmt: str, dataset: str, level: str, year: int):
    with public.app.server.test_request_context("/"):
        payload = build_download(fmt, release, dataset, level, "population", year)
    content = base64.b64decode(payload["content"])
    if fmt in ("csv", "csv_excel"):
        return _table_part(content, excel_de=fmt == "csv_excel")
    if fmt == "xlsx":
        return pd.read_excel(io.BytesIO(content), sheet_name="Daten", dtype={"area_key": str})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.gpkg"
        path.write_bytes(content)
        return pd.DataFrame(gpd.read_file(path, layer="daten").drop(columns="geometry"))


def test_every_export_shows_the_same_values_and_suppression_as_the_api(
    base_public: Public, base_view: PublicView
) -> None:
    """The attacker downloads every view (CSV, CSV for Excel, XLSX, GeoPackage).

    What the attacker does: on the Daten page, every dataset x level x year in all four
    formats, and compares each row with the same cell from /api/v1.

    Breach: a value in a file where the API shows a suppressed cell, a different value, or
    a cell the API does not serve at all.
    """
    api = base_view.cells.set_index("cell")
    release = base_view.releases[-1]
    problems = []
    for dataset in DATASETS:
        for level in LEVELS:
            for year in sorted(base_view.cells["year"].unique()):
                for fmt in ("csv", "csv_excel", "xlsx", "gpkg"):
                    try:
                        frame = _download(base_public, release, fmt, dataset, level, int(year))
                    except (ValueError, KeyError, TypeError) as error:  # reported, not hidden
                        problems.append((fmt, f"{dataset}/{level}/{year}", repr(error)))
                        continue
                    if frame.empty:
                        continue
                    frame = frame.rename(columns={"area_key": "area"}).assign(year=int(year))
                    frame["area"] = frame["area"].astype(str)
                    ids = cell_id(dataset, frame)
                    for cell, status, value in zip(
                        ids, frame["status"], frame["value"], strict=True
                    ):
                        problems += _export_problem(api, cell, status, value, fmt)
    frame = pd.DataFrame(problems, columns=["format", "cell", "why"])
    assert len(frame) == 0, (
        f"{len(frame)} Abweichungen zwischen Download und API:\n{frame.head(10)}"
    )


def test_indicator_exports_show_the_same_values_as_the_api(
    base_public: Public, base_view: PublicView
) -> None:
    """The attacker downloads indicator views and compares them with /api/v1/indicators.

    Breach: a value or bound in a file that the API does not show (a suppressed indicator
    with a number, a different number, or different bounds).
    """
    release = base_view.releases[-1]
    problems = []
    for indicator in ("population", "births_per_1000", "share_u18", "mean_age"):
        for year in sorted(base_view.cells["year"].unique()):
            url = f"/api/v1/indicators?indicator={indicator}&level=gemeinde&year={year}"
            api = pd.DataFrame(get_json(base_public.client, url)["rows"]).set_index("area_key")
            for fmt in ("csv", "xlsx"):
                with base_public.app.server.test_request_context("/"):
                    payload = build_download(fmt, release, "indicator", "gemeinde", indicator, year)
                frame = _parse(fmt, base64.b64decode(payload["content"]))
                for row in frame.itertuples(index=False):
                    served = api.loc[str(row.area_key)]
                    for column in ("status", "value", "lower", "upper"):
                        if not _same(getattr(row, column), served[column]):
                            problems.append((indicator, fmt, row.area_key, column))
    frame = pd.DataFrame(problems, columns=["indicator", "format", "area", "column"])
    assert len(frame) == 0, f"{len(frame)} Abweichungen Kennzahl-Download/API:\n{frame.head(10)}"


def _table_part(content: bytes, *, excel_de: bool) -> pd.DataFrame:
    """The data rows of a CSV download, from its header line on.

    `dashboard.exports.read_csv` would be the documented reader, but a metadata value with
    a line break (the attribution) breaks it; the values are what matters here.
    """
    lines = content.decode("utf-8-sig").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("area_key"))
    body = "\n".join(lines[start:]).encode("utf-8")
    return read_csv(body, excel_de=excel_de)


def _parse(fmt: str, content: bytes) -> pd.DataFrame:
    if fmt == "csv":
        return _table_part(content, excel_de=False)
    return pd.read_excel(io.BytesIO(content), sheet_name="Daten", dtype={"area_key": str})


def _same(left, right) -> bool:
    if pd.isna(left) or pd.isna(right):
        return bool(pd.isna(left) and pd.isna(right))
    if isinstance(left, str) or isinstance(right, str):
        return str(left) == str(right)
    return abs(float(left) - float(right)) < 1e-9


def _export_problem(api: pd.DataFrame, cell: str, status: str, value, fmt: str) -> list:
    if cell not in api.index:
        return [(fmt, cell, "Zelle fehlt in der API")]
    served = api.loc[cell]
    if status != served["status"]:
        return [(fmt, cell, f"Status {status} statt {served['status']}")]
    if status in KNOWN and float(value) != float(served["value"]):
        return [(fmt, cell, f"Wert {value} statt {served['value']}")]
    if status not in KNOWN and pd.notna(value):
        return [(fmt, cell, f"geheim gehaltene Zelle mit Wert {value}")]
    return []


def balance_relations(view: PublicView) -> tuple[pd.DataFrame, dict[str, tuple[float, float]]]:
    """pop(t) - pop(t-1) - births + deaths - moves in + moves out = r, per Gemeinde and year.

    The register's balance is not exact (residence changes, late registrations), so the
    attacker measures the residual r on every Gemeinde where all six numbers are published
    and assumes |r| <= the largest residual seen there for the others (a slack variable).
    """
    cells = view.cells
    totals = total_rows(cells).set_index(["area", "year"])["cell"]
    events = cells[cells["table"] == "events"].set_index(["area", "year", "event"])["cell"]
    known = cells.set_index("cell")
    rows, residuals = [], []
    for area, year in totals.index:
        if len(area) != 8 or not area.isdigit() or (area, year - 1) not in totals.index:
            continue
        terms = [(totals[(area, year)], 1.0), (totals[(area, year - 1)], -1.0)]
        terms += [(events[(area, year, e)], s) for e, s in EVENT_SIGNS.items()]
        slack = f"slack|balance|{area}|{year}"
        rows += [(slack, cell, coefficient) for cell, coefficient in terms]
        rows.append((slack, slack, -1.0))
        values = known.loc[[c for c, _ in terms]]
        if values["status"].isin(KNOWN).all():
            residuals.append(abs(sum(values.loc[c, "value"] * k for c, k in terms)))
    assert residuals, "keine voll veröffentlichte Gemeinde zum Messen der Bilanz"
    largest = float(max(residuals))
    names = {name for name, _, _ in rows}
    return (
        pd.DataFrame(rows, columns=["relation", "variable", "coefficient"]),
        dict.fromkeys(names, (-largest, largest)),
    )


EVENT_SIGNS = {"birth": -1.0, "death": 1.0, "move_in": -1.0, "move_out": 1.0}


def test_one_year_against_the_next_narrows_no_suppressed_cell(
    base_view: PublicView, base_intervals: pd.DataFrame, base_truth: pd.Series
) -> None:
    """The attacker adds the demographic balance between consecutive years.

    What the attacker does: pop(t) - pop(t-1) = births - deaths + moves in - moves out + r
    for every Gemeinde, with |r| at most the largest residual measured where all six numbers
    are published, added to all other public relations, then the LP again.

    Breach (oracle side, truth inside the attacker's interval): a suppressed cell that is
    unsafe with the balance but was not without it (the others are attack 1's).
    """
    balance, bounds = balance_relations(base_view)
    relations = pd.concat([base_view.relations, balance], ignore_index=True)
    with_balance = dataclasses.replace(base_view, relations=relations, bounds=bounds)
    intervals = attacker_intervals(with_balance)
    before = set(oracle_breaches(base_view, base_intervals, base_truth)["cell"])
    before |= set(
        public_breaches(base_intervals, base_view.min_count, base_view.protection)["cell"]
    )
    oracle = oracle_breaches(with_balance, intervals, base_truth)
    # an interval that misses the truth is the attacker's wrong guess of |r|, not a breach
    oracle = oracle[~oracle["reason"].str.contains("Relation falsch")]
    new = oracle
    new = new[~new["cell"].isin(before)].drop_duplicates("cell")
    assert len(new) == 0, f"{len(new)} Zellen erst durch die Jahresbilanz unsicher:\n{new.head(10)}"


def difference_reveals(view: PublicView) -> pd.DataFrame:
    """Cells revealed by subtracting one published area from a published larger one.

    For every pair of areas whose member sets nest (regions, Kreise, Länder, Gemeinden of
    regions), the difference set D: when both areas' cells are published and exactly one
    member of D is suppressed while the others are published, that member is revealed.
    """
    members = _member_sets(view)
    cells = view.cells
    signature = cells["cell"].str.split("|", n=2).str[2]
    index = cells.assign(signature=signature).set_index(["table", "area", "signature"])
    status, value = index["status"], index["value"]
    found = []
    for big, big_set in members.items():
        for small, small_set in members.items():
            rest = big_set - small_set
            if big == small or not small_set < big_set or not rest:
                continue
            for (table, sig), known in _both_known(index, big, small):
                hidden = [m for m in rest if status.get((table, m, sig)) == "suppressed"]
                shown = [m for m in rest if status.get((table, m, sig)) in KNOWN]
                if len(hidden) == 1 and len(shown) == len(rest) - 1:
                    recovered = known - sum(value[(table, m, sig)] for m in shown)
                    found.append((f"{table}|{hidden[0]}|{sig}", big, small, recovered))
    frame = pd.DataFrame(found, columns=["cell", "whole", "part", "recovered"])
    return frame.drop_duplicates("cell").reset_index(drop=True)


def _member_sets(view: PublicView) -> dict[str, frozenset[str]]:
    """Area id -> its member Gemeinden (a Gemeinde is its own single member)."""
    areas = view.cells["area"].drop_duplicates()
    gemeinden = [a for a in areas if len(a) == 8 and a.isdigit()]
    sets = {g: frozenset([g]) for g in gemeinden}
    for region in (a for a in areas if a.startswith("R-")):
        sets[region] = frozenset(region[region.index("[") + 1 : -1].split("+"))
    for n in (5, 2):
        for prefix in {g[:n] for g in gemeinden}:
            sets[prefix] = frozenset(g for g in gemeinden if g.startswith(prefix))
    return sets


def _both_known(index: pd.DataFrame, big: str, small: str):
    big_rows, small_rows = index.xs(big, level="area"), index.xs(small, level="area")
    for key, row in big_rows.iterrows():
        if key in small_rows.index and row["status"] in KNOWN:
            other = small_rows.loc[key]
            if other["status"] in KNOWN:
                yield key, row["value"] - other["value"]


def test_differences_of_nested_areas_reveal_no_suppressed_cell(
    base_view: PublicView, base_truth: pd.Series
) -> None:
    """The attacker subtracts overlapping predefined regions, Kreise and Länder.

    What the attacker does: for every two published areas whose member Gemeinden nest
    (Kooperationsraum and Mittelbereich, region and Kreis, ...), the published difference
    minus the published members of the difference.

    Breach: exactly one suppressed member left, i.e. its value recovered.
    """
    found = difference_reveals(base_view)
    found = found.assign(true=base_truth.reindex(found["cell"]).to_numpy())
    assert len(found) == 0, f"{len(found)} Zellen durch Differenzen ermittelt:\n{found.head(10)}"
