"""Registration against the floor: Jaring's POST /daftar beside bench/floor_app.py, same load.

Both servers run under gunicorn.conf.py with the workers and threads of `make run` (2 x 2), each
on its own database made by `flask init-db` with the same small pools, and are driven in turns
by the same load generator (bench/common.py `drive`). After the run both databases are audited:
no seat oversold, every pool counter equal to the rows holding its seats, one row per 303.
FLOOR_SECONDS (default 6) and FLOOR_ROUNDS (default 2) lengthen the run.
"""
import datetime as dt
import os
import re
import tempfile
from functools import partial
from pathlib import Path

from bench.common import drive, percentile, row
from core import quota
from database import open_database
from models import Pool, Registration, db
from tests.factories import make_nik, make_phone
from tests.live_server import CONFIG_THREADS, LiveServer, prepare_database

SECONDS = float(os.environ.get("FLOOR_SECONDS", 6))
ROUNDS = int(os.environ.get("FLOOR_ROUNDS", 2))
WORKERS, THREADS = 2, CONFIG_THREADS  # as `make run`: WORKERS ?= 2 and gunicorn.conf.py
LOAD = dict(processes=2, threads=4)
# Small pools fill during the run, so the last seats are raced for and the rest overflow
# into the provincial pool and then the waiting list: every path of register() is measured.
CAPACITY = {"kota-balikpapan": 600, "prov-kaltim": 600}
TOKEN = re.compile(rb'name="csrf_token" value="([^"]+)"')
SUCCESS = (200, 303)


class Hello:
    """A client asking for /hello over and over."""

    def __init__(self, client, slot):
        self.client = client

    def __call__(self, k):
        return self.client.request("GET", "/hello")[0]


class Register:
    """A worker's browser: open the form once (CSRF cookie and token), then post new applicants."""

    def __init__(self, client, slot, phase=0):
        self.client, self.base = client, (phase * 64 + slot) * 100_000
        status, _, body = client.request("GET", "/daftar")
        found = TOKEN.search(body)
        if found is None:
            raise RuntimeError(f"GET /daftar answered {status}: {body[:200]!r}")
        self.token = found.group(1).decode()

    def __call__(self, k):
        return self.client.request("POST", "/daftar", form=self.applicant(self.base + k))[0]

    def applicant(self, n):
        """A valid, unique Balikpapan applicant: the NIK serial wraps, so the birth date moves on."""
        birth = dt.date(1975, 1, 1) + dt.timedelta(days=n // 9999)
        return {"csrf_token": self.token, "nik": make_nik(n, birth=birth), "name": "Budi Santoso",
                "birth_date": birth.isoformat(), "phone": make_phone(n), "occupation": "ojol",
                "kelurahan": "64.71.01.1001", "decl_not_participant": "1", "decl_income": "1"}


def run():
    """Drive Jaring and the floor in turns (plus /hello once); then audit both databases."""
    with tempfile.TemporaryDirectory(prefix="jaring-bench-") as tmp:
        urls = {name: f"sqlite:///{Path(tmp) / name}.sqlite3" for name in ("jaring", "floor")}
        for url in urls.values():
            prepare_database(url)
            set_capacities(url)
        runs = {"jaring": [], "floor": []}
        acknowledged = {"jaring": 0, "floor": 0}
        with LiveServer(urls["jaring"], WORKERS, THREADS, app="bench.hello_app:create_app()") as jaring, \
                LiveServer(urls["floor"], WORKERS, THREADS, app="bench.floor_app:create_app()") as floor:
            servers = {"jaring": jaring, "floor": floor}
            for name, server in servers.items():  # warm-up: imports, pools, first connections
                warm = drive(server.base_url, partial(Register, phase=0), seconds=1, **LOAD)
                acknowledged[name] += warm.statuses[303]
            hello = drive(jaring.base_url, Hello, seconds=min(SECONDS, 3), **LOAD)
            for phase in range(1, ROUNDS + 1):
                for name, server in servers.items():
                    result = drive(server.base_url, partial(Register, phase=phase), seconds=SECONDS, **LOAD)
                    runs[name].append(result)
                    acknowledged[name] += result.statuses[303]
        return (report(runs, hello)
                + audit(urls["jaring"], acknowledged["jaring"], "Jaring")
                + audit(urls["floor"], acknowledged["floor"], "floor"))


def set_capacities(url):
    """Shrink the default pools to CAPACITY."""
    open_database(url)
    with db.connection_context():
        for code, capacity in CAPACITY.items():
            assert quota.set_capacity(code, capacity, "bench").ok
    db.close()


def combined(results):
    """(requests/s over all rounds, all latencies, requests answered with a failure)."""
    count = sum(len(r.latencies) for r in results)
    failed = sum(n for r in results for status, n in r.statuses.items() if status not in SUCCESS)
    return count / sum(r.seconds for r in results), [x for r in results for x in r.latencies], failed


def report(runs, hello):
    """Rows for both rates, their ratio, latencies and failures."""
    jaring, jaring_lat, jaring_failed = combined(runs["jaring"])
    floor, floor_lat, floor_failed = combined(runs["floor"])
    return [
        row("floor: POST /daftar (minimal Flask + sqlite3)", floor, "req/s"),
        row("Jaring: POST /daftar (new registration)", jaring, "req/s"),
        row("Jaring / floor", jaring / floor, "ratio", "≥ 0.30"),
        row("floor POST /daftar p50", percentile(floor_lat, 50) * 1000, "ms"),
        row("floor POST /daftar p99", percentile(floor_lat, 99) * 1000, "ms"),
        row("Jaring POST /daftar p50", percentile(jaring_lat, 50) * 1000, "ms"),
        row("Jaring POST /daftar p99", percentile(jaring_lat, 99) * 1000, "ms"),
        row("Jaring POST /daftar answered other than 2xx/303", jaring_failed, "requests", "= 0"),
        row("floor POST /daftar answered other than 2xx/303", floor_failed, "requests", "= 0"),
        row("GET /hello on the app (old yardstick)", hello.rps, "req/s"),
        row("Jaring / app hello", jaring / hello.rps, "ratio"),
    ]


def audit(url, acknowledged, label):
    """Every pool within capacity, its counter equal to the rows, and one row per 303."""
    open_database(url)
    with db.connection_context():
        pools = list(Pool.select())
        oversold = sum(max(p.seats_held - p.capacity, 0) for p in pools)
        drift = sum(abs(Registration.count_held(p) - p.seats_held) for p in pools)
        rows = Registration.select().count()
        held = sum(p.seats_held for p in pools)
    db.close()
    return [
        row(f"{label}: seats held (of {sum(CAPACITY.values())})", held, "seats"),
        row(f"{label}: seats held beyond capacity", oversold, "seats", "= 0"),
        row(f"{label}: pool counters differing from rows", drift, "seats", "= 0"),
        row(f"{label}: rows minus 303 answers", rows - acknowledged, "rows", "= 0"),
    ]
