"""Form controls with German/English built-in texts."""

from __future__ import annotations

from typing import Any

from dash import dcc

LABELS = {
    "de": {
        "select_all": "Alle wählen",
        "deselect_all": "Alle abwählen",
        "selected_count": "{num_selected} gewählt",
        "search": "Suchen",
        "clear_search": "Suche leeren",
        "clear_selection": "Auswahl leeren",
        "no_options_found": "Keine Treffer",
    },
    "en": {
        "select_all": "Select all",
        "deselect_all": "Deselect all",
        "selected_count": "{num_selected} selected",
        "search": "Search",
        "clear_search": "Clear search",
        "clear_selection": "Clear selection",
        "no_options_found": "No options found",
    },
}


def dropdown(lang: str, **props: Any) -> dcc.Dropdown:
    """dcc.Dropdown whose search, clear and count texts follow the page language."""
    return dcc.Dropdown(labels=LABELS.get(lang, LABELS["de"]), **props)
