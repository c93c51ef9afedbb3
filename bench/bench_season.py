"""A whole season: applicants over web and SMS, with staff; SEASON_APPLICANTS=30000 for the full one.

The default (3,000) is a tenth of the season so that `make bench` stays short; capacities scale
with the size, so every path (seats, overflow, waiting list, promotions) is played either way.

gunicorn as `make run` runs it (2 workers, gunicorn.conf.py's threads, SQLite, rate limits off: one address),
the default pools plus a Samarinda pool (64.72), capacities scaled to the season's size so a
waiting list forms. bench/season.py plays the applicants (8 clients, closed loop) while verifiers
approve and reject, workers cancel and the provincial pool grows once, through the core. At the
end every invariant of bench/season_checks.py is checked on the database.
"""
import os
import tempfile
from pathlib import Path

from bench import season, season_checks
from bench.common import percentile, row
from database import open_database
from models import Pool, ProgramYear, Registration, db
from tests.live_server import LiveServer, prepare_database

SIZE = int(os.environ.get("SEASON_APPLICANTS", 3_000))
CAPACITY = {"kota-balikpapan": 7100, "prov-kaltim": 12000, "kota-samarinda": 2000}  # for 30,000


def prepare(url, size):
    """A fresh database with the three pools, capacities scaled to size applicants."""
    prepare_database(url)
    open_database(url)
    with db.connection_context():
        year = ProgramYear.current()
        code, name, prefix = season.EXTRA_POOL
        Pool.create(year=year, code=code, name=name, region_prefix=prefix, capacity=0, priority=1)
        for code, capacity in CAPACITY.items():
            Pool.update(capacity=max(1, capacity * size // 30_000)).where(
                (Pool.code == code) & (Pool.year == year)).execute()


def play(url, size):
    """Run the season on url; (records by kind, acknowledged, staff, seconds)."""
    open_database(url)
    env = {"TWILIO_AUTH_TOKEN": season.TWILIO_TOKEN, "TWILIO_ACCOUNT_SID": "", "TWILIO_FROM": ""}
    with LiveServer(url, workers=2, env=env) as server:
        staff = season.Staff(raise_after=size // 2)
        staff.start()
        records, acknowledged, seconds = season.play_all(server.base_url, size)
        staff.stop.set()
        staff.join(timeout=300)
    if staff.error:
        raise staff.error
    for kind, values in staff.records.items():
        records[kind] += values
    return records, acknowledged, staff, seconds


def run():
    """Play the season and report throughput, latencies, promotions and every invariant."""
    with tempfile.TemporaryDirectory(prefix="jaring-bench-season-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'jaring.sqlite3'}"
        prepare(url, SIZE)
        records, acknowledged, staff, seconds = play(url, SIZE)
        found = season_checks.violations()
        pools, statuses = season_checks.seat_summary()
        with db.connection_context():
            stored = Registration.select().count()
        db.close()
    requests = sum(len(v) for k, v in records.items() if k not in STAFF_KINDS)
    rows = [row("season applicants (SEASON_APPLICANTS)", SIZE, "applicants"),
            row("season applicants per second", SIZE / seconds, "applicants/s"),
            row("season requests per second (web + SMS)", requests / seconds, "req/s")]
    for kind in sorted(records):
        latencies = [s * 1000 for s, _ in records[kind]]
        rows += [row(f"season {kind} p50", percentile(latencies, 50), "ms"),
                 row(f"season {kind} p99", percentile(latencies, 99), "ms")]
    failed = sum(not ok for k, v in records.items() if k not in STAFF_KINDS for _, ok in v)
    rows += [row("season requests failed", failed, "requests", "= 0"),
             row("season promotions from the waiting list", staff.promoted, "registrations"),
             row("season registrations stored minus acknowledged", stored - acknowledged, "rows", "= 0")]
    rows += [row(f"season {status}", n, "registrations") for status, n in statuses.items()]
    rows += [row(f"season pool {code} held / capacity", held / cap, "ratio", "≤ 1")
             for code, (cap, held) in pools.items()]
    rows += [row(f"season invariant: {name}", n, "violations", "= 0") for name, n in found.items()]
    return rows


STAFF_KINDS = ("verifier approve", "verifier reject", "worker cancel", "capacity change")
