"""`python -m dashboard [--host H] [--port P]`: the development server for local use."""

from __future__ import annotations

import argparse
import logging
import os

from dashboard.app import create_app
from dashboard.security import security_setup
from etl.app import Stores
from etl.config import Settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8050)
    parser.add_argument("--debug", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    settings = Settings.from_env(os.environ)
    stores = Stores(settings, read_only=True)
    app = create_app(settings, stores=stores, extra_setup=security_setup())
    app.run(host=args.host, port=args.port, debug=args.debug)


if __name__ == "__main__":
    main()
