"""Attack 12: the release record on the Methodik page against the cells.

The Methodik page shows, for every readable release, how the audit went. Any figure there that
depends on the values behind suppressed cells is one more equation for the attacker. Release
records used to hold, per table and year, the sum of the persons in suppressed cells and the
largest of them. Added to the public relations, they made 10 suppressed cells of the sample
store exact, e.g. the households of size 4 and 5 in 03902003 (10 and 1). They also held the
split into primaries and secondaries, which tells how many suppressed cells lie below k. So
the record may say only what visitors can count in the cells themselves.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import pytest
from dash import html

from dashboard.i18n import t
from dashboard.pages import methodik
from tests.attacks.conftest import Public
from tests.attacks.public_view import areas as public_areas
from tests.attacks.public_view import readable_releases, table_cells

pytestmark = pytest.mark.slow
TABLES = ("population", "households", "events")


def _tables(component: Any) -> list[html.Table]:
    """Every html.Table inside a rendered component tree."""
    if isinstance(component, html.Table):
        return [component]
    children = getattr(component, "children", None)
    if children is None or isinstance(children, str):
        return []
    children = children if isinstance(children, list | tuple) else [children]
    return [table for child in children for table in _tables(child)]


def _text(component: Any) -> str:
    if isinstance(component, str | int | float):
        return str(component)
    children = getattr(component, "children", None)
    children = children if isinstance(children, list | tuple) else [children]
    return "".join(_text(child) for child in children if child is not None)


def _rows(table: html.Table) -> list[list[str]]:
    _caption, _head, body = table.children
    return [[_text(cell) for cell in row.children] for row in body.children]


def _served_section(public: Public, release: str) -> Any:
    """The Methodik page's release section, as its callback renders it for a visitor."""
    with public.app.server.test_request_context("/"):
        return methodik.release_section({"release": release, "lang": "de"})


def _counted(public: Public, release: str) -> dict[tuple[str, str], tuple[str, str]]:
    """What a visitor counts from /api/v1: register cells and suppressed ones per table, year."""
    keys = public_areas(public.client, release)["key"]
    counts = {}
    for table in TABLES:
        cells = table_cells(public.client, release, table, keys)
        for year, group in cells.groupby("year"):
            suppressed = int((group["status"] == "suppressed").sum())
            counts[(str(year), t(methodik.TABLE_LABELS[table], "de"))] = (
                f"{len(group):,}".replace(",", "."),
                f"{suppressed:,}".replace(",", "."),
            )
    return counts


def test_the_audit_table_shows_only_counts_of_the_served_cells(base_public: Public) -> None:
    caption = t("audit_by_table", "de")
    for release in readable_releases(base_public.client):
        section = _served_section(base_public, release)
        found = [tb for tb in _tables(section) if _text(tb.children[0]) == caption]
        assert len(found) == 1, f"{release}: no audit table on the Methodik page"
        shown = {(row[0], row[1]): (row[2], row[3]) for row in _rows(found[0])}
        assert all(len(row) == 4 for row in _rows(found[0]))
        assert shown == _counted(base_public, release)


def test_the_audit_verdict_carries_no_number(base_public: Public) -> None:
    audit = t("audit", "de")
    for release in readable_releases(base_public.client):
        parameters = _tables(_served_section(base_public, release))[0]
        verdict = [row[1] for row in _rows(parameters) if row[0] == audit]
        assert verdict and not re.search(r"\d", verdict[0]), verdict


def test_an_older_record_with_restricted_figures_is_cut_on_the_page() -> None:
    """A store not yet migrated (revision 0003 cuts the records) still shows only counts."""
    audit = {
        "safe": True,
        "method": "LP",
        "tables": [
            {
                "year": 2022,
                "table": "households",
                "cells": 40,
                "primary": 3,
                "secondary": 5,
                "suppressed_persons": 187,
                "largest_suppressed": 119,
            }
        ],
    }
    rows = methodik.audit_rows(audit, "de")
    assert rows == [("2022", "Haushalte", "40", "–")]
    rendered = pd.Series([_text(c) for c in methodik.render_release(_info(audit), "de").children])
    assert not rendered.str.contains("187|119").any()


def _info(audit: dict) -> dict:
    return {
        "release_id": "R1",
        "min_count": 3,
        "protection": 0.3,
        "territorial_status": "2022-12-31",
        "years": [2022],
        "audit": audit,
        "sources": {},
        "attribution": "",
    }
