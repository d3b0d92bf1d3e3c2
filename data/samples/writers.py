"""Write the sample files: registers (person level), GENESIS-style CSV, boundaries, regions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd

from data.samples.geography import Municipality

REGISTER_HEADER: Final = {
    "person_id": "Personen-ID",
    "birth": "Geburtsdatum",
    "sex": "Geschlecht",
    "nationality": "Staatsangehörigkeit",
    "residence": "Wohnungsstatus",
    "ortsteil": "Ortsteil",
    "x": "Rechtswert",
    "y": "Hochwert",
    "household_id": "Haushalts-ID",
}
EVENT_WORDS: Final = {"birth": "Geburt", "death": "Tod", "move_in": "Zuzug", "move_out": "Fortzug"}
LAYERS: Final = ("vg250_gem", "vg250_krs", "vg250_lan", "ortsteile")


def register_frame(persons: pd.DataFrame, reference_date: dt.date) -> pd.DataFrame:
    """Persons of one municipality in the canonical register columns (for Parquet)."""
    frame = persons[
        [
            "person_id",
            "birth",
            "sex",
            "nationality",
            "residence",
            "ortsteil",
            "x",
            "y",
            "household_id",
        ]
    ].rename(columns={"birth": "birth_date"})
    frame = frame.assign(
        birth_date=pd.to_datetime(frame["birth_date"]).dt.date,
        residence=frame["residence"].map({"H": "main", "N": "secondary"}),
        ortsteil=frame["ortsteil"].replace("", None),
        reference_date=reference_date,
    )
    return frame.sort_values("person_id").reset_index(drop=True)


def events_frame(events: pd.DataFrame) -> pd.DataFrame:
    """Events of one municipality in the canonical event columns (for Parquet)."""
    frame = events[
        ["person_id", "event", "event_date", "sex", "birth", "ortsteil", "mother_birth"]
    ].rename(columns={"birth": "birth_date", "mother_birth": "mother_birth_date"})
    for column in ("event_date", "birth_date", "mother_birth_date"):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    frame["ortsteil"] = frame["ortsteil"].replace("", None)
    return frame.sort_values(["event_date", "person_id", "event"]).reset_index(drop=True)


def _german_date(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values).dt.strftime("%d.%m.%Y").fillna("")


def write_register_csv(persons: pd.DataFrame, path: Path, reference_date: dt.date) -> None:
    """A register as a municipality's office exports it: German headers and values, `;`,
    Windows-1252, decimal comma, dates as TT.MM.JJJJ."""
    frame = register_frame(persons, reference_date)
    german = pd.DataFrame(
        {
            "Personen-ID": frame["person_id"],
            "Geburtsdatum": _german_date(frame["birth_date"]),
            "Geschlecht": frame["sex"],
            "Staatsangehörigkeit": frame["nationality"],
            "Wohnungsstatus": frame["residence"].map(
                {"main": "Hauptwohnung", "secondary": "Nebenwohnung"}
            ),
            "Ortsteil": frame["ortsteil"].fillna(""),
            "Rechtswert": frame["x"].map(lambda v: f"{v:.1f}".replace(".", ",")),
            "Hochwert": frame["y"].map(lambda v: f"{v:.1f}".replace(".", ",")),
            "Haushalts-ID": frame["household_id"],
            "Stichtag": reference_date.strftime("%d.%m.%Y"),
        }
    )
    path.write_bytes(german.to_csv(sep=";", index=False, lineterminator="\r\n").encode("cp1252"))


def write_events_csv(events: pd.DataFrame, path: Path) -> None:
    frame = events_frame(events)
    german = pd.DataFrame(
        {
            "Personen-ID": frame["person_id"],
            "Ereignis": frame["event"].map(EVENT_WORDS),
            "Ereignisdatum": _german_date(frame["event_date"]),
            "Geschlecht": frame["sex"],
            "Geburtsdatum": _german_date(frame["birth_date"]),
            "Ortsteil": frame["ortsteil"].fillna(""),
            "Geburtsdatum_Mutter": _german_date(frame["mother_birth_date"]),
        }
    )
    path.write_bytes(german.to_csv(sep=";", index=False, lineterminator="\r\n").encode("cp1252"))


def write_boundaries(layers: dict[str, gpd.GeoDataFrame], path: Path) -> None:
    path.unlink(missing_ok=True)
    for name in LAYERS:
        layers[name].to_file(path, layer=name, driver="GPKG")


def official_population(
    registers: dict[tuple[str, int], pd.DataFrame], rng: np.random.Generator
) -> pd.DataFrame:
    """'Official' population by sex: register main residences, slightly off (see README)."""
    rows = []
    keys = sorted({ags for ags, _ in registers})
    bias = dict(zip(keys, rng.uniform(-0.012, 0.004, len(keys)), strict=True))
    for (ags, year), persons in sorted(registers.items()):
        main = persons[persons["residence"] == "H"]
        for sex in ("m", "w"):
            # Divers/unknown entries are counted as in the extract rule (about half each side).
            count = int((main["sex"] == sex).sum() + (~main["sex"].isin(["m", "w"])).sum() / 2)
            factor = 1 + bias[ags] + rng.normal(0, 0.002)
            rows.append((ags, year, sex, round(count * factor)))
    return pd.DataFrame(rows, columns=["ags", "year", "sex", "value"])


def write_genesis(official: pd.DataFrame, places: list[Municipality], path: Path) -> None:
    """12411-01-01-5-B layout: header lines, `;`, 8-digit codes, footer and licence."""
    years = sorted(official["year"].unique(), reverse=True)
    width = 2 + 3 * len(years)
    pad = ";" * (width - 1)
    lines = [
        "GENESIS-Tabelle: 12411-01-01-5-B",
        "Bevölkerungsstand: Bevölkerung nach Geschlecht" + pad,
        "- Stichtag 31.12. -" + pad,
        "regionale Ebenen" + pad,
        "Fortschreibung des Bevölkerungsstandes" + pad,
        "Bevölkerungsstand (Anzahl)" + pad,
        ";;" + ";".join(f"31.12.{y};31.12.{y};31.12.{y}" for y in years),
        ";;" + ";".join("Insgesamt;männlich;weiblich" for _ in years),
    ]
    table = official.pivot_table(index="ags", columns=["year", "sex"], values="value")
    for place in sorted(places, key=lambda m: m.ags):
        cells = []
        for year in years:
            male, female = (
                int(table.loc[place.ags, (year, "m")]),
                int(table.loc[place.ags, (year, "w")]),
            )
            cells += [str(male + female), str(male), str(female)]
        lines.append(f"{place.ags};{place.name};" + ";".join(cells))
    lines += [
        "__________",
        '"Fiktive Beispieldaten des Demografie-Dashboards (data/samples/generate.py): '
        "Fortschreibung des Bevölkerungsstandes für eine erfundene Region; Abweichungen zu den "
        'Registerauszügen sind gewollt (siehe data/samples/README.md)."',
        '"Layout wie: © Statistische Ämter des Bundes und der Länder, Deutschland. '
        "Dieses Werk ist lizensiert unter der Datenlizenz Deutschland",
        '- Namensnennung - Version 2.0."',
        f"Stand: 15.01.{max(years) + 1} / 09:00:00",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
