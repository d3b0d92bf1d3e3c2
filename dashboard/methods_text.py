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
            "Gemeinden geliefert), werden nicht veröffentlicht. Ein Jahr gegen das nächste "
            "(Bestand plus Geburten minus Sterbefälle plus Zuzüge minus Fortzüge) ist keine "
            "exakte Gleichung der veröffentlichten Zahlen: Der Bestand zählt Hauptwohnungen, "
            "die Ereignisse alle gemeldeten Personen, und ein Wechsel zwischen Haupt- und "
            "Nebenwohnung oder eine Registerkorrektur ist kein Ereignis. Wer sie als Gleichung "
            "annimmt, erhält Widersprüche zu veröffentlichten Zahlen; mit einem geschätzten "
            "Rest wird keine geheime Zelle enger eingegrenzt (beides geprüft). Veröffentlichte "
            "Vorausberechnungen sind auf 10 gerundet und nur für Gebiete ab 5.000 Einwohnern; "
            "ihr Basisjahr grenzt keine geheime Zelle enger ein (geprüft). Haushalte nach "
            "Größe hängen an der Einwohnerzahl: Jede Person lebt in einem Haushalt, ein "
            "Haushalt mit 5 und mehr Personen zählt mindestens 5; auch diese Beziehung kennt "
            "der angenommene Angreifer. Die Angaben zur "
            "Prüfung unten nennen je Tabelle und Jahr nur, wie viele Zellen gezeigt und wie "
            "viele davon geheim gehalten sind; Summen oder Höchstwerte der geheimen Zahlen "
            "bleiben im geschützten Bereich.",
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
        (
            "Bevölkerungsvorausberechnung: Verfahren",
            "Für jede Gemeinde wird die Einwohnerzahl mit einem Mittel aus zwei einfachen "
            "Verfahren fortgeschrieben: 20 % unveränderte Einwohnerzahl und 80 % ein "
            "Komponentenmodell. Darin wird der Geburten- bzw. Sterbeüberschuss als Rate "
            "fortgeschrieben, der Wanderungssaldo als feste, jährlich um 10 % abnehmende Zahl "
            "von Personen (er wächst also nie exponentiell). Kleine Gemeinden werden zum "
            "Durchschnitt ihres Kreises hin gezogen; die Raten sind auf ±5 % im Jahr begrenzt. "
            "Der Bruch durch den Zensus 2011 geht nicht als Trend ein. Altersgruppen entstehen, "
            "indem die Altersstruktur (Zensus 2011 oder jüngste Tabelle) Jahr für Jahr gealtert "
            "und auf die Gesamtzahl abgestimmt wird.",
        ),
        (
            "Wie genau? Geprüft an früheren Jahren",
            "Das Verfahren wurde mit amtlichen Daten für über 1.000 Gemeinden in Niedersachsen und "
            "Bremen so gerechnet, als wäre es 2009, 2010, 2011 oder 2012: Nach 2 Jahren weicht "
            "es im Mittel um 1,4 % ab (unveränderte Zahl: 1,7 %, linearer Trend: 1,9 %), nach "
            "4 Jahren um 2,3 % (2,9 % bzw. 4,1 %), und es ist in jeder Größenklasse genauer als "
            "beide einfachen Verfahren. Das 80-%-Prognoseintervall stammt aus der Verteilung "
            "dieser früheren Fehler nach Größenklasse und Zeitabstand; in der Prüfung lag der "
            "wahre Wert in 73–79 % der Fälle darin.",
        ),
        (
            "Grenzen der Vorausberechnung",
            "Unter 5.000 Einwohnern sind Vorausberechnungen sehr unsicher (im Mittel 2–3 % "
            "nach 4 Jahren, einzelne weit mehr). Ereignisse ohne Vorbild in den Daten – etwa "
            "die Zuwanderung 2015 oder eine Erstaufnahmeeinrichtung – sagt kein Trendverfahren "
            "voraus; die Intervalle für große Städte waren in Jahren starker Zuwanderung zu "
            "schmal. "
            "Altersgruppen ließen sich nur im Werra-Meißner-Kreis prüfen (Zensus 2011 bis 2015: "
            "9 % mittlere Abweichung gegen 12 % bei unveränderten Anteilen); Wanderungen nach "
            "Alter (junge Erwachsene, Familien) bildet das Verfahren nur grob ab. Die Varianten "
            "der Seite Prognose zeigen Annahmen, nicht die Unsicherheit.",
        ),
        (
            "Haushalte in der Vorausberechnung",
            "Private Haushalte je Gemeinde sind die vorausberechnete Bevölkerung geteilt durch "
            "die Personen je Haushalt: aus dem Zensus 2011 für den Kreis (Einwohner je privatem "
            "Haushalt), wo Registerdaten hochgeladen sind aus der eigenen mittleren "
            "Haushaltsgröße der Gemeinde. Diese Größe sinkt mit einem gedämpften bundesweiten "
            "Trend von −0,2 % im Jahr (Haushaltsvorausberechnung des Statistischen Bundesamts: "
            "2,0 Personen je Haushalt 2018, 1,9 im Jahr 2040). Annahmen: alle Gemeinden eines "
            "Kreises haben dieselbe Haushaltsgröße, die Alterung innerhalb der Gemeinde und der "
            "Mix der Haushaltstypen bleiben unberücksichtigt; das Intervall enthält nur die "
            "Unsicherheit der Bevölkerung.",
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
            "published. One year against the next (stock plus births minus deaths plus moves "
            "in minus moves out) is no exact equation of the published figures: the stock "
            "counts main residences, the events every registered person, and a change between "
            "main and secondary residence or a register correction is no event. Assuming it as "
            "an equation contradicts published figures; with an estimated remainder it narrows "
            "no suppressed cell (both tested). Published projections are rounded to 10 and "
            "exist only for areas of 5,000 or more; their base year narrows no suppressed cell "
            "(tested). Households by size are tied to the population: everybody lives in one "
            "household, and one of 5 or more counts at least 5; the assumed attacker knows "
            "this too. The audit details below give, per table and year, only how many cells "
            "are shown and how many of them are suppressed; sums or maxima of the suppressed "
            "numbers stay in the restricted zone.",
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
        (
            "Population projection: method",
            "Each municipality's population is carried forward by the mean of two simple "
            "methods: 20 % unchanged population and 80 % a component model. It carries natural "
            "change as a rate and net migration as a fixed number of people that shrinks by "
            "10 % a year (so it never grows exponentially). Small municipalities are pulled "
            "toward their district's average; rates are bounded to ±5 % a year. The break of "
            "the 2011 census is never taken for a trend. Age groups come from ageing the age "
            "structure (census 2011 or the latest table) year by year, scaled to the total.",
        ),
        (
            "How accurate? Tested on past years",
            "The method was run on official data for over 1,000 municipalities of Lower Saxony and "
            "Bremen as if it were 2009, 2010, 2011 or 2012: after 2 years it is off by 1.4 % on "
            "average (unchanged population: 1.7 %, linear trend: 1.9 %), after 4 years by "
            "2.3 % (2.9 % and 4.1 %), and it beats both simple methods in every size class. "
            "The 80 % prediction interval comes from the distribution of these past errors by "
            "size class and horizon; in the tests the true value fell inside in 73-79 % of "
            "cases.",
        ),
        (
            "Limits of the projection",
            "Below 5,000 inhabitants projections are very uncertain (errors of 2-3 % after 4 "
            "years on average, some far larger). Events without precedent in the data, such as "
            "the 2015 immigration or a reception centre, are foreseen by no trend method; the "
            "intervals of large cities were too narrow in years of strong immigration. Age "
            "groups could only be tested in "
            "the Werra-Meißner-Kreis (census 2011 to 2015: 9 % mean error against 12 % for "
            "unchanged shares); migration by age (young adults, families) is captured only "
            "roughly. The variants on the Prognose page show assumptions, not uncertainty.",
        ),
        (
            "Households in the projection",
            "Private households per municipality are the projected population divided by the "
            "persons per household: from the 2011 census for the district (inhabitants per "
            "private household) or, where register data were uploaded, the municipality's own "
            "mean household size. This size falls with a damped national trend of -0.2 % a year "
            "(Federal Statistical Office household projection: 2.0 persons per household in "
            "2018, 1.9 in 2040). Assumptions: all municipalities of a district share its "
            "household size; ageing within the municipality and the mix of household types are "
            "not modelled; the interval carries only the uncertainty of the population.",
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
