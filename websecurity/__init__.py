"""Web security shared by the dashboard and the portal: headers, CSP, CSRF, sessions, redirects.

Both Flask servers call `install(server, stores, ...)`. The package depends on `etl` (the
accounts service) and Flask only, never on `dashboard` or `portal`:

- `headers`: the Content Security Policy and the other response headers; no cookies on
  cacheable responses.
- `csrf`: the synchronizer token and the same-origin check.
- `redirects`: `safe_next`, same-site paths only.
- `sessions`: server-side sessions in the accounts store, checked on every request.
- `login`: the login form and logout, mounted only where a login is required.
- `setup`: `install`, which wires the pieces into a server.
"""

from websecurity.csrf import csrf_token
from websecurity.headers import DASHBOARD_CSP_EXTRA, content_security_policy
from websecurity.redirects import safe_next
from websecurity.sessions import current_account
from websecurity.setup import LOGIN_PATH, LOGOUT_PATH, install, state

__all__ = [
    "DASHBOARD_CSP_EXTRA",
    "LOGIN_PATH",
    "LOGOUT_PATH",
    "content_security_policy",
    "csrf_token",
    "current_account",
    "install",
    "safe_next",
    "state",
]
