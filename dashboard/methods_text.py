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
            "Wir nehmen an, dass jemand alles kennt, was Dashboard und Schnittstelle zeigen: "
            "jede veröffentlichte Zelle jeder Tabelle, jedes Jahres und jeder Ebene, aus allen "
            "noch lesbaren Veröffentlichungen zugleich, dazu die Zugehörigkeit der Gebiete, wie "
            "die Karte sie zeigt (Ortsteil und Rasterzelle zur Gemeinde, Gemeinde zu Kreis und "
            "Land, Gemeinden zu jeder vordefinierten Region). Diese Person kombiniert alles "
            "beliebig (Differenzen benachbarter Gebiete, Gemeindesumme minus ihre "
            "Rasterzellen, Summen über Landesgrenzen) und weiß, dass geheim gehaltene Zellen "
            "nicht null sind. Niemand soll daraus eine geschützte Zahl genau oder fast genau "
            "ausrechnen können. Rasterzellen, die auf einer Gemeindegrenze liegen (von zwei "
            "Gemeinden geliefert), werden nicht veröffentlicht.",
        ),
        (
            "Alle Veröffentlichungen zugleich",
            "Ältere Veröffentlichungen bleiben über ihren Link lesbar. Darum gilt: Was eine "
            "lesbare Veröffentlichung für einen Stichtag gezeigt hat, bleibt in jeder neuen "
            "Veröffentlichung mit demselben Wert sichtbar, und die Prüfung rechnet mit allen "
            "lesbaren Veröffentlichungen zusammen. Ändert eine korrigierte Lieferung einen "
            "schon gezeigten Wert, wird die ältere Veröffentlichung zurückgezogen: Ihr Link "
            "nennt dann den Grund und führt zur aktuellen Veröffentlichung.",
        ),
        (
            "Abgeleitete Zahlen",
            "Kennzahlen, natürlicher Saldo (Geburten minus Sterbefälle) und Wanderungssaldo "
            "werden nur aus veröffentlichten Zellen berechnet. Ist ein Teil geheim gehalten, "
            "wird eine Schranke gezeigt, nie ein Wert, der die geheime Zelle als 0 zählt.",
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
            "Bereich enger als das Schutzintervall, wird nichts veröffentlicht. Eine zweite "
            "Prüfung liest die neue Veröffentlichung so, wie die Schnittstelle sie ausliefert, "
            "und prüft sie zusammen mit allen lesbaren Veröffentlichungen, bevor sie "
            "freigeschaltet wird.",
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
            "kann, die gleich bleibt – es sei denn, sie wurde zurückgezogen (siehe oben).",
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
            "We assume someone knows everything the dashboard and the API show: every "
            "published cell of every table, year and level, from all readable releases at "
            "once, and which area lies in which, as the map shows it (Ortsteil and grid cell in "
            "their Gemeinde, Gemeinde in Kreis and Land, Gemeinden in every predefined region). "
            "They combine everything freely (differences of neighbouring areas, a Gemeinde's "
            "total minus its grid cells, sums across borders) and know that suppressed cells "
            "are not zero. Nobody may derive a protected number exactly or almost exactly. "
            "Grid cells on a municipal border (delivered by two municipalities) are not "
            "published.",
        ),
        (
            "All releases at once",
            "Older releases stay readable through their links. So a value a readable release "
            "showed for a reference date stays visible with the same value in every new "
            "release, and the audit checks all readable releases together. When a corrected "
            "upload changes a value already shown, the older release is withdrawn: its link "
            "then gives the reason and leads to the current release.",
        ),
        (
            "Derived figures",
            "Indicators, natural change (births minus deaths) and net migration are computed "
            "from published cells only. Where a part is suppressed a bound is shown, never a "
            "value that counts the suppressed cell as 0.",
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
            "is exactly derivable or too narrow, nothing is published. A second audit reads "
            "the new release back as the API serves it and checks it together with every "
            "readable release before it goes live.",
        ),
        (
            "Custom regions",
            "Custom regions are sums of published cells; where a part is suppressed a bound is "
            "shown (interval arithmetic over published district and Land totals), never a "
            "number derived from restricted data.",
        ),
        (
            "Citable views",
            "Every release has an id and never changes; every view's address contains it "
            "(unless it was withdrawn, see above).",
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
