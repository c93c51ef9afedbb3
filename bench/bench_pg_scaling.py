"""Registration on PostgreSQL: 1, 2 and 4 gunicorn workers; registrations over 1, 10, 500 pools.

PostgreSQL is started like tests/pgserver.py does, but durable as in production (fsync and
synchronous_commit on): a pool's row stays locked until its transaction's commit is on disk, and
every registration in one pool waits for that lock, so the commit's flush is part of the per-pool
ceiling. Pools are made for the benchmark: one covering 500 villages, ten covering 50 each, or
one per village; each registration touches exactly one pool. The per-pool ceiling is also taken
directly: the time from locking the pool to the end of COMMIT, one registration at a time.
SCALING_SECONDS (default 3) lengthens each run.
"""
import os
import statistics
import time
from functools import partial

from bench.bench_floor import Register
from bench.common import drive, row
from config import DEFAULT_RULES
from core import quota, seats
from database import open_database
from models import Pool, ProgramYear, Region, Registration, db
from tests.factories import applicant
from tests.live_server import LiveServer, prepare_database
from tests.pgserver import PgServer

SECONDS = float(os.environ.get("SCALING_SECONDS", 3))
WORKERS = (1, 2, 4)
SPREADS = (1, 10, 500)
LOAD = dict(processes=2, threads=8)
VILLAGES = [f"64.99.{d:02d}.{1001 + v}" for d in range(1, 11) for v in range(50)]


class DurablePgServer(PgServer):
    """tests/pgserver.py's server with production's durability (fsync, synchronous commit)."""

    def start(self):
        import os as _os
        import shutil
        if _os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        self._run(self.initdb, "-D", self.data, "-U", self.user, "--auth=trust", "--encoding=UTF8")
        opts = (f"-c listen_addresses=127.0.0.1 -c port={self.port} "
                f"-c unix_socket_directories={self.dir} -c max_connections=200 "
                "-c shared_buffers=128MB")
        self._run(self.pg_ctl, "-D", self.data, "-o", opts, "-l", f"{self.dir}/log", "-w", "start")
        return self


class SpreadRegister(Register):
    """Register (bench_floor) with the village taken in turn from VILLAGES, one client apart."""

    def applicant(self, n):
        form = super().applicant(n)
        form["kelurahan"] = VILLAGES[(n * 7 + self.base // 100_000) % len(VILLAGES)]
        return form


def make_pools(url, spread):
    """Replace the pools of the current year by `spread` pools over VILLAGES (the load's places)."""
    open_database(url)
    with db.connection_context(), db.atomic():
        Region.insert_many([("64.99", "regency", "Kabupaten Bench", "64")]
                           + [(f"64.99.{d:02d}", "district", f"Kecamatan {d}", "64.99") for d in range(1, 11)]
                           + [(code, "village", f"Desa {code[-4:]}", code[:8]) for code in VILLAGES],
                           fields=[Region.code, Region.level, Region.name, Region.parent]).execute()
        year = ProgramYear.current()
        Pool.delete().execute()
        prefixes = {1: ["64.99"], 10: [f"64.99.{d:02d}" for d in range(1, 11)], 500: VILLAGES}[spread]
        for i, prefix in enumerate(prefixes):
            Pool.create(year=year, code=f"bench-{i:03d}", name=f"Bench {i}", region_prefix=prefix,
                        capacity=10_000_000, priority=1)
    db.close()


def lock_hold_ms(url, count=200):
    """(mean ms from locking the pool to the end of COMMIT, of which COMMIT), one at a time."""
    open_database(url)
    holds, commits, marks = [], [], {}
    take, commit = seats.take_seat, db.obj.commit

    def timed_take(pool, open_only=True):
        marks.setdefault("locked", time.perf_counter())  # the UPDATE locks the pool's row
        return take(pool, open_only)

    def timed_commit():
        started = time.perf_counter()
        result = commit()
        if "locked" in marks:
            holds.append(time.perf_counter() - marks.pop("locked"))
            commits.append(time.perf_counter() - started)
        return result

    seats.take_seat, db.obj.commit = timed_take, timed_commit
    try:
        with db.connection_context():
            for n in range(count + 10):
                a = applicant(50_000_000 + n, phone=f"0819{n:08d}", kelurahan=VILLAGES[0])
                assert quota.register(a, "web", DEFAULT_RULES).ok
    finally:
        seats.take_seat = take
        del db.obj.commit
    db.close()
    return statistics.mean(holds[10:]) * 1000, statistics.mean(commits[10:]) * 1000


def run():
    """Throughput for each spread and worker count; the per-pool ceiling; seats audited."""
    server = DurablePgServer()
    if not server.available():
        raise RuntimeError("PostgreSQL server programs are not installed")
    server.start()
    rows, phase = [], 0
    try:
        for spread in SPREADS:
            url = server.create_database(f"scaling_{spread}")
            prepare_database(url)
            make_pools(url, spread)
            for workers in WORKERS:
                phase += 1
                with LiveServer(url, workers=workers, threads=4) as live:
                    drive(live.base_url, partial(SpreadRegister, phase=phase * 2), seconds=1, **LOAD)
                    result = drive(live.base_url, partial(SpreadRegister, phase=phase * 2 + 1),
                                   seconds=SECONDS, **LOAD)
                failed = sum(n for status, n in result.statuses.items() if status != 303)
                label = f"PG {spread} pool{'s' if spread > 1 else ''}, {workers} worker{'s' if workers > 1 else ''}"
                rows += [row(f"{label}: registrations", result.rps, "req/s"),
                         row(f"{label}: p99", result.ms(99), "ms"),
                         row(f"{label}: answered other than 303", failed, "requests", "= 0")]
            rows.append(row(f"PG {spread} pools: seats beyond capacity or counters off",
                            audit(url), "seats", "= 0"))
            if spread == 1:
                hold, flush = lock_hold_ms(url)
                rows += [row("PG pool row held per registration (lock to end of COMMIT)", hold, "ms"),
                         row("PG ... of which COMMIT (WAL flush, synchronous_commit on)", flush, "ms"),
                         row("PG per-pool ceiling (1 / hold)", 1000 / hold, "registrations/s")]
    finally:
        db.close()
        if db.obj is not None and hasattr(db.obj, "close_all"):
            db.obj.close_all()
        server.stop()
    return rows


def audit(url):
    """Seats held beyond capacity plus pool counters differing from the rows."""
    open_database(url)
    with db.connection_context():
        pools = list(Pool.select())
        bad = sum(max(p.held - p.capacity, 0) + abs(Registration.count_held(p) - p.held) for p in pools)
    db.close()
    return bad
