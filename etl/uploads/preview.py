"""How many cells of the municipality's own tables disclosure control would suppress.

Runs the publication's own protection (cube, primary and secondary suppression, audit) on this
one extract alone. In the real release the municipality's cells are also linked to Kreis, Land
and regional totals, so the real count can be somewhat higher; the preview says so.
"""

from __future__ import annotations

import logging

import pandas as pd

from etl.config import Settings
from etl.errors import EtlError
from etl.model import ExtractBundle
from etl.transform.year_protection import YearInput, protect_year
from etl.uploads.report import SuppressionPreview, TablePreview

log = logging.getLogger(__name__)
PREVIEW_ID = "vorschau"
NOTE = (
    "Vorschau nur mit den Tabellen dieser Gemeinde; in der Veröffentlichung kommen "
    "Summen über Kreis, Land und Regionen hinzu, daher können es etwas mehr werden."
)


def _year_input(bundle: ExtractBundle) -> YearInput:
    def with_owner(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.assign(upload_id=PREVIEW_ID, municipality=bundle.municipality)

    uploads = pd.DataFrame(
        {
            "upload_id": [PREVIEW_ID],
            "municipality": [bundle.municipality],
            "reference_date": [bundle.reference_date],
        }
    )
    return YearInput(
        year=bundle.year,
        reference_date=bundle.reference_date,
        uploads=uploads,
        population=with_owner(bundle.population),
        households=with_owner(bundle.households),
        events=with_owner(bundle.events),
    )


def suppression_preview(bundle: ExtractBundle, settings: Settings) -> SuppressionPreview:
    """Cells, primary and secondary suppressions per table, or why no preview is available."""
    regions = pd.DataFrame(columns=["region_set", "region_key", "region_name", "member_key"])
    try:
        _, stats = protect_year(_year_input(bundle), [bundle.municipality], regions, settings)
    except EtlError as error:
        return SuppressionPreview(available=False, reason=str(error))
    except (ValueError, KeyError, IndexError, ArithmeticError) as error:
        # The preview is advice; a failure of the solver must not block a valid upload.
        log.exception("Vorschau der Geheimhaltung fehlgeschlagen")
        return SuppressionPreview(
            available=False, reason=f"interner Fehler ({type(error).__name__})"
        )
    tables = tuple(
        TablePreview(*(s[k] for k in ("table", "cells", "primary", "secondary"))) for s in stats
    )
    return SuppressionPreview(
        available=True, note=NOTE, min_count=settings.min_count, tables=tables
    )
