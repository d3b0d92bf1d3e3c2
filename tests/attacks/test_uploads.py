"""Attack 3: person-level data through an upload, and uploads that break the relations."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from etl.commands.demo import SAMPLES
from tests.attacks.conftest import Public, Store, public_side, rewrite_extract, run_command
from tests.attacks.public_view import get_json, readable_releases

pytestmark = pytest.mark.slow
VILLAGE = "03901001"
EXTRACT = f"{VILLAGE}_2023-12-31"
PERSONS = 60
FIRST = ("Max", "Erika", "Hans", "Anna", "Jens", "Paula")
LAST = ("Mustermann", "Musterfrau", "Meier", "Schulz", "Becker")
PERSON_KEY = re.compile(rf"^{VILLAGE}-(P\d{{6}}|[A-Za-z]+_Hst\d+)$")


def person_key(number: int) -> str:
    """Keys as a careless uploader builds them: a person id, or a name and house number."""
    if number % 2:
        return f"{VILLAGE}-P{number:06d}"
    return f"{VILLAGE}-{FIRST[number % 6]}{LAST[number % 5]}_Hst{number % 40 + 1}"


def one_person_ortsteile(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Append Ortsteil rows that carry one person each (taken from the Gemeinde rows)."""
    if name != "population":
        return frame
    people = frame[(frame["area_level"] == "gemeinde") & (frame["residence"] == "main")]
    people = people.loc[people.index.repeat(people["count"])].head(PERSONS)
    rows = people.assign(
        area_level="ortsteil", area_key=[person_key(i) for i in range(1, len(people) + 1)], count=1
    )
    return pd.concat([frame, rows], ignore_index=True)


@pytest.fixture(scope="module")
def person_level_upload(store_factory) -> tuple[Store, Public, int, str]:
    """A copy of the base store that receives the person-level extract, then `publish`."""
    store = store_factory("persons")
    path = rewrite_extract(
        SAMPLES / "extracts" / EXTRACT, store.home.parent / "upload" / EXTRACT, one_person_ortsteile
    )
    status, errors = run_command(store.home, "import-extract", str(path))
    run_command(store.home, "publish", "--note", "nach Personen-Upload")  # may refuse: fine
    return store, public_side(store), status, errors


def test_person_level_extract_is_refused(person_level_upload) -> None:
    """The uploader sends an anonymised extract whose Ortsteile hold one person each.

    What the attacker (a careless or malicious uploader) does: adds Ortsteil rows keyed
    `03901001-P000017` or `03901001-MaxMustermann_Hst12`, one person per key, to the sample
    extract of 03901001 and recomputes the manifest.

    Breach: `import-extract` accepts it. Expected: a non-zero exit status and one message
    naming the file, the row and the column.
    """
    _, _, status, errors = person_level_upload
    assert status != 0, "der Auszug mit einer Person je Ortsteil wurde angenommen"
    assert "population" in errors and "Zeile" in errors and "Spalte" in errors, errors


def test_api_never_lists_person_level_keys(person_level_upload) -> None:
    """A visitor lists the Ortsteile after that upload and a publish.

    What the attacker does: `/api/v1/areas?level=ortsteil` for every readable release, then
    the population of each listed area.

    Breach: any area key that looks like a person id or a name, or an Ortsteil of the
    village whose published cells show a single person's sex, age group or nationality.
    """
    _, public, _, _ = person_level_upload
    leaked = []
    for release in readable_releases(public.client):
        rows = get_json(public.client, f"/api/v1/areas?level=ortsteil&release={release}")["rows"]
        leaked += [(release, row["key"]) for row in rows if PERSON_KEY.match(row["key"])]
    detail = ""
    if leaked:
        release, key = leaked[0]
        cells = get_json(public.client, f"/api/v1/population?area={key}&release={release}")
        shown = [r for r in cells["rows"] if r["status"] in ("published", "zero")]
        detail = f"; {key} zeigt {len(shown)} Zellen, z. B. {shown[:3]}"
    assert len(leaked) == 0, (
        f"{len(leaked)} Personenschlüssel öffentlich, z. B. {leaked[:4]}{detail}"
    )


def _refused(store_factory, name: str, change) -> tuple[int, str]:
    store = store_factory(name)
    source = SAMPLES / "extracts" / EXTRACT
    path = rewrite_extract(source, store.home.parent / "upload" / EXTRACT, change)
    return run_command(store.home, "import-extract", str(path))


def _ortsteil_larger_than_gemeinde(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    if name != "population":
        return frame
    whole = frame[(frame["area_level"] == "gemeinde")]
    part = whole.assign(area_level="ortsteil", area_key=f"{VILLAGE}-001", count=whole["count"] + 1)
    return pd.concat([frame, part], ignore_index=True)


def test_ortsteile_adding_up_to_more_than_their_gemeinde_are_refused(store_factory) -> None:
    """The uploader sends Ortsteile that hold more people than the Gemeinde.

    Breach: `import-extract` accepts it (the first later `publish` then fails for
    everyone). Expected: refusal naming file, row and column.
    """
    status, errors = _refused(store_factory, "larger", _ortsteil_larger_than_gemeinde)
    assert status != 0, "Ortsteile größer als die Gemeinde wurden angenommen"
    assert "Zeile" in errors and "Spalte" in errors, errors


def _foreign_grid_cell(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """One row for a 1 km cell that lies in Weserhaven, far from the uploader's village."""
    if name != "population":
        return frame
    other = pd.read_csv(SAMPLES / "extracts" / "04021000_2023-12-31" / "population.csv")
    cell = other[other["area_level"] == "grid1km"].head(1)
    return pd.concat([frame, cell.assign(count=1)], ignore_index=True)


def test_grid_cells_outside_the_uploaders_municipality_are_refused(store_factory) -> None:
    """The uploader of 03901001 sends a 1 km cell lying in another municipality.

    Breach: `import-extract` accepts it (the cell would mix into someone else's figures).
    Expected: refusal naming file, row and column.
    """
    status, errors = _refused(store_factory, "foreign-grid", _foreign_grid_cell)
    assert status != 0, "eine Rasterzelle außerhalb der Gemeinde wurde angenommen"
    assert "Zeile" in errors and "Spalte" in errors, errors


def test_sample_extract_itself_is_still_accepted(store_factory) -> None:
    """Control: the unmodified extract, re-imported, is accepted (the checks can pass)."""
    store = store_factory("control")
    status, errors = run_command(store.home, "import-extract", str(SAMPLES / "extracts" / EXTRACT))
    assert status == 0, errors
    assert Path(store.home).is_dir()
