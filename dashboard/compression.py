"""gzip for large JSON/GeoJSON responses (callbacks, API, geometry) when the browser accepts it.

A reverse proxy may do this as well; doing it in the app keeps the payload small also when
the dashboard is served directly (e.g. `python -m dashboard` in a town hall's intranet).
"""

from __future__ import annotations

import gzip
from typing import Final

from flask import Flask, Response, request

MIN_BYTES: Final = 1024
COMPRESSIBLE: Final = (
    "application/json",
    "application/geo+json",
    "text/csv",
    "application/javascript",
    "text/css",
    "text/html",
)


def compress_response(response: Response) -> Response:
    """Gzip the body of an eligible response in place (level 6, a good speed/size balance)."""
    if (
        response.direct_passthrough
        or response.status_code != 200
        or "gzip" not in request.headers.get("Accept-Encoding", "")
        or response.headers.get("Content-Encoding")
        or response.mimetype not in COMPRESSIBLE
    ):
        return response
    body = response.get_data()
    if len(body) < MIN_BYTES:
        return response
    response.set_data(gzip.compress(body, compresslevel=6))
    response.headers["Content-Encoding"] = "gzip"
    response.headers["Content-Length"] = str(len(response.get_data()))
    response.vary.add("Accept-Encoding")
    return response


def install(server: Flask) -> None:
    server.after_request(compress_response)
