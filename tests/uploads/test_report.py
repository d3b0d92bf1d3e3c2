"""The typed validation report: its JSON round trip and reading job rows of the untyped era."""

from __future__ import annotations

import dataclasses
import json

import pytest

from etl.uploads.report import (
    Check,
    ReportError,
    ReportSummary,
    StoredUpload,
    SuppressionPreview,
    TableChange,
    TableDiff,
    TablePreview,
    ValidationReport,
)

# A report as `build_report` returned it while it was a plain dict (job rows hold this JSON).
OLD_OK = {
    "ok": True,
    "file": "auszug.zip",
    "errors": [],
    "summary": {
        "municipality": "03901001",
        "name": "Altdorf",
        "reference_date": "2024-12-31",
        "rows": {"population": 812, "households": 40, "events": 96},
        "persons": 1234,
    },
    "checks": [
        {"check": "change", "level": "warning", "title": "Veränderung", "explanation": "+9 %"},
        {"check": "heaping", "level": "ok", "title": "Altersangaben", "explanation": "ok"},
    ],
    "replaces": "u-alt",
    "diff": [
        {
            "table": "households",
            "added": 1,
            "removed": 1,
            "changed": 1,
            "total_new": 13,
            "total_old": 15,
            "largest": [
                {"area_level": "gemeinde", "area_key": "03901001", "size": 2, "old": 5, "new": 0}
            ],
        }
    ],
    "preview": {
        "available": True,
        "note": "Vorschau nur mit den Tabellen dieser Gemeinde",
        "min_count": 3,
        "tables": [{"table": "population", "cells": 400, "primary": 12, "secondary": 30}],
    },
    "sha256": "ab" * 32,
}
OLD_REFUSED = {
    "ok": False,
    "file": "auszug.zip",
    "errors": [
        {
            "message": "Spalte count fehlt",
            "file": "population.csv",
            "row": None,
            "column": "count",
            "person_level": False,
        }
    ],
    "person_level": False,
}


def test_an_old_ok_report_reads_into_the_typed_fields() -> None:
    report = ValidationReport.from_json(OLD_OK)
    assert report.ok and report.file == "auszug.zip" and report.errors == ()
    assert report.summary == ReportSummary(
        "03901001",
        "Altdorf",
        "2024-12-31",
        {"population": 812, "households": 40, "events": 96},
        1234,
    )
    assert report.checks[0] == Check("change", "warning", "Veränderung", "+9 %")
    assert report.warnings == (report.checks[0],)
    assert report.replaces == "u-alt"
    [households] = report.diff
    assert (households.added, households.total_old, households.total_new) == (1, 15, 13)
    assert households.largest == (
        TableChange({"area_level": "gemeinde", "area_key": "03901001", "size": 2}, 5, 0),
    )
    assert report.preview == SuppressionPreview(
        available=True,
        note="Vorschau nur mit den Tabellen dieser Gemeinde",
        min_count=3,
        tables=(TablePreview("population", 400, 12, 30),),
    )
    assert report.preview.tables[0].suppressed == 42
    assert report.sha256 == "ab" * 32


@pytest.mark.parametrize("old", [OLD_OK, OLD_REFUSED], ids=["ok", "refused"])
def test_to_json_writes_the_shape_old_rows_have(old: dict) -> None:
    assert ValidationReport.from_json(old).to_json() == old


def test_a_first_upload_has_no_diff_and_keeps_null_in_json() -> None:
    first = {**OLD_OK, "replaces": None, "diff": None}
    report = ValidationReport.from_json(first)
    assert report.replaces is None and report.diff == ()
    assert report.to_json() == first


def test_a_refused_report_round_trips_through_the_job_json() -> None:
    error = ReportError(
        "Personendaten", file="population.csv", row=3, column="age", person_level=True
    )
    report = ValidationReport.refused("a.zip", error)
    assert report.person_level and not report.ok
    stored = json.loads(json.dumps(report.to_json()))
    assert ValidationReport.from_json(stored) == report


def test_an_ok_report_round_trips_through_the_job_json() -> None:
    report = ValidationReport.from_json(OLD_OK)
    unavailable = dataclasses.replace(
        report, preview=SuppressionPreview(available=False, reason="zu klein")
    )
    for case in (report, unavailable):
        assert ValidationReport.from_json(json.loads(json.dumps(case.to_json()))) == case


def test_a_failed_job_result_reads_as_a_refused_report() -> None:
    report = ValidationReport.from_json({"ok": False, "errors": [{"message": "Interner Fehler"}]})
    assert not report.ok and report.errors == (ReportError("Interner Fehler"),)
    assert report.file == "" and report.summary is None and report.checks == ()


def test_a_store_result_holds_the_upload_and_its_report() -> None:
    old = {"ok": True, "upload_id": "u-neu", "report": OLD_OK}
    stored = StoredUpload.from_json(old)
    assert stored.upload_id == "u-neu" and stored.report.summary.persons == 1234
    assert stored.to_json() == old


def test_a_diff_entry_keeps_its_key_cells() -> None:
    diff = TableDiff("events", 0, 0, 1, 4, 3, (TableChange({"age": 30}, 3, 4),))
    assert TableDiff.from_json(diff.to_json()) == diff
    assert diff.to_json()["largest"] == [{"age": 30, "old": 3, "new": 4}]
