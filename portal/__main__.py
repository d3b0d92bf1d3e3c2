"""`python -m portal [--host 127.0.0.1] [--port 8051] [--demo-accounts]`: run the portal."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from urllib.parse import urlsplit

from etl.config import Settings
from etl.errors import EtlError


def main(argv: list[str] | None = None) -> int:
    settings = Settings.from_env(os.environ)
    default_port = urlsplit(settings.portal_url).port or 8051
    parser = argparse.ArgumentParser(prog="python -m portal", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=default_port)
    parser.add_argument(
        "--demo-accounts",
        action="store_true",
        help="Beispielkonten anlegen, falls sie fehlen, und anzeigen",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        from etl.app import Stores
        from portal.app import create_app
        from portal.demo import ensure_demo_accounts
        from portal.startup import install_upload_sweep

        stores = Stores(settings)
        stores.startup()
        if args.demo_accounts:
            print("Beispielkonten des Portals:")
            for username, role, password in ensure_demo_accounts(stores):
                print(f"  {username:<12} {role:<13} {password}")
        app = create_app(settings, stores=stores)
        install_upload_sweep(app.server, stores)
    except EtlError as error:
        print(f"Fehler: {error}", file=sys.stderr)
        return error.exit_code
    print(f"Portal: http://{args.host}:{args.port}/")
    app.run(host=args.host, port=args.port, debug=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
