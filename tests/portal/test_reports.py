"""The report and job views render typed records, in German by default and in English."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from etl.uploads.records import Job, PublishedRelease, StoredUpload, ValidationReport
from etl.uploads.report import ReportError, SuppressionPreview
from portal import reports
from portal.pages.review import publish_outcome
from portal.pages.upload import job_outcome
from tests.uploads.test_report import OLD_OK

STARTED = dt.datetime(2025, 1, 2, tzinfo=dt.UTC)
RUNNING = Job("j", "validate", "altdorf", "running", 40, "", {}, None, STARTED, None)


def _text(component: object) -> str:
    return str(component)


def test_an_ok_report_in_german_keeps_the_texts_it_had() -> None:
    shown = _text(reports.report_view(ValidationReport.from_json(OLD_OK)))
    assert "Formal in Ordnung" in shown
    assert "03901001 Altdorf, Stichtag 2024-12-31: 1234 Einwohner mit Hauptwohnung" in shown
    assert "Zeilen population: 812, households: 40, events: 96." in shown
    assert "Hinweis" in shown and "Veränderung" in shown  # the warning's badge and title
    assert "Ersetzt Meldung u-alt; die alte bleibt in der Historie." in shown
    assert "15 → 13" in shown and "Mindestfallzahl k = 3" in shown and "42" in shown
    assert "daher können es etwas mehr werden" in shown


def test_an_ok_report_in_english_has_no_german_labels() -> None:
    shown = _text(reports.report_view(ValidationReport.from_json(OLD_OK), "en"))
    assert "Formally correct" in shown
    assert "reference date 2024-12-31: 1234 residents with main residence" in shown
    assert "warning" in shown and "Plausibility" in shown
    assert "Replaces submission u-alt" in shown and "Minimum count k = 3" in shown
    assert "Preview with this municipality's tables only" in shown
    for german in ("Formal in Ordnung", "Stichtag", "Plausibilität", "Ersetzt", "Tabelle"):
        assert german not in shown
    assert "report_" not in shown  # every key has a text


def test_a_first_upload_and_a_missing_preview_say_so_in_both_languages() -> None:
    first = dataclasses.replace(
        ValidationReport.from_json(OLD_OK),
        replaces=None,
        diff=(),
        preview=SuppressionPreview(available=False, reason="zu wenige Zellen"),
    )
    german, english = _text(reports.report_view(first)), _text(reports.report_view(first, "en"))
    assert "Erste Meldung für diese Gemeinde" in german
    assert "Keine Vorschau verfügbar (zu wenige Zellen)." in german
    assert "First submission for this municipality" in english
    assert "No preview available (zu wenige Zellen)." in english


@pytest.mark.parametrize(
    ("lang", "title", "hint"),
    [
        ("de", "Abgelehnt: personenbezogene Daten", "Die Datei wurde nicht gespeichert."),
        ("en", "Refused: person-level data", "The file was not stored."),
    ],
)
def test_a_refused_report_names_the_errors(lang: str, title: str, hint: str) -> None:
    error = ReportError("Spalte person_id", file="population.csv", person_level=True)
    shown = _text(reports.report_view(ValidationReport.refused("a.zip", error), lang))
    assert title in shown and hint in shown and "Spalte person_id" in shown


def test_job_outcomes_in_english() -> None:
    shown, stop, hide = job_outcome(RUNNING, "en")
    assert not stop and hide and "Progress" in _text(shown) and "queued …" in _text(shown)
    report = ValidationReport.from_json(OLD_OK)
    stored = dataclasses.replace(
        RUNNING, kind="store", state="done", result=StoredUpload("u-9", report).to_json()
    )
    shown, stop, hide = job_outcome(stored, "en")
    assert stop and hide and "Submission u-9 awaits review" in _text(shown)
    shown, _, _ = job_outcome(stored)
    assert "Meldung u-9 wartet auf die Prüfung" in _text(shown)
    published = dataclasses.replace(
        RUNNING,
        kind="publish",
        state="done",
        result=PublishedRelease("R0007", "3 Tabellen").to_json(),
    )
    shown, stop = publish_outcome(published, "en")
    assert stop and "Published: R0007" in _text(shown) and "3 Tabellen" in _text(shown)
    failed = dataclasses.replace(RUNNING, kind="publish", state="failed", message="Audit")
    assert "Not published: Audit" in _text(publish_outcome(failed, "en")[0])
    assert "Nicht veröffentlicht: Audit" in _text(publish_outcome(failed)[0])
