"""All user-facing labels (German default, English) and locale-aware number formatting."""

from __future__ import annotations

import math
from typing import Final

from etl.symbols import LABELS_DE, LABELS_EN, NOT_AVAILABLE, PUBLISHED, SYMBOLS

LANGUAGES: Final = ("de", "en")

TEXTS: Final[dict[str, tuple[str, str]]] = {
    # shell
    "app_title": ("Demografie-Dashboard", "Demography dashboard"),
    "app_subtitle": (
        "Bevölkerung, Haushalte und Bewegungen der Kommunen – geschützt veröffentlicht",
        "Population, households and events of municipalities – published with protection",
    ),
    "skip_link": ("Zum Inhalt springen", "Skip to content"),
    "nav_label": ("Hauptnavigation", "Main navigation"),
    "release": ("Veröffentlichung", "Release"),
    "current_page": ("aktuelle Seite", "current page"),
    "live": ("aktuell", "live"),
    "language": ("Sprache", "Language"),
    "footer": (
        "Zahlen aus geschützten Veröffentlichungen. Zeichen: – genau null, • geheim gehalten, "
        "… nicht verfügbar.",
        "Figures from protected releases. Symbols: – true zero, • suppressed, … not available.",
    ),
    "permalink": ("Dauerlink zu dieser Ansicht", "Permanent link to this view"),
    "no_release": (
        "Es gibt noch keine Veröffentlichung. Bitte zuerst `python -m etl publish` ausführen.",
        "There is no release yet. Run `python -m etl publish` first.",
    ),
    # pages
    "page_karte": ("Karte", "Map"),
    "page_gebiet": ("Gebiet", "Area"),
    "page_vergleich": ("Vergleich", "Compare"),
    "page_regionen": ("Regionen", "Regions"),
    "page_daten": ("Daten", "Data"),
    "page_methodik": ("Methodik", "Method"),
    "page_prognose": ("Prognose", "Projection"),
    "portal_link": (
        "Meldeportal für Kommunen und Statistikstelle (Anmeldung)",
        "Upload portal for municipalities and statisticians (login)",
    ),
    # map controls
    "level": ("Ebene", "Level"),
    "indicator": ("Kennzahl", "Indicator"),
    "year": ("Jahr", "Year"),
    "classification": ("Klassenbildung", "Classification"),
    "classes": ("Anzahl Klassen", "Number of classes"),
    "palette": ("Farbschema", "Palette"),
    "quantiles": ("Quantile (gleich viele Gebiete)", "Quantiles (equal counts)"),
    "equal_interval": ("Gleiche Intervalle", "Equal intervals"),
    "natural_breaks": ("Natürliche Brüche (Fisher-Jenks)", "Natural breaks (Fisher-Jenks)"),
    "legend": ("Legende", "Legend"),
    "map_label": ("Karte der Kennzahl", "Map of the indicator"),
    "table_view": ("Tabelle zur Karte", "Table of the map"),
    "click_hint": (
        "Klick auf ein Gebiet öffnet sein Profil. Dicke Linien: Landesgrenzen.",
        "Click an area to open its profile. Thick lines: Land borders.",
    ),
    "summary": ("Zusammenfassung", "Summary"),
    "table_truncated": (
        "Die {n} höchsten von {total} Werten; alle Werte unter „Herunterladen“.",
        "The {n} highest of {total} values; all values under “Downloads”.",
    ),
    "open_profile": ("Profil öffnen", "Open profile"),
    # levels
    "lvl_land": ("Land", "Land (state)"),
    "lvl_kreis": ("Kreis", "District"),
    "lvl_gemeinde": ("Gemeinde", "Municipality"),
    "lvl_ortsteil": ("Ortsteil", "Neighbourhood"),
    "lvl_grid1km": ("1-km-Raster", "1 km grid"),
    "release_withdrawn": (
        "Die Veröffentlichung {release} wurde am {date} zurückgezogen: {reason}. Angezeigt wird "
        "die aktuelle Veröffentlichung {current}.",
        "Release {release} was withdrawn on {date}: {reason}. Showing the current release "
        "{current} instead.",
    ),
    "lvl_region": ("Region", "Region"),
    # table headers
    "col_area": ("Gebiet", "Area"),
    "col_key": ("Schlüssel", "Key"),
    "col_value": ("Wert", "Value"),
    "col_status": ("Status", "Status"),
    "col_year": ("Jahr", "Year"),
    "col_bounds": ("Schranken", "Bounds"),
    # profile
    "area": ("Gebiet", "Area"),
    "compare_year": ("Vergleichsjahr (Umriss)", "Comparison year (outline)"),
    "overlay": ("Überlagerung", "Overlay"),
    "overlay_none": ("keine", "none"),
    "overlay_year": ("anderes Jahr", "another year"),
    "overlay_parent": ("übergeordnetes Gebiet (Anteile)", "parent area (shares)"),
    "pyramid": ("Bevölkerungspyramide", "Population pyramid"),
    "timeseries": ("Bevölkerung im Zeitverlauf", "Population over time"),
    "components": ("Komponenten der Veränderung", "Components of change"),
    "households_by_size": ("Haushalte nach Größe", "Households by size"),
    "key_indicators": ("Kennzahlen im Vergleich", "Key indicators compared"),
    "register_vs_official": (
        "Melderegister und amtliche Bevölkerungszahl",
        "Population register and official population",
    ),
    "female": ("Frauen", "Women"),
    "male": ("Männer", "Men"),
    "persons": ("Personen", "Persons"),
    "register": ("Melderegister", "Register"),
    "official": ("Amtlich (Fortschreibung)", "Official (estimate)"),
    "difference": ("Differenz", "Difference"),
    "gap_explained": (
        "Warum die Zahlen abweichen: Das Melderegister zählt Personen mit Haupt- und "
        "Nebenwohnung zum Stichtag der Auswertung; die amtliche Bevölkerungszahl ist eine "
        "Fortschreibung des Zensus 2022 mit Geburten, Sterbefällen und Wanderungen, zählt nur "
        "die Hauptwohnung (Bevölkerung am Ort der alleinigen oder Hauptwohnung) und bezieht "
        "sich auf den 31.12. Dazu kommen Meldeverzug (Zu- und Fortzüge, die erst später "
        "gemeldet werden), Bereinigungen des Registers (Karteileichen) und Zensus-Korrekturen. "
        "Abweichungen von einigen Prozent sind daher üblich und kein Fehler.",
        "Why the numbers differ: the register counts persons with main and secondary residence "
        "on the extraction date; the official figure carries the 2022 census forward with "
        "births, deaths and migration, counts main residences only and refers to 31 December. "
        "Reporting delays, register clean-ups and census corrections add to the gap. Gaps of "
        "a few per cent are normal and not an error.",
    ),
    "no_official": (
        "Für dieses Gebiet liegt keine amtliche Vergleichszahl vor.",
        "No official figure is loaded for this area.",
    ),
    "birth": ("Geburten", "Births"),
    "death": ("Sterbefälle", "Deaths"),
    "move_in": ("Zuzüge", "Moves in"),
    "move_out": ("Fortzüge", "Moves out"),
    "natural_change": ("Natürlicher Saldo", "Natural change"),
    "net_migration": ("Wanderungssaldo", "Net migration"),
    "size": ("Haushaltsgröße", "Household size"),
    "hh_size_label": ("{n} Pers.", "{n} pers."),
    # compare
    "compare_pick": ("Gebiete wählen (bis zu 6)", "Choose areas (up to 6)"),
    "compare_limit": ("Höchstens 6 Gebiete.", "At most 6 areas."),
    # regions
    "region_pick": (
        "Gemeinden wählen (Liste oder Klick in die Karte), auch über Landesgrenzen",
        "Choose municipalities (list or click on the map), also across Land borders",
    ),
    "region_name": ("Name der Region", "Region name"),
    "region_default_name": ("Eigene Region", "Custom region"),
    "region_members": ("Mitglieder", "Members"),
    "region_empty": (
        "Noch keine Gemeinde gewählt.",
        "No municipality chosen yet.",
    ),
    "region_bounds_note": (
        "Summen veröffentlichter Zellen. Ist ein Teil geheim gehalten, steht eine Schranke da: "
        "≥ Untergrenze (jede geheim gehaltene Zelle ist mindestens 1) oder ein Intervall, "
        "dessen Obergrenze aus veröffentlichten Summen folgt (Intervallrechnung über Kreis- "
        "und Landessummen).",
        "Sums of published cells. Where a part is suppressed, a bound is shown: ≥ lower bound "
        "(each suppressed cell is at least 1) or an interval whose upper end follows from "
        "published totals (interval arithmetic over district and Land totals).",
    ),
    "measure": ("Merkmal", "Measure"),
    "lower": ("Untergrenze", "Lower bound"),
    "upper": ("Obergrenze", "Upper bound"),
    "age_u18": ("unter 18 Jahre", "under 18"),
    "age_18_64": ("18 bis 64 Jahre", "18 to 64"),
    "age_65p": ("65 Jahre und älter", "65 and over"),
    "foreign": ("Nichtdeutsche", "Non-Germans"),
    "female_u18": ("Frauen unter 18", "Women under 18"),
    "female_18_64": ("Frauen 18 bis 64", "Women 18 to 64"),
    "female_65p": ("Frauen 65 und älter", "Women 65 and over"),
    "male_u18": ("Männer unter 18", "Men under 18"),
    "male_18_64": ("Männer 18 bis 64", "Men 18 to 64"),
    "male_65p": ("Männer 65 und älter", "Men 65 and over"),
    "region_click_hint": (
        "Klick auf eine Gemeinde nimmt sie in die Region auf oder entfernt sie.",
        "Click a municipality to add it to the region or remove it.",
    ),
    "region_result": ("Kennzahlen der Region", "Figures of the region"),
    "selected": ("gewählt", "selected"),
    "not_selected": ("nicht gewählt", "not selected"),
    # data
    "downloads": ("Herunterladen", "Downloads"),
    "download_view": ("Daten der aktuellen Ansicht", "Data of the current view"),
    "csv_utf8": ("CSV (UTF-8)", "CSV (UTF-8)"),
    "csv_excel": ("CSV für Excel (deutsch)", "CSV for Excel (German)"),
    "xlsx": ("Excel (XLSX)", "Excel (XLSX)"),
    "gpkg": ("GeoPackage", "GeoPackage"),
    "dataset": ("Datensatz", "Dataset"),
    "ds_indicator": ("Kennzahl der Karte", "Map indicator"),
    "ds_population": ("Bevölkerung nach Alter und Geschlecht", "Population by age and sex"),
    "ds_households": ("Haushalte nach Größe", "Households by size"),
    "ds_events": ("Geburten, Sterbefälle, Wanderungen", "Births, deaths, migration"),
    "charts_note": (
        "Diagramme lassen sich über das Kamerasymbol der Diagrammleiste als PNG speichern; "
        "alle Diagramme funktionieren ohne Internetverbindung.",
        "Charts can be saved as PNG through the camera button of each chart's toolbar; "
        "everything works offline.",
    ),
    "api_note": ("Dieselben Zahlen als Programmierschnittstelle:", "The same numbers as an API:"),
    # methods
    "methods_title": ("Methodik und Datenschutz", "Method and privacy"),
    "release_params": ("Parameter dieser Veröffentlichung", "Parameters of this release"),
    "sources": ("Quellen und Lizenz", "Sources and licence"),
    "symbols": ("Zeichen", "Symbols"),
    "indicators_defs": ("Kennzahlen", "Indicators"),
    "min_count": ("Mindestfallzahl k", "Minimum count k"),
    "protection": ("Schutzintervall p", "Protection interval p"),
    "territorial_status": ("Gebietsstand", "Territorial status"),
    "years": ("Jahre", "Years"),
    "audit": ("Prüfung (LP-Audit)", "Audit (LP)"),
    "attribution": ("Quellenvermerk", "Attribution"),
    # status
    "status_suppressed_bounds": ("zwischen {lo} und {hi}", "between {lo} and {hi}"),
    "status_na_reason": ("nicht verfügbar", "not available"),
}

