"""Mergers derived from the real tables of Niedersachsen/Bremen (2008–2013) and VG5000 2021.

Skipped when ../shared/real-samples/niedersachsen-bremen is absent. The expected mergers are
written by hand from the history of the territorial reforms (Gebietsänderungen of the
Statistisches Bundesamt, 2011–2020), not from the derivation: the nine inside the tables and
the 24 between the tables' status (31.12.2013) and the boundaries' (1.1.2021).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from etl.commands.derive_crosswalk import official_gemeinden
from etl.extract.boundaries import read_boundaries
from etl.extract.genesis import read_genesis
from etl.extract.genesis.facts import territory_facts
from etl.transform.crosswalk import validate_crosswalk
from etl.transform.derive_crosswalk import derive_crosswalk
from etl.transform.mergers import derive_mergers

pytestmark = pytest.mark.real_samples
BOUNDARIES = "vg5000_2021-01-01_ni-hb-wmk.gpkg"

IN_TABLES = {  # new key: old keys, year of the first value under the new key
    "03153016": (2011, "03153003", "03153010"),  # Braunlage + Sankt Andreasberg
    "03158038": (2011, "03158001", "03158003"),  # Börßum + Achim
    "03251048": (2011, "03251010", "03251016"),  # Bruchhausen-Vilsen + Engeln
    "03352059": (  # Beverstedt: the Samtgemeinde's nine members
        2011,
        *(f"03352{n}" for n in ("001", "005", "006", "017", "021", "023", "026", "033", "053")),
    ),
    "03360030": (2011, "03360021", "03360027", "03360028"),  # Wrestedt + Stadensen + Wieren
    "03456027": (2011, "03456021", "03456022"),  # Schüttorf + Suddendorf
    "03155013": (2013, "03155004", "03155008"),  # Einbeck + Kreiensen
    "03156017": (2013, "03156001", "03156004", "03156005", "03156007", "03156014"),  # Bad Grund
    "03158039": (2013, "03158015", "03158020", "03158026", "03158034"),  # Schladen-Werla
}
AFTER_TABLES = {  # new key of the 2021 boundaries: old keys of 2013
    "03153017": ("03153005", "03153013"),  # Goslar + Vienenburg (2014)
    "03153018": ("03153001", "03153004", "03153011", "03153015"),  # Clausthal-Zellerfeld (2015)
    "03154027": ("03154011", "03154020", "03154023"),  # Söllingen, Ingeleben, Twieflingen
    "03154028": ("03154003", "03154010"),  # Helmstedt + Büddenstedt (2017)
    "03157009": ("03157003", "03157004"),  # Ilsede + Lahstedt (2015)
    "03158040": ("03158024", "03158029"),  # Remlingen-Semmenstedt (2015)
    "03159002": ("03156017",),  # Bad Grund (Harz): Kreis Göttingen (2016)
    "03159020": ("03156010",),  # Hörden -> Hörden am Harz
    "03159036": ("03156012", "03156013", "03156016"),  # Walkenried + Wieda + Zorge
    "03159039": ("03156015",),  # Wulften -> Wulften am Harz
    "03159501": ("03156501",),  # gemeindefreies Gebiet Harz
    "03251049": ("03251039", "03251048"),  # Bruchhausen-Vilsen + Süstedt (2019)
    "03254041": ("03254036", "03254037", "03254038", "03254039", "03254040"),  # Duingen
    "03254042": ("03254015", "03254016", "03254024", "03254034"),  # Freden (Leine)
    "03254043": ("03254006", "03254007", "03254009", "03254010", "03254018", "03254027"),
    "03254044": ("03254019", "03254023", "03254025", "03254030", "03254035"),  # Lamspringe
    "03254045": ("03254001", "03254004", "03254012", "03254031", "03254033"),  # Sibbesse
    "03351025": ("03351009", "03351011", "03351014", "03351019"),  # Eschede
    "03351026": ("03351013", "03351020"),  # Südheide: Hermannsburg + Unterlüß
    "03352060": tuple(f"03352{n}" for n in ("007", "014", "019", "049", "054", "058")),  # Hagen
    "03352061": tuple(
        f"03352{n}" for n in ("010", "012", "034", "035", "037", "040", "047", "057")
    ),  # Wurster Nordseeküste: Samtgemeinde Land Wursten + Nordholz
    "03352062": tuple(
        f"03352{n}" for n in ("003", "013", "015", "016", "027", "028", "030", "031", "048")
    ),  # Geestland: Langen + Samtgemeinde Bederkesa
    "03352063": ("03352009", "03352018"),  # Cadenberge + Geversdorf
    "03358024": ("03358004", "03358022"),  # Walsrode + Bomlitz (2020)
}


@pytest.fixture(scope="module")
def derived(ni_folder: Path):
    tables = [read_genesis(p) for p in sorted(ni_folder.glob("genesis_1*-01-01-5-B_*.csv"))]
    polygons = read_boundaries(ni_folder / BOUNDARIES, "vg5000_gem")
    official, last_year = official_gemeinden(tables)
    renames = derive_crosswalk(official, polygons, dt.date(last_year + 1, 1, 1))
    return derive_mergers(territory_facts(tables), polygons, renames.rows)


def _expected() -> set[tuple[str, str, dt.date]]:
    rows = {
        (old, new, dt.date(year, 1, 1)) for new, (year, *olds) in IN_TABLES.items() for old in olds
    }
    rows |= {(old, new, dt.date(2014, 1, 1)) for new, olds in AFTER_TABLES.items() for old in olds}
    return rows


def test_every_merger_is_found_and_no_other(derived) -> None:
    rows = derived.rows
    found = set(zip(rows["old_key"], rows["new_key"], rows["valid_from"], strict=True))
    assert found == _expected()
    assert rows[rows["valid_from"] == dt.date(2014, 1, 1)]["new_key"].nunique() == 24
    assert derived.ambiguous == []
    assert derived.without_successor == []
    assert set(rows["weight"]) == {1.0}
    validate_crosswalk(rows)


def test_evidence_and_confidence_of_the_real_mergers(derived) -> None:
    rows = derived.rows
    inside = rows[rows["valid_from"] < dt.date(2014, 1, 1)]
    # Inside the tables both sides come from the area table: exact to rounding.
    assert inside["area_residual"].abs().max() < 0.001
    assert inside["population_residual"].abs().max() < 0.03
    assert set(inside["confidence"]) == {"hoch"}
    after = rows[rows["valid_from"] == dt.date(2014, 1, 1)]
    assert after["population_residual"].isna().all()
    assert after["evidence"].str.contains("Polygon").all()
    # Walkenried took land of the uninhabited Harz: kept, but only 'mittel'.
    assert set(after.loc[after["new_key"] == "03159036", "confidence"]) == {"mittel"}
    assert (after["confidence"] == "hoch").sum() >= 50
