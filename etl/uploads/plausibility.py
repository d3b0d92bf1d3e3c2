"""Plausibility checks of one extract, each with a plain-language explanation (pure functions).

A warning does not refuse an upload: the statistician sees it in the review queue and decides.
Thresholds are deliberately generous; small municipalities get "not assessable" instead of
false alarms, because random variation there is large.
"""

from __future__ import annotations

import math
from typing import Final

import pandas as pd

from etl.model import ExtractBundle
from etl.uploads.report import Check

CHANGE_THRESHOLD: Final = 0.05  # total population against the previous year
GROUP_CHANGE_THRESHOLD: Final = 0.15  # broad age groups against the previous year
WHIPPLE_WARNING: Final = 125.0  # UN: 105-110 fairly accurate, >125 rough data
WHIPPLE_MIN_PERSONS: Final = 1000
SEX_RATIO_Z: Final = 4.0  # men vs women, standard deviations of a fair split
OFFICIAL_TOLERANCE: Final = 0.03
BROAD_GROUPS: Final = ((0, 18, "unter 18"), (18, 65, "18 bis 64"), (65, 101, "65 und älter"))


def _german(text: str) -> str:
    """Swap the English separators of a formatted number for German ones."""
    return text.translate(str.maketrans({",": ".", ".": ","}))


def _fmt(number: float) -> str:
    return _german(f"{number:,.0f}")


def _pct(share: float) -> str:
    return _german(f"{share * 100:+,.1f}") + " %"


def municipal_population(population: pd.DataFrame) -> pd.DataFrame:
    """Main-residence population of the whole municipality by sex and age."""
    level = "gemeinde" if (population["area_level"] == "gemeinde").any() else "ortsteil"
    rows = population[(population["area_level"] == level) & (population["residence"] == "main")]
    return rows.groupby(["sex", "age"], as_index=False)["count"].sum()


def change_against_previous(
    current: pd.DataFrame, previous: pd.DataFrame | None, previous_label: str
) -> list[Check]:
    if previous is None or previous.empty:
        return [
            Check(
                "change",
                "info",
                "Veränderung zum Vorjahr",
                "Kein Vorjahresauszug dieser Gemeinde vorhanden; nicht prüfbar.",
            )
        ]
    now, before = int(current["count"].sum()), int(previous["count"].sum())
    change = (now - before) / before if before else math.inf
    checks = [
        Check(
            "change",
            "warning" if abs(change) > CHANGE_THRESHOLD else "ok",
            "Veränderung zum Vorjahr",
            f"Einwohner (Hauptwohnung) {_fmt(now)} gegenüber {_fmt(before)} "
            f"{previous_label}: {_pct(change)}. Über ±{CHANGE_THRESHOLD:.0%} ist selten "
            "(Eingemeindung, Registerbereinigung, falscher Stichtag?).",
        )
    ]
    for low, high, label in BROAD_GROUPS:
        a = int(current.loc[current["age"].between(low, high - 1), "count"].sum())
        b = int(previous.loc[previous["age"].between(low, high - 1), "count"].sum())
        if b >= 100 and abs(a - b) / b > GROUP_CHANGE_THRESHOLD:
            checks.append(
                Check(
                    f"change-{low}",
                    "warning",
                    f"Altersgruppe {label}",
                    f"{_fmt(a)} statt {_fmt(b)} ({_pct((a - b) / b)}); Altersangaben verschoben?",
                )
            )
    return checks


def age_heaping(population: pd.DataFrame) -> Check:
    """Whipple's index on ages 23-62: 100 means no preference for ages ending in 0 or 5."""
    by_age = population.groupby("age")["count"].sum()
    window = by_age.reindex(range(23, 63), fill_value=0)
    persons = int(window.sum())
    if persons < WHIPPLE_MIN_PERSONS:
        return Check(
            "heaping",
            "info",
            "Altersanhäufung (Whipple-Index)",
            f"Nur {_fmt(persons)} Personen im Alter 23–62; zu wenige für eine belastbare Aussage.",
        )
    heaped = int(window[[a for a in window.index if a % 5 == 0]].sum())
    whipple = 100 * heaped / (persons / 5)
    level = "warning" if whipple > WHIPPLE_WARNING else "ok"
    return Check(
        "heaping",
        level,
        "Altersanhäufung (Whipple-Index)",
        f"Whipple-Index {whipple:.0f} (100 = keine Häufung auf Alter mit Endziffer 0 "
        f"oder 5; über {WHIPPLE_WARNING:.0f} deutet auf geschätzte oder gerundete "
        "Geburtsjahre hin).",
    )


