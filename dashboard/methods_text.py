"""Plain-language texts of the Methodik page (German and English)."""

from __future__ import annotations

from typing import Final

METHOD_PARAGRAPHS: Final[dict[str, list[tuple[str, str]]]] = {
    "de": [
        (
            "Woher die Zahlen kommen",
            "Die Kommunen liefern zusammengefasste Zählungen aus ihren Melderegistern, nie "
            "Daten einzelner Personen. Daraus entstehen Tabellen nach Gebiet, Jahr, Geschlecht, "
            "Altersgruppe und Staatsangehörigkeit sowie Haushalte und Bewegungen.",
        ),
        (
            "Wovor wir schützen (Angreifermodell)",
            "Wir nehmen an, dass jemand alle veröffentlichten Tabellen kennt, sie beliebig "
            "kombiniert (auch Differenzen benachbarter Gebiete und Summen über Landesgrenzen) "
            "und dazu weiß, dass geheim gehaltene Zellen nicht null sind. Niemand soll daraus "
            "eine geschützte Zahl genau oder fast genau ausrechnen können.",
        ),
        (
            "Wie geschützt wird",
            "Zellen mit weniger als k Personen (siehe Parameter unten) werden geheim gehalten "
            "(primäre Geheimhaltung). Echte Nullen werden als null veröffentlicht; darum ist "
            "jede geheim gehaltene Zelle bekannt mindestens 1 und höchstens so groß wie die "
            "kleinste veröffentlichte Summe, in der sie steckt. Damit sich eine geheime Zelle "
            "nicht aus Summen zurückrechnen lässt, werden weitere Zellen gesperrt (sekundäre "
            "Geheimhaltung): Für jede geheime Zelle mit Wert x muss der aus allen "
            "veröffentlichten Zahlen mögliche Bereich mindestens ±max(1, ⌈p·x⌉) breit sein "
            "(Schutzintervall p).",
        ),
        (
            "Unabhängige Prüfung",
            "Vor jeder Veröffentlichung prüft ein unabhängiges lineares Programm (LP-Audit) für "
            "jede geheime Zelle, welchen kleinsten und größten Wert sie angesichts aller "
            "veröffentlichten Zahlen haben kann. Ist eine Zelle genau bestimmbar oder ihr "
            "Bereich enger als das Schutzintervall, wird nichts veröffentlicht.",
        ),
        (
            "Eigene Regionen",
            "Selbst gebildete Regionen sind Summen veröffentlichter Zellen. Ist ein Teil geheim "
            "gehalten, zeigt das Dashboard eine Schranke statt einer Zahl: die Untergrenze "
            "(veröffentlichte Werte plus 1 je geheimer Zelle) und, wo eine veröffentlichte "
            "Kreis- oder Landessumme es erlaubt, eine Obergrenze (Intervallrechnung). Es wird "
            "nie auf nicht veröffentlichte Daten zugegriffen.",
        ),
        (
            "Dauerhafte Zitierbarkeit",
            "Jede Veröffentlichung hat eine Kennung und wird nie verändert. Die Adresse jeder "
            "Ansicht enthält diese Kennung, sodass eine Ratsvorlage auf eine Ansicht verweisen "
            "kann, die gleich bleibt.",
        ),
    ],
    "en": [
        (
            "Where the numbers come from",
            "Municipalities deliver aggregated counts from their population registers, never "
            "records of persons, by area, year, sex, age group and nationality, plus households "
            "and events.",
        ),
        (
            "Attacker model",
            "We assume someone knows all published tables, combines them freely (differences "
            "of neighbouring areas, sums across borders) and knows that suppressed cells are "
            "not zero. Nobody may derive a protected number exactly or almost exactly.",
        ),
        (
            "Protection",
            "Cells below k persons are suppressed (primary suppression). True zeros are "
            "published as zero, so every suppressed cell is known to be at least 1 and at most "
            "the smallest published total containing it. Further cells are suppressed "
            "(secondary suppression) so that for every suppressed cell x the range derivable "
            "from all published numbers is at least ±max(1, ceil(p·x)).",
        ),
        (
            "Independent audit",
            "Before publication an independent linear program computes the smallest and "
            "largest value every suppressed cell can take given all published numbers; if one "
            "is exactly derivable or too narrow, nothing is published.",
        ),
        (
            "Custom regions",
            "Custom regions are sums of published cells; where a part is suppressed a bound is "
            "shown (interval arithmetic over published district and Land totals), never a "
            "number derived from restricted data.",
        ),
        (
            "Citable views",
            "Every release has an id and never changes; every view's address contains it.",
        ),
    ],
}

INDICATOR_NOTES: Final[dict[str, list[str]]] = {
    "de": [
        "Durchschnittsalter aus Klassenmitten der Altersgruppen; die offene Gruppe 75+ zählt "
        "mit 85 Jahren.",
        "80+ ist mit den 17 veröffentlichten Altersgruppen nicht bestimmbar; angeboten wird "
        "der Anteil 75+ (oberste Gruppe).",
        "Alten- und Jugendquotient nach Destatis: 65+ bzw. unter 20 je 100 Personen von 20 "
        "bis 64 Jahren.",
        "Geburten, Sterbefälle und Wanderungssaldo je 1.000 Einwohner am Jahresende.",
        "Durchschnittliche Haushaltsgröße: Haushalte mit 5 und mehr Personen zählen mit 5 "
        "(Untergrenze).",
        "Veränderung über 5 Jahre nur, wenn das Jahr fünf Jahre zuvor veröffentlicht ist.",
        "Beim 1-km-Raster gibt es nur die Altersgruppen unter 18, 18–64 und 65+; andere "
        "Kennzahlen sind dort nicht verfügbar (…).",
    ],
    "en": [
        "Mean age from group midpoints; the open group 75+ counts as 85.",
        "80+ cannot be derived from the 17 published groups; the share 75+ is offered.",
        "Old-age and youth ratios (Destatis): 65+ or under 20 per 100 persons aged 20-64.",
        "Births, deaths and net migration per 1,000 inhabitants at year end.",
        "Mean household size counts households of 5+ persons as 5 (a lower bound).",
        "Change over 5 years only where the year five years earlier is published.",
        "The 1 km grid has the groups under 18, 18-64 and 65+ only; other indicators show …",
    ],
}
