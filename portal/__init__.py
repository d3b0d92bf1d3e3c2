"""The upload, review and administration portal: a Dash app separate from the public dashboard.

It holds the restricted zone's credentials (through ETL service functions, never SQL here) and
the accounts store; the public dashboard holds neither. See docs/security.md.
"""
