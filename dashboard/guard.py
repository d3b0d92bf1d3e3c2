"""The callback guard: bounded work per request and a clear 4xx for bad callback inputs.

Every Dash callback arrives as `POST /_dash-update-component` with inputs the browser chose,
so a crafted request can carry an unknown release in a permalink's state, a number where a
list belongs, or ten thousand area keys. Two layers keep such requests from costing work or
ending as HTTP 500:

- before dispatch, `check_callback_body` bounds the request: body size, list lengths (areas,
  members), string lengths; violations answer 413 or 400 without running the callback;
- after dispatch, errors a callback raises because of its inputs (an unknown release, area,
  level, year or indicator: `NotFoundError`, `StoreError`; a value of the wrong type or shape:
  `TypeError`, `ValueError`, `KeyError`, `IndexError`, `AttributeError`, a page path Dash
  cannot route) answer 404 or 400
  with a JSON message. They are logged with their traceback, so a real bug stays visible.
  Database and other server errors stay 500.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Final

from dash.exceptions import UnsupportedRelativePath
from flask import Blueprint, Response, jsonify, request

from dashboard.services import NotFoundError
from etl.errors import StoreError

log = logging.getLogger(__name__)
CALLBACK_PATH: Final = "/_dash-update-component"
MAX_BODY_BYTES: Final = 256_000
MAX_LIST_ITEMS: Final = 1_000  # areas of a comparison or custom region, far above real use
MAX_TEXT_CHARS: Final = 2_000
MAX_DEPTH: Final = 12
INPUT_ERRORS: Final = (TypeError, ValueError, KeyError, IndexError, AttributeError)

guard = Blueprint("callback_guard", __name__)


class CallbackInputError(ValueError):
    """A callback request is malformed or too large; the message says what and the limit."""


def check_value(value: Any, depth: int = 0) -> None:
    """Raise CallbackInputError for lists, texts or nesting beyond the limits."""
    if depth > MAX_DEPTH:
        raise CallbackInputError(f"Eingabe tiefer als {MAX_DEPTH} Ebenen verschachtelt.")
    if isinstance(value, str) and len(value) > MAX_TEXT_CHARS:
        raise CallbackInputError(f"Text mit {len(value)} Zeichen; erlaubt sind {MAX_TEXT_CHARS}.")
    if isinstance(value, list | dict):
        if len(value) > MAX_LIST_ITEMS:
            raise CallbackInputError(
                f"Liste mit {len(value)} Einträgen; erlaubt sind {MAX_LIST_ITEMS} "
                "(für mehr Gebiete die API /api/v1 nutzen)."
            )
        items = value.values() if isinstance(value, dict) else value
        for item in items:
            check_value(item, depth + 1)


def check_callback_body(body: Any) -> None:
    """Bound one callback request: inputs and state must be lists of {id, property, value}."""
    if not isinstance(body, dict):
        raise CallbackInputError("Der Aufruf ist kein JSON-Objekt.")
    for part in ("inputs", "state"):
        entries = body.get(part, [])
        if not isinstance(entries, list):
            raise CallbackInputError(f"{part!r} muss eine Liste sein.")
        check_value(entries)


def _answer(status: int, kind: str, message: str) -> tuple[Response, int]:
    return jsonify({"error": kind, "message": message}), status


@guard.before_app_request
def _bound_callback_requests() -> tuple[Response, int] | None:
    if request.path != CALLBACK_PATH or request.method != "POST":
        return None
    if (request.content_length or 0) > MAX_BODY_BYTES:
        return _answer(413, "too_large", f"Aufruf größer als {MAX_BODY_BYTES:,} Bytes.")
    raw = request.get_data(cache=True)
    if len(raw) > MAX_BODY_BYTES:
        return _answer(413, "too_large", f"Aufruf größer als {MAX_BODY_BYTES:,} Bytes.")
    try:
        check_callback_body(json.loads(raw or b"null"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        return _answer(400, "bad_request", "Der Aufruf ist kein gültiges JSON.")
    except CallbackInputError as error:
        return _answer(400, "bad_request", str(error))
    return None


def _is_callback() -> bool:
    return request.path == CALLBACK_PATH


@guard.app_errorhandler(NotFoundError)
@guard.app_errorhandler(StoreError)
def _not_found(error: Exception):
    if not _is_callback():
        raise error
    return _answer(404, "not_found", str(error))


@guard.app_errorhandler(CallbackInputError)
@guard.app_errorhandler(UnsupportedRelativePath)  # a page path that is not a path
@guard.app_errorhandler(TypeError)
@guard.app_errorhandler(ValueError)
@guard.app_errorhandler(KeyError)
@guard.app_errorhandler(IndexError)
@guard.app_errorhandler(AttributeError)
def _bad_input(error: Exception):
    if not _is_callback():
        raise error
    log.warning("Callback input refused (%s): %s", type(error).__name__, error, exc_info=error)
    return _answer(400, "bad_request", "Ungültige Eingabe für diese Ansicht.")
