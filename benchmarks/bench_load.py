"""Load benchmark: simulated planners against the gunicorn deployment of the dashboard.

Run with `python -m benchmarks.bench_load [--users 50] [--seconds 60] [--home DIR]`.

1. The store: DIR (default `var/`, as `make demo` leaves it); built with `python -m etl demo`
   when it holds no release.
2. The deployment from the README: `gunicorn --workers 2 --threads 4 dashboard.wsgi:server`
   on a free loopback port, the published zone read-only.
3. Recording: Debian's Chromium (Playwright) opens each planner task once, as a person would,
   and records every request the page makes to the server (Dash callbacks, geometry, API).
4. Replay: N simulated users (threads with keep-alive connections), each repeating tasks
   drawn with fixed weights and a think time of 1-3 s between tasks, for the given time.
   A task's latency is the time for its requests in recorded order (what a planner waits).

Prints per task: count, errors, p50, p95 and max latency against the targets (p95 ≤ 1 s for
map, profile, comparison and API; ≤ 3 s for projection and custom regions), plus the resident
memory of the gunicorn processes at the start and the end (flat memory = no leak per request).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

REPO: Final = Path(__file__).resolve().parents[1]
CHROMIUM: Final = "/usr/bin/chromium"
SEED: Final = 20140101
TARGETS: Final = {
    "karte": 1.0,
    "gebiet": 1.0,
    "vergleich": 1.0,
    "api": 1.0,
    "regionen": 3.0,
    "prognose": 3.0,
}
# What shows that a task has finished drawing in the browser.
DRAWN: Final = {
    "karte": "#karte-graph .js-plotly-plot",
    "gebiet": "#gebiet-pyramid .js-plotly-plot",
    "vergleich": "#vergleich-graph .js-plotly-plot",
    "regionen": "#regionen-map .js-plotly-plot",
    "prognose": "#prognose-pyramid .js-plotly-plot",
}
# What Chromium sends on every request; Playwright's request headers leave it out, and without
# it the server answers uncompressed (callbacks of 100 KB and more instead of about 15 KB).
BROWSER_ENCODING: Final = {"Accept-Encoding": "gzip, deflate, br, zstd"}
WEIGHTS: Final = {"karte": 4, "gebiet": 3, "vergleich": 2, "api": 3, "regionen": 1, "prognose": 1}


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes | None
    headers: dict[str, str]


@dataclass
class Outcome:
    requests: int = 0
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # seconds of each request of the task, by its label (path or callback output)
    by_request: dict[str, list[float]] = field(default_factory=dict)

    def slowest(self) -> str:
        """The request with the highest median time, e.g. 'karte-graph 0.41 s'."""
        if not self.by_request:
            return ""
        medians = {label: statistics.median(times) for label, times in self.by_request.items()}
        label = max(medians, key=medians.__getitem__)
        return f"{label} {medians[label]:.2f} s"


def label(request: Request) -> str:
    """A request's name in the report: the path, or a callback's first output."""
    if request.body and request.path.startswith("/_dash-update-component"):
        try:
            output = json.loads(request.body).get("output", "")
        except ValueError:
            output = ""
        return output.lstrip(".").split(".", 1)[0] or request.path
    return request.path.split("?", 1)[0]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _ensure_store(home: Path) -> None:
    if (home / "published.sqlite").exists():
        return
    print(f"building the sample store in {home} (python -m etl demo)", flush=True)
    env = os.environ | {"DEMOGRAFIE_HOME": str(home)}
    subprocess.run([sys.executable, "-m", "etl", "demo"], cwd=REPO, env=env, check=True)


def _start_gunicorn(home: Path, port: int, workers: int, redis_url: str) -> subprocess.Popen:
    env = os.environ | {"DEMOGRAFIE_HOME": str(home), "DEMOGRAFIE_PUBLIC": "true"}
    env["DEMOGRAFIE_REDIS_URL"] = redis_url
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads", "4"]
    command += ["--bind", f"127.0.0.1:{port}", "--timeout", "120", "dashboard.wsgi:server"]
    process = subprocess.Popen(command, cwd=REPO, env=env)
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/releases", timeout=5):
                return process
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise SystemExit("gunicorn did not answer within 900 s")


def _task_urls(base: str) -> dict[str, str]:
    with urllib.request.urlopen(f"{base}/api/v1/areas?level=gemeinde", timeout=30) as response:
        keys = [row["key"] for row in json.load(response)["rows"]]
    rng = random.Random(SEED)
    picked = rng.sample(keys, min(6, len(keys)))
    return {
        "karte": "/",
        "gebiet": f"/gebiet?area={picked[0]}",
        "vergleich": f"/vergleich?areas={','.join(picked[:3])}",
        "regionen": f"/regionen?members={','.join(picked[:5])}",
        "prognose": f"/prognose?areas={picked[1]}",
    }


def _api_task(base: str) -> list[Request]:
    with urllib.request.urlopen(f"{base}/api/v1/areas?level=gemeinde", timeout=30) as response:
        key = json.load(response)["rows"][0]["key"]
    with urllib.request.urlopen(f"{base}/api/v1/indicators/catalogue", timeout=30) as response:
        indicator = json.load(response)["indicators"][0]["key"]
    paths = [
        "/api/v1/releases",
        "/api/v1/areas?level=gemeinde",
        f"/api/v1/population?area={key}",
        f"/api/v1/indicators?indicator={indicator}&level=gemeinde",
    ]
    return [Request("GET", path, None, dict(BROWSER_ENCODING)) for path in paths]


def record(base: str) -> dict[str, list[Request]]:
    """Every server request a real browser makes for each task, in order."""
    from playwright.sync_api import sync_playwright

    tasks: dict[str, list[Request]] = {"api": _api_task(base)}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for name, url in _task_urls(base).items():
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            seen: list[Request] = []

            def keep(request, seen=seen) -> None:
                if not request.url.startswith(base) or "/assets/" in request.url:
                    return
                path = request.url[len(base) :]
                if path.startswith(("/_dash-component-suites", "/_favicon")):
                    return
                headers = {"Content-Type": request.headers.get("content-type", "")}
                headers |= BROWSER_ENCODING
                body = request.post_data_buffer if request.method == "POST" else None
                seen.append(Request(request.method, path, body, headers))

            page.on("request", keep)
            page.goto(base + url, wait_until="networkidle", timeout=120_000)
            page.wait_for_selector(DRAWN[name], timeout=120_000)
            page.wait_for_load_state("networkidle", timeout=120_000)
            page.close()
            tasks[name] = seen
        browser.close()
    return tasks


def _replay(
    connection: http.client.HTTPConnection, requests: list[Request], outcome: Outcome
) -> str | None:
    for request in requests:
        headers = {k: v for k, v in request.headers.items() if v}
        started = time.perf_counter()
        connection.request(request.method, request.path, body=request.body, headers=headers)
        response = connection.getresponse()
        response.read()
        elapsed = time.perf_counter() - started
        outcome.by_request.setdefault(label(request), []).append(elapsed)
        if response.status >= 400:
            return f"{request.method} {request.path[:60]}: HTTP {response.status}"
    return None


def _user(
    port: int, tasks: dict[str, list[Request]], until: float, seed: int, out: dict[str, Outcome]
) -> None:
    rng = random.Random(seed)
    names = [name for name in WEIGHTS if name in tasks]
    weights = [WEIGHTS[name] for name in names]
    while time.monotonic() < until:
        name = rng.choices(names, weights)[0]
        # One keep-alive connection per task, as a browser tab: gunicorn closes idle ones
        # after 2 s, shorter than the think time.
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        started = time.perf_counter()
        try:
            error = _replay(connection, tasks[name], out[name])
        except (OSError, http.client.HTTPException) as failure:
            error = f"{type(failure).__name__}: {failure}"
        finally:
            connection.close()
        elapsed = time.perf_counter() - started
        (out[name].errors.append(error) if error else out[name].latencies.append(elapsed))
        time.sleep(rng.uniform(1.0, 3.0))


def _family(root: int) -> list[int]:
    """A process and its children (gunicorn master and workers)."""
    pids = [root]
    for path in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = path.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == root:
            pids.append(int(path.parent.name))
    return pids


def _cpu_seconds(root: int) -> float:
    """User + system CPU time of the gunicorn master and workers so far (load-independent)."""
    total = 0
    for pid in _family(root):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def _rss_mb(root: int) -> float:
    """Resident memory of a process and its children (gunicorn master and workers), in MB."""
    total = 0
    for pid in _family(root):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(
    outcomes: dict[str, Outcome], users: int, seconds: int, memory: list[float], cpu: float
) -> str:
    tasks = sum(len(o.latencies) + len(o.errors) for o in outcomes.values())
    requests = sum(o.requests * (len(o.latencies) + len(o.errors)) for o in outcomes.values())
    lines = [
        f"users {users}, {seconds} s, think time 1-3 s; gunicorn RSS {memory[0]:.0f} MB at start, "
        f"{memory[1]:.0f} MB after warm-up, {memory[2]:.0f} MB at the end",
        f"server CPU {cpu:.1f} s for {tasks} tasks ({requests} requests): "
        f"{1000 * cpu / max(requests, 1):.1f} ms CPU per request",
        "",
        "| task | requests/task | tasks | errors | p50 s | p95 s | max s | target p95 | met "
        "| slowest request (median) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, outcome in outcomes.items():
        p95 = _percentile(outcome.latencies, 0.95)
        met = "yes" if p95 <= TARGETS[name] and not outcome.errors else "no"
        median = statistics.median(outcome.latencies) if outcome.latencies else float("nan")
        lines.append(
            f"| {name} | {outcome.requests} | {len(outcome.latencies)} | {len(outcome.errors)} | "
            f"{median:.2f} | {p95:.2f} | {max(outcome.latencies, default=float('nan')):.2f} | "
            f"≤ {TARGETS[name]:.0f} | {met} | {outcome.slowest()} |"
        )
    errors = sorted({e for o in outcomes.values() for e in o.errors})[:10]
    lines += [f"- error: {error}" for error in errors]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--home", type=Path, default=REPO / "var")
    parser.add_argument(
        "--redis-url", default="", help="DEMOGRAFIE_REDIS_URL for the workers' shared cache"
    )
    args = parser.parse_args(argv)
    _ensure_store(args.home)
    port = _free_port()
    server = _start_gunicorn(args.home, port, args.workers, args.redis_url)
    try:
        memory = [_rss_mb(server.pid)]
        tasks = record(f"http://127.0.0.1:{port}")
        for name, requests in tasks.items():
            print(f"recorded {name}: {len(requests)} requests", flush=True)
        # Warm-up: every task once per worker, so caches are filled before measuring.
        warm = {name: Outcome() for name in tasks}
        _user(port, tasks, time.monotonic() + 10, SEED, warm)
        memory.append(_rss_mb(server.pid))
        cpu_before = _cpu_seconds(server.pid)
        outcomes = {name: Outcome(requests=len(tasks[name])) for name in tasks}
        until = time.monotonic() + args.seconds
        threads = [
            threading.Thread(target=_user, args=(port, tasks, until, SEED + i, outcomes))
            for i in range(args.users)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        memory.append(_rss_mb(server.pid))
        cpu = _cpu_seconds(server.pid) - cpu_before
        print(report(outcomes, args.users, args.seconds, memory, cpu))
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()  # a worker still busy with a request after the graceful minute
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
