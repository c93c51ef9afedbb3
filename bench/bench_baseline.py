"""The per-request baseline: what gunicorn, Flask and each of our hooks cost on every request.

The app's own /hello (bench/hello_app.py: every extension and hook, no page) is served by
gunicorn as `make run` serves it (2 workers, gunicorn.conf.py's threads), closed loop, 16 clients that carry a
session cookie (as every visitor after the first page does), for BASELINE_SECONDS (default 5)
each: the app whole, the app without one piece at a time, and a bare Flask app, in turns,
BASELINE_ROUNDS (default 2) times. For each: requests/s and the gunicorn workers' CPU per
request (from /proc: hardly moved by what else runs on a shared machine). GET / and GET /daftar
are served the same way, for what a page adds. BASELINE_BEFORE=<a checkout of another commit>
also serves that tree's app (whole) and pages in the same turns.
"""
import os
import tempfile
from functools import partial
from pathlib import Path

from bench.common import cpu_seconds, drive, row
from tests.live_server import LiveServer, prepare_database

HERE = Path(__file__).resolve().parent
SECONDS = float(os.environ.get("BASELINE_SECONDS", 5))
ROUNDS = int(os.environ.get("BASELINE_ROUNDS", 2))
BEFORE = os.environ.get("BASELINE_BEFORE", "")
PIECES = ("session", "csrf", "limiter", "nul-check", "db-connect", "compression", "security-headers")


class Visitor:
    """A returning visitor asking for one path again and again (keep-alive, session cookie)."""

    def __init__(self, client, slot, path="/hello"):
        self.client, self.path = client, path
        client.request("GET", "/status")  # the CSRF session every visitor has after one form

    def __call__(self, k):
        return self.client.request("GET", self.path)[0]


def serve(url, root, app, path):
    """(requests/s, gunicorn CPU ms per request) for GET path from app in the tree root."""
    with LiveServer(url, workers=2, root=root, app=app) as server:
        job = partial(Visitor, path=path)
        drive(server.base_url, job, processes=1, threads=8, seconds=1)  # warm up
        before = cpu_seconds(server.proc.pid)
        result = drive(server.base_url, job, processes=2, threads=8, seconds=SECONDS)
        used = cpu_seconds(server.proc.pid) - before
    assert set(result.statuses) == {200}, (app, path, result.statuses)
    return result.rps, used * 1000 / len(result.latencies)


def variants():
    """[(label, tree, app, path)] in the order served."""
    here = HERE.parent
    runs = [("bare Flask /hello", here, "bench.hello_app:create_bare_app()", "/hello")]
    if BEFORE:
        runs.append(("before: app /hello", Path(BEFORE), "bench.hello_app:create_app()", "/hello"))
    runs.append(("app /hello", here, "bench.hello_app:create_app()", "/hello"))
    runs += [(f"app /hello without {p}", here, f"bench.hello_app:create_app('{p}')", "/hello")
             for p in PIECES]
    for path in ("/", "/daftar"):
        if BEFORE:
            runs.append((f"before: GET {path}", Path(BEFORE), "app:create_app()", path))
        runs.append((f"GET {path}", here, "app:create_app()", path))
    return runs


def run():
    """Each variant served in turns, ROUNDS times; the best round of each (least disturbed)."""
    best = {}
    with tempfile.TemporaryDirectory(prefix="jaring-bench-baseline-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'baseline.sqlite3'}"
        prepare_database(url)
        for _ in range(ROUNDS):
            for label, root, app, path in variants():
                rps, cpu = serve(url, root, app, path)
                print(f"  {label}: {rps:.0f} req/s, {cpu:.3f} ms CPU/request", flush=True)
                old = best.get(label)
                best[label] = (max(rps, old[0]), min(cpu, old[1])) if old else (rps, cpu)
    rows = []
    for label, (rps, cpu) in best.items():
        rows += [row(f"{label}: gunicorn CPU per request", cpu, "ms"),
                 row(f"{label}: served", rps, "req/s")]
    return rows
