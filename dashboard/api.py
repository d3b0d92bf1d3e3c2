"""/api/v1: the same numbers the UI shows, as JSON or CSV, described by OpenAPI 3.1."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from flask import Blueprint, Response, jsonify, request

from dashboard import classify
from dashboard.indicators import BY_KEY
from dashboard.openapi import openapi_document
from dashboard.services import MAP_LEVELS, NotFoundError, get_service
from etl.errors import StoreError
from etl.store.published import ReleaseWithdrawnError
from etl.symbols import PUBLISHED, ZERO

api = Blueprint("api_v1", __name__, url_prefix="/api/v1")
IMMUTABLE = "public, max-age=31536000, immutable"


class BadRequest(ValueError):
    """A parameter is missing or malformed; the message says which and what is expected."""


@api.errorhandler(BadRequest)
def _bad_request(error: BadRequest) -> tuple[Response, int]:
    return jsonify({"error": "bad_request", "message": str(error)}), 400


@api.errorhandler(NotFoundError)
def _not_found(error: NotFoundError) -> tuple[Response, int]:
    return jsonify({"error": "not_found", "message": str(error)}), 404


@api.errorhandler(ReleaseWithdrawnError)
def _withdrawn(error: ReleaseWithdrawnError) -> tuple[Response, int]:
    """410 Gone: the release was withdrawn; the body says why and names the current one."""
    found = error.withdrawal
    body = {
        "error": "withdrawn",
        "message": str(error),
        "release": found.release_id,
        "reason": found.reason,
        "current_release": found.replaced_by,
    }
    return jsonify(body), 410


@api.errorhandler(StoreError)
def _store_error(error: StoreError) -> tuple[Response, int]:
    return jsonify({"error": "not_found", "message": str(error)}), 404


def _int(name: str, default: int | None = None) -> int:
    raw = request.args.get(name)
    if raw in (None, ""):
        if default is None:
            raise BadRequest(f"Parameter {name!r} fehlt (ganze Zahl, z. B. {name}=2023).")
        return default
    try:
        return int(raw)
    except ValueError:
        raise BadRequest(f"Parameter {name}={raw!r} ist keine ganze Zahl.") from None


def _required(name: str) -> str:
    value = request.args.get(name, "")
    if not value:
        raise BadRequest(f"Parameter {name!r} fehlt.")
    return value


def _release() -> str:
    return get_service().resolve_release(request.args.get("release"), strict=True)


def _json_value(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def _respond(release: str, frame: pd.DataFrame, name: str) -> Response:
    if request.args.get("format", "json") == "csv":
        response = Response(frame.to_csv(index=False), mimetype="text/csv; charset=utf-8")
        response.headers["Content-Disposition"] = f'attachment; filename="{name}-{release}.csv"'
        return response
    if request.args.get("format", "json") != "json":
        raise BadRequest("Parameter 'format' muss json oder csv sein.")
    rows = [{k: _json_value(v) for k, v in row.items()} for row in frame.to_dict("records")]
    return jsonify({"release": release, "count": len(rows), "rows": rows})


def _cells(release: str, table: str, columns: list[str]) -> pd.DataFrame:
    service = get_service()
    area, year = _required("area"), _int("year", 0)
    if area not in service.areas(release).index:
        raise NotFoundError(f"Gebiet {area!r} gibt es in {release} nicht; siehe /api/v1/areas.")
    cells = service.cells(release, table, area)
    if year:
        service.check_year(release, year)
        cells = cells[cells["year"] == year]
    cells = cells.assign(value=cells["value"].where(cells["status"].isin([PUBLISHED, ZERO])))
    return cells.rename(columns={"area_key": "area"})[columns]


@api.get("/releases")
def releases() -> Response:
    frame = get_service().releases()
    keep = [
        "release_id",
        "created_at",
        "live",
        "withdrawn",
        "min_count",
        "protection",
        "territorial_status",
    ]
    frame = frame[keep].astype({"created_at": str, "territorial_status": str})
    return jsonify({"releases": frame.to_dict("records")})


@api.get("/areas")
def areas() -> Response:
    release = _release()
    level = request.args.get("level")
    frame = get_service().areas(release)
    if level:
        if level not in (*MAP_LEVELS, "region"):
            raise BadRequest(f"level={level!r} unbekannt; möglich: {', '.join(MAP_LEVELS)}.")
        frame = frame[frame["level"] == level]
    frame = frame.rename(columns={"area_key": "key"}).reset_index(drop=True)
    return _respond(
        release, frame[["key", "name", "level", "parent_key", "kreis_key", "land_key"]], "areas"
    )


@api.get("/population")
def population() -> Response:
    release = _release()
    columns = ["area", "year", "sex", "age_from", "age_to", "nationality", "value", "status"]
    return _respond(release, _cells(release, "population", columns), "population")


@api.get("/households")
def households() -> Response:
    release = _release()
    return _respond(
        release,
        _cells(release, "households", ["area", "year", "size", "value", "status"]),
        "households",
    )


@api.get("/events")
def events() -> Response:
    release = _release()
    return _respond(
        release, _cells(release, "events", ["area", "year", "event", "value", "status"]), "events"
    )


@api.get("/indicators")
def indicator_values() -> Response:
    """Exactly the map's values: rounded as shown, with status, bounds and class."""
    release = _release()
    service = get_service()
    indicator = _required("indicator")
    service.check_indicator(indicator)
    level = request.args.get("level", "gemeinde")
    year = _int("year", service.years(release)[-1])
    method = request.args.get("method", "quantiles")
    if method not in classify.METHODS:
        raise BadRequest(f"method={method!r} unbekannt; möglich: {', '.join(classify.METHODS)}.")
    frame = service.indicator_rows(release, level, indicator, year, method, _int("classes", 5))
    return _respond(release, frame, f"{indicator}-{level}-{year}")


@api.get("/indicators/catalogue")
def indicator_catalogue() -> Response:
    return jsonify(
        {
            "indicators": [
                {"key": i.key, "decimals": i.decimals, "unit": i.unit, "topic": i.topic}
                for i in BY_KEY.values()
            ]
        }
    )


@api.get("/geometry/<release>/<level>.geojson")
def geometry(release: str, level: str) -> Response:
    service = get_service()
    release = service.resolve_release(release, strict=True)
    if level not in MAP_LEVELS:
        raise NotFoundError(f"Ebene {level!r} gibt es nicht; möglich: {', '.join(MAP_LEVELS)}.")
    response = Response(service.geojson(release, level), mimetype="application/geo+json")
    response.headers["Cache-Control"] = IMMUTABLE
    response.add_etag()
    return response.make_conditional(request)


@api.get("/openapi.json")
def openapi() -> Response:
    return jsonify(openapi_document())