def sex_ratio(population: pd.DataFrame) -> list[Check]:
    """Men and women under 65 in ten-year groups against a fair split."""
    checks = []
    young = population[population["age"] < 65].assign(group=lambda f: f["age"] // 10 * 10)
    table = young.pivot_table(
        index="group", columns="sex", values="count", aggfunc="sum", fill_value=0
    )
    for group, row in table.iterrows():
        women, men = int(row.get("female", 0)), int(row.get("male", 0))
        persons = women + men
        if persons < 200:
            continue
        z = (men - persons / 2) / math.sqrt(persons / 4)
        if abs(z) > SEX_RATIO_Z:
            checks.append(
                Check(
                    f"sex-{group}",
                    "warning",
                    f"Geschlechterverhältnis {group}–{group + 9} Jahre",
                    f"{men / max(women, 1) * 100:.0f} Männer je 100 Frauen "
                    f"({_fmt(persons)} Personen);"
                    " ungewöhnlich weit von 100 (vertauschte Codes? Einrichtung wie Kaserne oder "
                    "Wohnheim?).",
                )
            )
    if not checks:
        checks.append(
            Check(
                "sex",
                "ok",
                "Geschlechterverhältnis",
                "Keine Altersgruppe unter 65 weicht auffällig vom Verhältnis "
                "1:1 ab (oder zu wenige Personen für eine Aussage).",
            )
        )
    return checks


def households_against_persons(bundle: ExtractBundle, persons: int) -> Check:
    households = bundle.households
    level = "gemeinde" if (households["area_level"] == "gemeinde").any() else "ortsteil"
    rows = households[households["area_level"] == level]
    count = int(rows["count"].sum())
    members = int((rows["size"] * rows["count"]).sum())  # size 5 means 5 or more: a lower bound
    title = "Haushalte und Personen"
    if count == 0:
        return Check("households", "info", title, "Der Auszug enthält keine Haushalte.")
    if members > persons:
        return Check(
            "households",
            "warning",
            title,
            f"Die Haushalte umfassen mindestens {_fmt(members)} Personen, es gibt aber "
            f"nur {_fmt(persons)} Einwohner mit Hauptwohnung.",
        )
    average = persons / count
    level_name = "ok" if 1.4 <= average <= 3.5 else "warning"
    mean = _german(f"{average:.2f}")
    return Check(
        "households",
        level_name,
        title,
        f"{_fmt(count)} Haushalte, durchschnittlich {mean} Personen je Haushalt "
        "(üblich 1,6 bis 2,6).",
    )


def against_official(persons: int, official: pd.DataFrame, year: int) -> Check:
    title = "Abgleich mit der amtlichen Statistik"
    totals = official[official["sex"].isin(["total", "insgesamt"])].dropna(subset=["value"])
    if totals.empty:
        return Check(
            "official", "info", title, f"Für {year} sind keine amtlichen Einwohnerzahlen geladen."
        )
    value = int(totals["value"].iloc[0])
    deviation = (persons - value) / value if value else math.inf
    level = "warning" if abs(deviation) > OFFICIAL_TOLERANCE else "ok"
    return Check(
        "official",
        level,
        title,
        f"Melderegister {_fmt(persons)}, amtlich ({totals['table_code'].iloc[0]}) "
        f"{_fmt(value)}: {_pct(deviation)}. Registerzahlen liegen meist etwas über der "
        f"Fortschreibung; über ±{OFFICIAL_TOLERANCE:.0%} bitte prüfen.",
    )


def run_checks(
    bundle: ExtractBundle,
    previous: pd.DataFrame | None,
    previous_label: str,
    official: pd.DataFrame,
) -> list[Check]:
    """All checks of one extract; `previous` is the previous year's municipal population."""
    population = municipal_population(bundle.population)
    persons = int(population["count"].sum())
    return [
        *change_against_previous(population, previous, previous_label),
        age_heaping(population),
        *sex_ratio(population),
        households_against_persons(bundle, persons),
        against_official(persons, official, bundle.year),
    ]
