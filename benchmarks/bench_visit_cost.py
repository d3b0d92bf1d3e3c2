"""CPU seconds one page visit costs the server when nothing is in the response cache.

Run with `python -m benchmarks.bench_visit_cost [--home DIR] [--tasks prognose vergleich]`.

1. Recording, as in `bench_load`: gunicorn on DIR, Chromium opens each task once and keeps
   every request the page makes (page shell, Dash layout, callbacks), with its gzip header.
2. In this process: the app of this checkout with the response cache off
   (DEMOGRAFIE_RESPONSE_CACHE_SECONDS=0) and the warm-up a worker runs at its first request;
   each task's requests are replayed `--repeat` times through the Flask test client, and the
   process CPU time (`time.process_time`) of each request is summed per visit.

Visit 1 is the first after a worker's start (its per-release caches are warm, the per-area
ones are not); the later visits repeat the same view with every callback recomputed, which
is what a view nobody asked for since the last publish costs (an assumption edit on the
Prognose page, another set of areas). CPU time, unlike wall time, hardly depends on what
else runs on the machine, so two checkouts can be compared one after the other.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from benchmarks import bench_load

WARM_UP = "_warm_caches"  # dashboard.app's warm-up of a worker (the older code: service.warm)


def _app(home: Path):
    os.environ.update(
        {
            "DEMOGRAFIE_HOME": str(home),
            "DEMOGRAFIE_PUBLIC": "true",
            "DEMOGRAFIE_RESPONSE_CACHE_SECONDS": "0",
        }
    )
    import dashboard.app as dashboard_app
    from dashboard.security import security_setup
    from dashboard.services import EXTENSION_KEY
    from etl.app import Stores
    from etl.config import Settings

    settings = Settings.from_env(os.environ)
    stores = Stores(settings, read_only=True)
    app = dashboard_app.create_app(
        settings, stores=stores, extra_setup=security_setup(), warm=False
    )
    service = app.server.extensions[EXTENSION_KEY]
    if hasattr(dashboard_app, WARM_UP):
        getattr(dashboard_app, WARM_UP)(app.server, service, True)
    else:
        service.warm()
    return app


def visit(client, requests: list[bench_load.Request], costs: dict[str, list[float]]) -> float:
    """Replay one task's requests; CPU seconds of each (by label) and of the whole visit."""
    total = 0.0
    for request in requests:
        headers = {k: v for k, v in request.headers.items() if v}
        started = time.process_time()
        response = client.open(
            request.path, method=request.method, data=request.body, headers=headers
        )
        response.get_data()
        spent = time.process_time() - started
        if response.status_code >= 400:
            raise SystemExit(f"{request.method} {request.path}: HTTP {response.status_code}")
        costs.setdefault(bench_load.label(request), []).append(spent)
        total += spent
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=bench_load.REPO / "var")
    parser.add_argument("--tasks", nargs="+", default=["prognose", "vergleich"])
    parser.add_argument("--repeat", type=int, default=8)
    args = parser.parse_args(argv)
    bench_load._ensure_store(args.home)
    port = bench_load._free_port()
    server = bench_load._start_gunicorn(args.home, port, 1, "")
    try:
        recorded = bench_load.record(f"http://127.0.0.1:{port}")
    finally:
        server.terminate()
        server.wait(timeout=60)
    client = _app(args.home).server.test_client()
    for name in args.tasks:
        costs: dict[str, list[float]] = {}
        visits = [visit(client, recorded[name], costs) for _ in range(args.repeat)]
        later = statistics.median(visits[1:]) if len(visits) > 1 else float("nan")
        print(
            f"{name}: {len(recorded[name])} requests, CPU s per visit: first {visits[0]:.3f}, "
            f"later (median of {len(visits) - 1}) {later:.3f}"
        )
        for label, spent in costs.items():
            rest = statistics.median(spent[1:]) if len(spent) > 1 else float("nan")
            print(f"  {label:32s} first {spent[0]:.3f}  later {rest:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
