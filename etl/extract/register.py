"""What a person-level register export (CSV or Parquet) holds: columns, codes, reference dates.

The register never leaves the municipality: this module states what a register file holds
(COLUMNS, code tables, reference dates); `etl.store.register` reads it into duckdb and turns it
into counts. Columns are recognised by the names in COLUMNS (German or English, case and
punctuation ignored); values by the code tables below. Hashing, date parsing and code mapping
run as SQL inside duckdb so that millions of records stream through with bounded memory.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from typing import Final

from etl.errors import InputError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ColumnSpec:
    """One accepted column: canonical name, aliases, use in the persons and events file."""

    name: str
    aliases: tuple[str, ...]
    persons: str  # "required", "optional" or "-"
    events: str
    meaning: str


# THE table of accepted register columns (documented in docs/extract.md).
COLUMNS: Final[tuple[ColumnSpec, ...]] = (
    ColumnSpec(
        "person_id",
        ("personen_id", "person", "pseudonym", "id", "pid"),
        "required",
        "required",
        "pseudonymous person id (for births: the child)",
    ),
    ColumnSpec(
        "birth_date",
        ("geburtsdatum", "geb_datum", "date_of_birth", "dob"),
        "optional",
        "optional",
        "date of birth, YYYY-MM-DD or DD.MM.YYYY",
    ),
    ColumnSpec(
        "birth_year",
        ("geburtsjahr", "year_of_birth"),
        "optional",
        "optional",
        "year of birth (if no date of birth)",
    ),
    ColumnSpec(
        "sex",
        ("geschlecht", "gender"),
        "required",
        "required",
        "m/w/d/x, männlich/weiblich/divers/ohne Angabe, ...",
    ),
    ColumnSpec(
        "nationality",
        ("staatsangehoerigkeit", "nationalitaet", "staatsangehoerigkeit_1", "citizenship"),
        "required",
        "-",
        "deutsch/nichtdeutsch, DE or another ISO code, de/foreign",
    ),
    ColumnSpec(
        "residence",
        ("wohnungsstatus", "wohnungsart", "wohnung", "wohnsitz"),
        "required",
        "-",
        "Hauptwohnung/Nebenwohnung, haupt/neben, main/secondary",
    ),
    ColumnSpec(
        "ortsteil",
        ("ortsteil_code", "ortsteilschluessel", "ortsteilnummer", "district"),
        "optional",
        "optional",
        "Ortsteil code; area key becomes <AGS>-<code>",
    ),
    ColumnSpec(
        "x",
        ("rechtswert", "ostwert", "easting", "utm_x", "east"),
        "optional",
        "-",
        "easting in ETRS89/UTM32 (EPSG:25832), metres",
    ),
    ColumnSpec(
        "y",
        ("hochwert", "nordwert", "northing", "utm_y", "north"),
        "optional",
        "-",
        "northing in ETRS89/UTM32 (EPSG:25832), metres",
    ),
    ColumnSpec(
        "household_id",
        ("haushalts_id", "haushaltsid", "haushalt", "household"),
        "optional",
        "-",
        "household id; households are counted among main residences",
    ),
    ColumnSpec(
        "reference_date",
        ("stichtag", "bezugsdatum"),
        "optional",
        "-",
        "reference date; one per file",
    ),
    ColumnSpec(
        "event",
        ("ereignis", "vorgang", "ereignisart"),
        "-",
        "required",
        "Geburt/Tod/Zuzug/Fortzug or birth/death/move_in/move_out",
    ),
    ColumnSpec(
        "event_date", ("ereignisdatum", "datum", "date"), "-", "required", "date of the event"
    ),
    ColumnSpec(
        "mother_birth_date",
        ("geburtsdatum_mutter", "mutter_geburtsdatum"),
        "-",
        "optional",
        "births: the mother's date of birth",
    ),
    ColumnSpec(
        "mother_birth_year",
        ("geburtsjahr_mutter", "mutter_geburtsjahr"),
        "-",
        "optional",
        "births: the mother's year of birth",
    ),
)

SEX_CODES: Final = {
    "w": "female",
    "weiblich": "female",
    "female": "female",
    "f": "female",
    "m": "male",
    "männlich": "male",
    "maennlich": "male",
    "male": "male",
    "d": "divers",
    "divers": "divers",
    "diverse": "divers",
    "x": "unknown",
    "ohne angabe": "unknown",
    "unknown": "unknown",
    "o": "unknown",
}
NATIONALITY_CODES: Final = {
    "deutsch": "de",
    "de": "de",
    "deu": "de",
    "d": "de",
    "german": "de",
    "nichtdeutsch": "foreign",
    "nicht deutsch": "foreign",
    "ausländisch": "foreign",
    "foreign": "foreign",
    "non-german": "foreign",
}
RESIDENCE_CODES: Final = {
    "hauptwohnung": "main",
    "haupt": "main",
    "main": "main",
    "h": "main",
    "alleinige wohnung": "main",
    "alleinige": "main",
    "nebenwohnung": "secondary",
    "neben": "secondary",
    "secondary": "secondary",
    "n": "secondary",
}
EVENT_CODES: Final = {
    "geburt": "birth",
    "birth": "birth",
    "tod": "death",
    "sterbefall": "death",
    "death": "death",
    "zuzug": "move_in",
    "move_in": "move_in",
    "fortzug": "move_out",
    "wegzug": "move_out",
    "move_out": "move_out",
}
DATE_FORMATS: Final = ("%Y-%m-%d", "%d.%m.%Y", "%Y%m%d")


def normalise_name(name: str) -> str:
    """'Staatsangehörigkeit' -> 'staatsangehoerigkeit', 'Personen-ID' -> 'personen_id'."""
    name = name.strip().lstrip("\ufeff").lower()
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        name = name.replace(umlaut, plain)
    return re.sub(r"[^a-z0-9]+", "_", name).strip("_")


def canonical_columns(header: list[str], kind: str, *, file: str) -> dict[str, str]:
    """Map canonical name -> column of the file; unknown columns are refused, not ignored."""
    lookup = {
        normalise_name(alias): spec.name
        for spec in COLUMNS
        for alias in (spec.name, *spec.aliases)
        if getattr(spec, kind) != "-"
    }
    found: dict[str, str] = {}
    for column in header:
        key = normalise_name(column)
        if key in lookup and lookup[key] not in found:
            found[lookup[key]] = column
        else:
            # Other columns (names, addresses, ...) are never read, so never aggregated.
            logger.info("%s: Spalte %r wird nicht verwendet.", file, column)
    required = [s.name for s in COLUMNS if getattr(s, kind) == "required" and s.name not in found]
    if "birth_date" not in found and "birth_year" not in found:
        required.append("birth_date oder birth_year")
    if required:
        raise InputError(f"Pflichtspalte fehlt: {', '.join(required)}.", file=file)
    if ("x" in found) != ("y" in found):
        raise InputError(
            "Koordinaten brauchen beide Spalten x (Rechtswert) und y (Hochwert).", file=file
        )
    return found


def parse_reference_date(text: str, *, file: str | None = None) -> dt.date:
    """'2023-12-31' or '31.12.2023' to a date."""
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise InputError(
        f"Stichtag {text!r} ist kein Datum (erwartet JJJJ-MM-TT oder TT.MM.JJJJ).",
        file=file,
        column="reference_date",
    )
