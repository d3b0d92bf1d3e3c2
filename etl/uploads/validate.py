"""The validation report of one staged upload: errors, or checks, diff and suppression preview.

Reads the restricted zone (previous uploads, official values, areas) but never writes it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine

from etl.accounts.service import Account
from etl.config import Settings
from etl.errors import InputError, PersonLevelDataError
from etl.model import ExtractBundle
from etl.store import review
from etl.store.restricted import read_table
from etl.uploads.diff import extract_diff
from etl.uploads.plausibility import municipal_population, run_checks
from etl.uploads.preview import suppression_preview
from etl.uploads.report import ReportError, ReportSummary, TableDiff, ValidationReport
from etl.uploads.territory import check_upload

Progress = Callable[[int, str], None]


def error_entry(error: InputError) -> ReportError:
    return ReportError(
        message=str(error),
        file=error.file,
        row=error.row,
        column=error.column,
        person_level=isinstance(error, PersonLevelDataError),
    )


def refused(file_name: str, error: InputError) -> ValidationReport:
    """A report of a refused upload (nothing is stored)."""
    return ValidationReport.refused(file_name, error_entry(error))


def check_scope(bundle: ExtractBundle, account: Account, areas: dict[str, str]) -> None:
    """The uploader's own municipality, a known AGS and a sensible reference date."""
    if bundle.municipality not in account.municipalities:
        raise InputError(
            f"Der Auszug gehört zur Gemeinde {bundle.municipality}; Ihr Konto darf nur für "
            f"{', '.join(account.municipalities) or 'keine Gemeinde'} melden.",
            file="manifest.json",
            column="municipality",
        )
    if areas and bundle.municipality not in areas:
        raise InputError(
            f"AGS {bundle.municipality} ist im Gebietsstand nicht bekannt.",
            file="manifest.json",
            column="municipality",
        )
    if bundle.population.empty:
        raise InputError(
            "Die Tabelle population enthält keine Zeile; ein Auszug ohne Einwohner "
            "kann nicht gemeldet werden.",
            file="population",
            column="count",
        )
    if not dt.date(1990, 1, 1) <= bundle.reference_date <= dt.date.today():
        raise InputError(
            f"Stichtag {bundle.reference_date} liegt in der Zukunft oder vor 1990.",
            file="manifest.json",
            column="reference_date",
        )


def municipality_names(engine: Engine) -> dict[str, str]:
    areas = read_table(engine, "areas")
    rows = areas[areas["level"] == "gemeinde"]
    return dict(zip(rows["area_key"], rows["name"], strict=True))


def _previous_year(engine: Engine, bundle: ExtractBundle):
    found = review.previous_year_upload(engine, bundle.municipality, bundle.reference_date)
    if found is None:
        return None, ""
    population = review.upload_tables(engine, found.upload_id)["population"]
    return municipal_population(population), f"zum Stichtag {found.reference_date}"


def _diff(engine: Engine, bundle: ExtractBundle) -> tuple[str | None, tuple[TableDiff, ...]]:
    upload_id = review.active_upload(engine, bundle.municipality, bundle.reference_date)
    if upload_id is None:
        return None, ()
    old = review.upload_tables(engine, upload_id)
    new = {name: bundle.table(name) for name in old}
    return upload_id, extract_diff(new, old)


def summary(bundle: ExtractBundle, names: dict[str, str]) -> ReportSummary:
    return ReportSummary(
        municipality=bundle.municipality,
        name=names.get(bundle.municipality, ""),
        reference_date=bundle.reference_date.isoformat(),
        rows={name: len(bundle.table(name)) for name in ("population", "households", "events")},
        persons=int(municipal_population(bundle.population)["count"].sum()),
    )


def build_report(
    settings: Settings,
    engine: Engine,
    account: Account,
    path: Path,
    file_name: str,
    progress: Progress,
) -> ValidationReport:
    """Read, validate and assess an upload; the report says ok or why it was refused."""
    from etl.extract.anonymised import read_extract

    progress(10, "Datei lesen und Schema prüfen …")
    try:
        bundle = read_extract(path)
        names = municipality_names(engine)
        check_scope(bundle, account, names)
        findings = check_upload(engine, bundle, settings)
    except InputError as error:
        return refused(file_name, error)
    progress(35, "Plausibilität prüfen …")
    previous, previous_label = _previous_year(engine, bundle)
    official = review.official_totals(engine, bundle.municipality, bundle.year)
    checks = [*run_checks(bundle, previous, previous_label, official), *findings]
    progress(55, "Mit der letzten Meldung vergleichen …")
    replaces, diff = _diff(engine, bundle)
    progress(70, "Geheimhaltung simulieren …")
    preview = suppression_preview(bundle, settings)
    return ValidationReport(
        ok=True,
        file=file_name,
        summary=summary(bundle, names),
        checks=tuple(checks),
        replaces=replaces,
        diff=diff,
        preview=preview,
        sha256=_content_hash(bundle),
    )


def _content_hash(bundle: ExtractBundle) -> str:
    from etl.store.restricted import bundle_sha256

    return bundle_sha256(bundle)
