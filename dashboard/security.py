"""The dashboard's security layer: headers, CSP and, when DEMOGRAFIE_PUBLIC is false, a login.

The implementation is shared with the portal (`portal.security`); the dashboard only reads the
accounts store for logins and never the restricted zone.
"""

from __future__ import annotations

from collections.abc import Callable

from dash import Dash
from flask import Flask

from etl.config import Settings


def security_setup(settings: Settings) -> Callable[[Flask, Dash], None]:
    """The `extra_setup` hook for `create_app` used by `python -m dashboard` and the WSGI entry."""
    from portal.security import dashboard_setup

    return dashboard_setup(settings)
