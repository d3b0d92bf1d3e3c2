"""The OpenAPI 3.1 description of /api/v1 (kept next to the routes it documents)."""

from __future__ import annotations

from typing import Any

from dashboard.classify import METHODS
from dashboard.indicators import BY_KEY
from dashboard.services import MAP_LEVELS
from etl.symbols import STATUSES

RELEASE = {
    "name": "release",
    "in": "query",
    "required": False,
    "description": "Release id (default: the live release). A withdrawn release answers 410.",
    "schema": {"type": "string"},
}
FORMAT = {
    "name": "format",
    "in": "query",
    "required": False,
    "schema": {"type": "string", "enum": ["json", "csv"], "default": "json"},
}
AREA = {
    "name": "area",
    "in": "query",
    "required": True,
    "schema": {"type": "string"},
    "description": "Area key, e.g. 03901001 (string; leading zeros matter).",
}
YEAR = {"name": "year", "in": "query", "required": False, "schema": {"type": "integer"}}
SOURCE = {
    "name": "source",
    "in": "query",
    "required": False,
    "schema": {"type": "string", "enum": ["official", "register"]},
    "description": "Only figures of one source: official statistics (public tables, as "
    "published) or the protected register data. Every row names its source.",
}
ERRORS = {
    "400": {
        "description": "Malformed parameter",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    },
    "404": {
        "description": "Unknown release, area, level or indicator",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    },
    "410": {
        "description": "Release withdrawn (a corrected upload changed a value it showed); the "
        "body has `reason` and `current_release`",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    },
}
CELL = {
    "type": "object",
    "properties": {
        "value": {
            "type": ["integer", "number", "null"],
            "description": "null unless status is published or zero",
        },
        "status": {"type": "string", "enum": list(STATUSES)},
        "source": {"type": "string", "enum": ["official", "register"]},
        "table": {"type": ["string", "null"], "description": "official table code(s)"},
        "reference_date": {"type": ["string", "null"], "format": "date"},
        "census_basis": {
            "type": ["string", "null"],
            "description": "official stocks: census the count continues (1987 or 2011)",
        },
        "series_break": {
            "type": "boolean",
            "description": "first official year after the Zensus 2011 break",
        },
    },
}


def _get(summary: str, parameters: list[dict[str, Any]], description: str = "") -> dict:
    return {
        "get": {
            "summary": summary,
            "description": description,
            "parameters": parameters,
            "responses": {
                "200": {
                    "description": "OK",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Rows"}},
                        "text/csv": {"schema": {"type": "string"}},
                    },
                },
                **ERRORS,
            },
        }
    }


def openapi_document() -> dict[str, Any]:
    level = {"name": "level", "in": "query", "schema": {"type": "string", "enum": list(MAP_LEVELS)}}
    indicator = {
        "name": "indicator",
        "in": "query",
        "required": True,
        "schema": {"type": "string", "enum": list(BY_KEY)},
    }
    method = {
        "name": "method",
        "in": "query",
        "schema": {"type": "string", "enum": list(METHODS), "default": "quantiles"},
    }
    classes = {
        "name": "classes",
        "in": "query",
        "schema": {"type": "integer", "minimum": 3, "maximum": 9, "default": 5},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Demografie-Dashboard API",
            "version": "1.0.0",
            "description": "Protected published figures. Symbols: zero (–), suppressed "
            "(•), not available (…); a suppressed value is null with status suppressed.",
        },
        "paths": {
            "/api/v1/releases": _get("Releases (newest first, live flagged)", []),
            "/api/v1/areas": _get("Areas of a level", [RELEASE, level, FORMAT]),
            "/api/v1/population": _get(
                "Population cells of an area", [RELEASE, AREA, YEAR, SOURCE, FORMAT]
            ),
            "/api/v1/households": _get(
                "Households by size of an area", [RELEASE, AREA, YEAR, SOURCE, FORMAT]
            ),
            "/api/v1/events": _get(
                "Births, deaths and moves of an area", [RELEASE, AREA, YEAR, SOURCE, FORMAT]
            ),
            "/api/v1/indicators": _get(
                "Indicator values of all areas of a level (exactly the map's values)",
                [RELEASE, indicator, level, YEAR, method, classes, SOURCE, FORMAT],
                "Values rounded as displayed; lower/upper give bounds for suppressed values.",
            ),
            "/api/v1/geometry/{release}/{level}.geojson": {
                "get": {
                    "summary": "Simplified geometry of a level (EPSG:4326), immutable",
                    "parameters": [
                        {
                            "name": "release",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        {
                            "name": "level",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "enum": list(MAP_LEVELS)},
                        },
                    ],
                    "responses": {"200": {"description": "GeoJSON FeatureCollection"}, **ERRORS},
                }
            },
        },
        "components": {
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error", "message"],
                    "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
                },
                "Rows": {
                    "type": "object",
                    "properties": {
                        "release": {"type": "string"},
                        "count": {"type": "integer"},
                        "rows": {"type": "array", "items": CELL},
                    },
                },
            }
        },
    }