INDICATOR_TEXTS: Final[dict[str, tuple[str, str]]] = {
    "population": ("Bevölkerung", "Population"),
    "density": ("Einwohner je km²", "Inhabitants per km²"),
    "change_1y": ("Veränderung zum Vorjahr (%)", "Change over 1 year (%)"),
    "change_5y": ("Veränderung über 5 Jahre (%)", "Change over 5 years (%)"),
    "share_u18": ("Anteil unter 18 Jahren (%)", "Share under 18 (%)"),
    "share_65p": ("Anteil 65 Jahre und älter (%)", "Share 65 and over (%)"),
    "share_75p": (
        "Anteil 75 Jahre und älter (%) – statt 80+: oberste Altersgruppe",
        "Share 75 and over (%) – instead of 80+: top age group",
    ),
    "mean_age": ("Durchschnittsalter (Klassenmitten)", "Mean age (group midpoints)"),
    "old_age_ratio": ("Altenquotient (65+ je 100 von 20–64)", "Old-age ratio (65+ per 100 20–64)"),
    "youth_ratio": ("Jugendquotient (<20 je 100 von 20–64)", "Youth ratio (<20 per 100 20–64)"),
    "births_per_1000": ("Geburten je 1.000 Einw.", "Births per 1,000"),
    "deaths_per_1000": ("Sterbefälle je 1.000 Einw.", "Deaths per 1,000"),
    "net_migration_per_1000": ("Wanderungssaldo je 1.000 Einw.", "Net migration per 1,000"),
    "foreign_share": ("Anteil nichtdeutsch (%)", "Share non-German (%)"),
    "households": ("Haushalte", "Households"),
    "hh_share_1": ("Anteil Einpersonenhaushalte (%)", "Share one-person households (%)"),
    "hh_share_5p": ("Anteil Haushalte mit 5+ Pers. (%)", "Share households 5+ persons (%)"),
    "mean_hh_size": ("Durchschnittliche Haushaltsgröße", "Mean household size"),
}


