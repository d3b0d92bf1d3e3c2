"""Where a number comes from, in words: register or official, table code, reference date.

Pure functions. Every row of a release's cell tables carries `source` (register | official),
`sources` (upload ids or table codes) and `reference_date`; these helpers turn them into the
short text shown in map tooltips, tables and exports.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import pandas as pd

from etl.transform.census import census_basis

SOURCE_NAMES: Final[dict[str, dict[str, str]]] = {
    "de": {"official": "amtliche Statistik", "register": "Melderegister"},
    "en": {"official": "official statistics", "register": "population register"},
}
WORDS: Final[dict[str, dict[str, str]]] = {
    "de": {"source": "Quelle", "as_of": "Stand", "census": "Basis Zensus"},
    "en": {"source": "Source", "as_of": "as of", "census": "census basis"},
}


def _date(value: object, lang: str) -> str:
    if value is None or (not isinstance(value, dt.date) and pd.isna(value)):
        return ""
    day = pd.Timestamp(value).date()
    return f"{day:%d.%m.%Y}" if lang == "de" else day.isoformat()


def source_label(
    source: str, sources: str, reference_date: object, year: int | None, lang: str
) -> str:
    """E.g. 'Quelle: amtliche Statistik 12411-01-01-5-B, Stand 31.12.2013 (Basis Zensus 2011)'."""
    lang = lang if lang in WORDS else "de"
    words = WORDS[lang]
    name = SOURCE_NAMES[lang].get(source, source or "")
    text = f"{words['source']}: {name}"
    if source == "official" and sources:
        text += f" {sources}"
    date = _date(reference_date, lang)
    if date:
        text += f", {words['as_of']} {date}"
    basis = census_basis(year) if source == "official" and year is not None else None
    if basis:
        text += f" ({words['census']} {basis})"
    return text


def area_source_labels(population: pd.DataFrame, lang: str) -> pd.Series:
    """area_key -> label of the all-ages total of each area (one year's population rows)."""
    if population.empty or "source" not in population:
        return pd.Series(dtype="str")
    totals = population[
        (population["sex"] == "total")
        & (population["nationality"] == "total")
        & (population["age_from"] == 0)
        & population["age_to"].isna()
    ].drop_duplicates("area_key")
    labels = [
        source_label(r.source, r.sources, r.reference_date, int(r.year), lang)
        for r in totals.itertuples()
    ]
    return pd.Series(labels, index=totals["area_key"].to_numpy(), dtype="str")


def area_sources(population: pd.DataFrame) -> pd.DataFrame:
    """Per area of one year's population rows: source, sources and reference_date (ISO text)."""
    columns = ["source", "sources", "reference_date"]
    if population.empty or "source" not in population:
        return pd.DataFrame(columns=columns)
    totals = population[
        (population["sex"] == "total")
        & (population["nationality"] == "total")
        & (population["age_from"] == 0)
        & population["age_to"].isna()
    ].drop_duplicates("area_key")
    dates = totals["reference_date"].map(lambda d: "" if pd.isna(d) else str(d)[:10])
    return totals.assign(reference_date=dates).set_index("area_key")[columns]


SOURCE_HEADER: Final[dict[str, str]] = {"de": "Quelle", "en": "Source"}


def short_source(source: object, sources: object, reference_date: object, lang: str) -> str:
    """Table cell: 'amtliche Statistik 12411-01-01-5-B, 31.12.2013' or 'Melderegister, …'."""
    if not isinstance(source, str):
        return ""
    label = source_label(
        source, sources if isinstance(sources, str) else "", reference_date, None, lang
    )
    return label.split(": ", 1)[-1]
