"""Demografie-Dashboard: Dash app and API over the published zone (see docs/dashboard.md)."""
