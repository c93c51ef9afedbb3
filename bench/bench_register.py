"""Registration throughput beside a bare /hello on the same gunicorn config, and no seat oversold."""
import datetime as dt
import re
import tempfile
from functools import partial
from pathlib import Path

from bench.common import drive, percentile, row
from core import quota
from database import open_database
from models import Pool, Registration, db
from tests.factories import make_nik, make_phone
from tests.live_server import LiveServer, prepare_database

SECONDS = 6.0
ROUNDS = 2
LOAD = dict(processes=2, threads=4)
# Small pools fill during the run, so the last seats are raced for and the rest overflow
# into the provincial pool and then the waiting list: every path of register() is measured.
CAPACITY = {"kota-balikpapan": 600, "prov-kaltim": 600}
TOKEN = re.compile(rb'name="csrf_token" value="([^"]+)"')


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
    """Measure app /hello, bare Flask /hello and POST /daftar in turns; then audit the seats."""
    with tempfile.TemporaryDirectory(prefix="jaring-bench-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'jaring.sqlite3'}"
        prepare_database(url)
        set_capacities(url)
        with LiveServer(url, workers=2, app="bench.hello_app:create_app()") as app_server, \
                LiveServer(url, workers=2, app="bench.hello_app:create_bare_app()") as bare_server:
            runs = {"hello": [], "bare": [], "register": []}
            drive(app_server.base_url, Hello, seconds=1, **LOAD)
            warm = drive(app_server.base_url, partial(Register, phase=0), seconds=1, **LOAD)
            for phase in range(1, ROUNDS + 1):
                runs["hello"].append(drive(app_server.base_url, Hello, seconds=SECONDS, **LOAD))
                runs["bare"].append(drive(bare_server.base_url, Hello, seconds=SECONDS, **LOAD))
                job = partial(Register, phase=phase)
                runs["register"].append(drive(app_server.base_url, job, seconds=SECONDS, **LOAD))
        acknowledged = sum(r.statuses[303] for r in runs["register"]) + warm.statuses[303]
        return report(runs) + audit(url, acknowledged)


def set_capacities(url):
    """Shrink the default pools to CAPACITY."""
    open_database(url)
    with db.connection_context():
        for code, capacity in CAPACITY.items():
            assert quota.set_capacity(code, capacity, "bench").ok
    db.close()


def combined(results):
    """(requests/s over all rounds, all latencies)."""
    count = sum(len(r.latencies) for r in results)
    return count / sum(r.seconds for r in results), [x for r in results for x in r.latencies]


def report(runs):
    """Rows for throughput, ratios and latency."""
    hello, hello_lat = combined(runs["hello"])
    bare, _ = combined(runs["bare"])
    register, reg_lat = combined(runs["register"])
    refused = sum(n for r in runs["register"] for status, n in r.statuses.items() if status != 303)
    return [
        row("GET /hello on the app", hello, "req/s"),
        row("GET /hello on a bare Flask app", bare, "req/s"),
        row("POST /daftar (new registration)", register, "req/s"),
        row("register / app hello", register / hello, "ratio", "≥ 0.5"),
        row("register / bare Flask hello", register / bare, "ratio", "≥ 0.5"),
        row("GET /hello p50", percentile(hello_lat, 50) * 1000, "ms"),
        row("GET /hello p99", percentile(hello_lat, 99) * 1000, "ms"),
        row("POST /daftar p50", percentile(reg_lat, 50) * 1000, "ms"),
        row("POST /daftar p99", percentile(reg_lat, 99) * 1000, "ms"),
        row("POST /daftar answered other than 303", refused, "requests", "= 0"),
    ]


def audit(url, acknowledged):
    """Every pool within capacity, its counter equal to the rows, and one row per 303."""
    open_database(url)
    with db.connection_context():
        pools = list(Pool.select())
        oversold = sum(max(p.held - p.capacity, 0) for p in pools)
        drift = sum(abs(Registration.count_held(p) - p.held) for p in pools)
        rows = Registration.select().count()
        held = sum(p.held for p in pools)
    db.close()
    return [
        row("registrations stored", rows, "rows"),
        row("seats held (all pools full at the end)", held, "seats", f"= {sum(CAPACITY.values())}"),
        row("seats held beyond capacity", oversold, "seats", "= 0"),
        row("pool counters differing from rows", drift, "seats", "= 0"),
        row("rows minus 303 answers", rows - acknowledged, "rows", "= 0"),
    ]
