"""Component ids, one constant each, prefixed by page (shell-, karte-, gebiet-, ...)."""

from __future__ import annotations

from typing import Final

# shell (every page)
NAVIGATE: Final = "shell-navigate"
SHELL_STATE: Final = "shell-state"
SHELL_RELEASE: Final = "shell-release"
SHELL_LANG_SINK: Final = "shell-lang-sink"
SHELL_RELEASE_SINK: Final = "shell-release-sink"

# Karte
MAP_STATE: Final = "karte-state"
MAP_RESOLVED: Final = "karte-resolved"
MAP_DRAWN: Final = "karte-drawn"
MAP_LEVEL: Final = "karte-level"
MAP_INDICATOR: Final = "karte-indicator"
MAP_YEAR: Final = "karte-year"
MAP_METHOD: Final = "karte-method"
MAP_CLASSES: Final = "karte-classes"
MAP_PALETTE: Final = "karte-palette"
MAP_GRAPH: Final = "karte-graph"
MAP_LEGEND: Final = "karte-legend"
MAP_SUMMARY: Final = "karte-summary"
MAP_TABLE: Final = "karte-table"
MAP_PERMALINK: Final = "karte-permalink"
MAP_DOWNLOAD_LINK: Final = "karte-download-link"
MAP_URL_SINK: Final = "karte-url-sink"

# Gebiet
AREA_STATE: Final = "gebiet-state"
AREA_RESOLVED: Final = "gebiet-resolved"
AREA_SELECT: Final = "gebiet-area"
AREA_YEAR: Final = "gebiet-year"
AREA_OVERLAY: Final = "gebiet-overlay"
AREA_TITLE: Final = "gebiet-title"
AREA_PYRAMID: Final = "gebiet-pyramid"
AREA_SERIES: Final = "gebiet-series"
AREA_COMPONENTS: Final = "gebiet-components"
AREA_HOUSEHOLDS: Final = "gebiet-households"
AREA_INDICATORS: Final = "gebiet-indicators"
AREA_OFFICIAL: Final = "gebiet-official"
AREA_SUMMARY: Final = "gebiet-summary"
AREA_URL_SINK: Final = "gebiet-url-sink"

# Vergleich
COMPARE_STATE: Final = "vergleich-state"
COMPARE_RESOLVED: Final = "vergleich-resolved"
COMPARE_AREAS: Final = "vergleich-areas"
COMPARE_INDICATOR: Final = "vergleich-indicator"
COMPARE_YEAR: Final = "vergleich-year"
COMPARE_GRAPH: Final = "vergleich-graph"
COMPARE_TABLE: Final = "vergleich-table"
COMPARE_URL_SINK: Final = "vergleich-url-sink"

# Regionen
REGION_STATE: Final = "regionen-state"
REGION_RESOLVED: Final = "regionen-resolved"
REGION_DRAWN: Final = "regionen-drawn"
REGION_MEMBERS: Final = "regionen-members"
REGION_YEAR: Final = "regionen-year"
REGION_MAP: Final = "regionen-map"
REGION_TABLE: Final = "regionen-table"
REGION_URL_SINK: Final = "regionen-url-sink"

# Daten
DATA_STATE: Final = "daten-state"
DATA_DATASET: Final = "daten-dataset"
DATA_LEVEL: Final = "daten-level"
DATA_INDICATOR: Final = "daten-indicator"
DATA_YEAR: Final = "daten-year"
DATA_FORMAT: Final = "daten-format"
DATA_BUTTON: Final = "daten-button"
DATA_DOWNLOAD: Final = "daten-download"
DATA_PREVIEW: Final = "daten-preview"

# Methodik
METHOD_STATE: Final = "methodik-state"
METHOD_RELEASE: Final = "methodik-release"
