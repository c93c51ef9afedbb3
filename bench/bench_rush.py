"""Opening-day rush: 100 registrations/s plus 300 page views and status look-ups/s, steady.

The production server as `make run` starts it (gunicorn.conf.py: 2 workers x 2 threads unless
RUSH_WORKERS / RUSH_THREADS say otherwise, SQLite,
the default pools, and the SMS sender beside it, logging since it has no Twilio credentials)
is loaded open-loop (bench/steady.py) for RUSH_SECONDS (default 60). The views are a third each
of GET /, GET /daftar and a status look-up (POST /status with NIK and code, then the GET /status
page it redirects to, timed together). Rate limits are OFF (RATELIMIT_ENABLED=0): all load comes
from one address, which production limits would throttle as one abusive client.
"""
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
from functools import partial
from pathlib import Path

from bench.bench_floor import Register
from bench.common import cpu_seconds, percentile, row
from bench.steady import GIVE_UP, run_streams
from config import DEFAULT_RULES
from core import quota
from database import open_database
from models import Pool, Registration, db
from tests.factories import applicant
from tests.live_server import CONFIG_THREADS, ROOT, LiveServer, prepare_database

SECONDS = float(os.environ.get("RUSH_SECONDS", 60))
REGISTRATIONS_PER_S = float(os.environ.get("RUSH_REGISTRATIONS", 100))
VIEWS_PER_S = float(os.environ.get("RUSH_VIEWS", 300))
# `make run`'s server by default (WORKERS ?= 2, gunicorn.conf.py's threads); other shapes to compare.
WORKERS = int(os.environ.get("RUSH_WORKERS", 2))
THREADS = int(os.environ.get("RUSH_THREADS", CONFIG_THREADS))
SENDER = os.environ.get("RUSH_SENDER", "1") != "0"
KNOWN = 1000  # registrations made before the rush, for the status look-ups
# Seconds the 72 clients have to open their first page before the schedule starts; on a loaded
# machine 8 were not always enough, and a client not ready in time sent nothing at all.
SET_UP = 30.0
TOKEN = re.compile(rb'name="csrf_token" value="([^"]+)"')


class Viewer:
    """A visitor: home page, registration form, or a status look-up with NIK and code, in turn."""

    def __init__(self, client, slot, known):
        self.client, self.known, self.random = client, known, random.Random(slot)
        status, _, body = client.request("GET", "/status")
        self.token = TOKEN.search(body).group(1).decode()

    def __call__(self, k):
        kind = k % 3
        if kind == 0:
            return self.client.request("GET", "/")[0] == 200
        if kind == 1:
            return self.client.request("GET", "/daftar")[0] == 200
        nik, ref = self.random.choice(self.known)
        status, headers, _ = self.client.request(
            "POST", "/status", form={"csrf_token": self.token, "nik": nik, "ref": ref})
        if status != 303:
            return False
        return self.client.request("GET", "/status?lihat=1")[0] == 200


class Registering(Register):
    """The registration stream: a new applicant each time; True on 303."""

    def __call__(self, k):
        return super().__call__(k) == 303


def known_registrations(url):
    """Make KNOWN registrations through the core (not timed); their (NIK, code)."""
    open_database(url)
    with db.connection_context():
        known = []
        for n in range(KNOWN):
            reg = quota.register(applicant(9_000_000 + n, phone=f"0813{n:08d}"), "web",
                                 DEFAULT_RULES).registration
            known.append((reg.nik, reg.ref))
    db.close()
    return known


def run():
    """Start gunicorn and the SMS sender on a fresh database, run the rush, check the seats."""
    with tempfile.TemporaryDirectory(prefix="jaring-bench-rush-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'jaring.sqlite3'}"
        prepare_database(url)
        known = known_registrations(url)
        env = dict(os.environ, DATABASE_URL=url, FLASK_APP="app", SECRET_KEY="bench")
        # RUSH_SENDER=0 leaves the SMS sender out (in production it may run on another machine).
        sender = subprocess.Popen(
            [sys.executable, "-m", "flask", "sms", "worker"] if SENDER else ["sleep", "86400"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            with LiveServer(url, workers=WORKERS, threads=THREADS) as server:
                cpu = cpu_seconds(server.proc.pid), cpu_seconds(sender.pid)
                clients = _children_cpu()
                out = run_streams(server.base_url, [
                    ("register", partial(Registering, phase=1), REGISTRATIONS_PER_S, 24),
                    ("view", partial(Viewer, known=known), VIEWS_PER_S, 48),
                ], SECONDS, start_in=SET_UP)
                cpu = cpu_seconds(server.proc.pid) - cpu[0], cpu_seconds(sender.pid) - cpu[1]
                clients = _children_cpu() - clients  # the stream processes, joined by now
        finally:
            sender.terminate()
            sender.wait(timeout=30)
        oversold, drift = seats(url)
    rows = [row("rush length (RUSH_SECONDS)", SECONDS, "s"),
            row("rush gunicorn workers (RUSH_WORKERS)", WORKERS, "processes"),
            row("rush threads per worker (RUSH_THREADS)", THREADS, "threads"),
            row("rush SMS sender beside the server (RUSH_SENDER)", int(SENDER), "yes=1")]
    for name, label, goal in (("register", "POST /daftar", "≤ 100"), ("view", "page view / look-up", None)):
        latencies = [r[0] * 1000 for r in out[name]]
        # Served rate: answers over the time until the last one came (the schedule is fixed).
        finished = max((r[2] + r[0] for r in out[name]), default=0)
        rows += [row(f"rush {label} due", len(latencies) / SECONDS, "req/s"),
                 row(f"rush {label} served", len(latencies) / finished if finished else 0, "req/s"),
                 row(f"rush {label} p50", percentile(latencies, 50), "ms"),
                 row(f"rush {label} p99", percentile(latencies, 99), "ms", goal)]
    errors = sum(not r[1] for records in out.values() for r in records)
    dropped = sum(1 for records in out.values() for r in records if r[1] is None)
    # What the server needed, whatever else ran: CPU per request it answered, and the cores the
    # whole due load would take at that cost (a look-up is two requests: POST, then GET).
    answered = {name: sum(1 for r in records if r[1] is not None) for name, records in out.items()}
    requests = answered.get("register", 0) + answered.get("view", 0) * 4 / 3
    per_request = cpu[0] / requests if requests else 0
    rows += [row("rush server CPU per request answered (gunicorn workers)", per_request * 1000, "ms"),
             row("rush server cores the due load needs at that cost",
                 per_request * (REGISTRATIONS_PER_S + VIEWS_PER_S * 4 / 3), "cores"),
             row("rush SMS sender CPU over the rush", cpu[1], "s"),
             row("rush load generator CPU per request sent, start-up included (same machine)",
                 clients * 1000 / requests if requests else 0, "ms")]
    return rows + [row("rush errors (unexpected answer, or dropped)", errors, "requests", "= 0"),
                   row(f"rush requests dropped (over {GIVE_UP:.0f} s behind schedule)", dropped, "requests", "= 0"),
                   row("rush seats beyond capacity, or counters off", oversold + drift, "seats", "= 0")]


def _children_cpu():
    """CPU seconds of this process's children that have ended (the load streams, once joined)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def seats(url):
    """(seats held beyond capacity, pool counters differing from the rows)."""
    open_database(url)
    with db.connection_context():
        pools = list(Pool.select())
        oversold = sum(max(p.seats_held - p.capacity, 0) for p in pools)
        drift = sum(abs(Registration.count_held(p) - p.seats_held) for p in pools)
    db.close()
    return oversold, drift
