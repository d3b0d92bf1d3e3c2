"""Refuse person-level data where only an anonymised extract is accepted.

`check_person_level` looks at a table's columns (ids, names, addresses, dates of birth,
coordinates) and values (rows of count 1 with a column unique in every row). Both the import of
an extract (etl.extract.anonymised) and a register file given in its place are checked here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from etl.errors import PersonLevelDataError
from etl.extract.register import normalise_name
from etl.model import TABLE_COLUMNS

if TYPE_CHECKING:
    import pandas as pd

# Column names that only person-level data has (normalised, see register.normalise_name).
PERSON_TOKENS: Final = frozenset(
    {
        "id",
        "person",
        "personen",
        "pseudonym",
        "name",
        "vorname",
        "nachname",
        "familienname",
        "strasse",
        "street",
        "adresse",
        "address",
        "anschrift",
        "hausnummer",
        "geburtsdatum",
        "geburtsjahr",
        "dob",
        "x",
        "y",
        "lat",
        "lon",
        "lng",
        "latitude",
        "longitude",
        "rechtswert",
        "hochwert",
        "koordinate",
        "personid",
        "household",
    }
)
PERSON_NAMES: Final = frozenset(
    {
        "birth_date",
        "date_of_birth",
        "birth_year",
        "year_of_birth",
        "person_id",
        "household_id",
        "haushalts_id",
    }
)
PERSON_LEVEL_MESSAGE: Final = (
    "Das sieht nach personenbezogenen Daten aus ({reason}). Angenommen werden nur anonymisierte "
    "Auszüge, die mit `python -m etl extract` in der Gemeinde erzeugt wurden; Registerdaten "
    "mit einzelnen Personen dürfen nicht hochgeladen werden."
)
HEADER_ALIASES: Final = {
    "ebene": "area_level",
    "gebietsebene": "area_level",
    "gebiet": "area_key",
    "gebietsschluessel": "area_key",
    "schluessel": "area_key",
    "geschlecht": "sex",
    "alter": "age",
    "staatsangehoerigkeit": "nationality",
    "wohnungsstatus": "residence",
    "anzahl": "count",
    "groesse": "size",
    "haushaltsgroesse": "size",
    "ereignis": "event",
    "stichtag": "reference_date",
}


def check_person_level(frame: pd.DataFrame, file: str) -> None:
    """Refuse tables with person-level columns, or rows of count 1 with a unique-value column."""
    for column in frame.columns:
        name = normalise_name(str(column))
        if name in PERSON_NAMES or PERSON_TOKENS & set(name.split("_")):
            raise PersonLevelDataError(
                PERSON_LEVEL_MESSAGE.format(reason=f"Spalte {column!r}"),
                file=file,
                column=str(column),
            )
    names = {HEADER_ALIASES.get(normalise_name(str(c)), normalise_name(str(c))) for c in frame}
    if "count" not in names and {"sex", "age"} <= names:
        raise PersonLevelDataError(
            PERSON_LEVEL_MESSAGE.format(
                reason="Zeilen mit Geschlecht und Alter, aber ohne Spalte count"
            ),
            file=file,
        )
    canonical = {
        c: HEADER_ALIASES.get(normalise_name(str(c)), normalise_name(str(c))) for c in frame.columns
    }
    counts = [c for c, name in canonical.items() if name == "count"]
    known = {c for columns in TABLE_COLUMNS.values() for c in columns}
    if counts and len(frame) >= 10 and (frame[counts[0]] == "1").all():
        for column in frame.columns:
            if canonical[column] not in known and frame[column].nunique() == len(frame):
                raise PersonLevelDataError(
                    PERSON_LEVEL_MESSAGE.format(
                        reason=f"alle Anzahlen 1 und Spalte {column!r} eindeutig je Zeile"
                    ),
                    file=file,
                    column=str(column),
                )