def t(key: str, lang: str = "de", **values: object) -> str:
    """The label for `key` in `lang`; unknown keys come back unchanged so gaps are visible."""
    pair = TEXTS.get(key) or INDICATOR_TEXTS.get(key)
    if pair is None:
        return key
    text = pair[1 if lang == "en" else 0]
    return text.format(**values) if values else text


def status_label(status: str, lang: str = "de") -> str:
    return (LABELS_EN if lang == "en" else LABELS_DE).get(status, status)


def fmt_number(value: float | int | None, lang: str = "de", decimals: int = 0) -> str:
    """1234.5 -> '1.234,5' (de) or '1,234.5' (en); None/NaN -> the not-available symbol."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return SYMBOLS[NOT_AVAILABLE]
    text = f"{value:,.{decimals}f}"
    if lang == "en":
        return text
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def fmt_cell(value: float | int | None, status: str, lang: str = "de", decimals: int = 0) -> str:
    """A number for published cells, the symbol otherwise (– for zero, • suppressed, … n/a)."""
    if status == PUBLISHED:
        return fmt_number(value, lang, decimals)
    return SYMBOLS.get(status, SYMBOLS[NOT_AVAILABLE])


def fmt_bounds(
    lower: float | None, upper: float | None, lang: str = "de", decimals: int = 0
) -> str:
    """'≥ 1.234' when only a lower bound is known, '1.234 – 1.250' for an interval."""
    if lower is None or (isinstance(lower, float) and math.isnan(lower)):
        return ""
    if upper is None or (isinstance(upper, float) and math.isnan(upper)):
        return f"≥ {fmt_number(lower, lang, decimals)}"
    return f"{fmt_number(lower, lang, decimals)} – {fmt_number(upper, lang, decimals)}"


def plotly_separators(lang: str) -> str:
    """The layout.separators string: decimal mark then thousands separator."""
    return ".," if lang == "en" else ",."


def normalise_lang(lang: str | None, default: str = "de") -> str:
    return lang if lang in LANGUAGES else default
