"""Trust a configured number of reverse proxies (werkzeug's ProxyFix)."""

from __future__ import annotations

import flask
from werkzeug.middleware.proxy_fix import ProxyFix


def trust_proxies(server: flask.Flask, hops: int) -> None:
    """Take client address, scheme and host from X-Forwarded-* set by `hops` proxies.

    Without it, behind a proxy that rewrites the Host header, the CSRF origin check compares
    the browser's Origin with the proxy's upstream host and refuses every login. hops=0 leaves
    the server as it is (apps reached directly must not trust client-sent headers).
    """
    if hops > 0:
        server.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            server.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops
        )
