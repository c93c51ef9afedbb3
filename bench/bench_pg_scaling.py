"""Registration on PostgreSQL: 1, 2 and 4 gunicorn workers; registrations over 1, 10, 500 pools;
one pool on its row against the same pool split in SCALING_SHARES (default 8) shares.

PostgreSQL is started like tests/pgserver.py does, but durable as in production (fsync and
synchronous_commit on): a pool's row stays locked until its transaction's commit is on disk, and
every registration in one pool waits for that lock, so the commit's flush is part of the per-pool
ceiling. Pools are made for the benchmark: one covering 500 villages, ten covering 50 each, or
one per village; each registration touches exactly one pool. The per-pool ceiling is also taken
directly: the time from locking the pool to the end of COMMIT, one registration at a time.
SCALING_SECONDS (default 3) lengthens each run.

The shares comparison (docs/scaling.md, section 5) runs the same clients against one pool in
turns, unsplit and split, SHARES_ROUNDS times each: over HTTP (gunicorn, register() as it is),
and with core clients that call quota.register() in processes without its first lock on every
serving pool (as register() is once the per-phone lock is ported; the benchmark's phones are all
different), where the pool's row, not the web tier, is what the clients queue on.

SCALING_ONLY_WAITLIST=1: newcomers joining a full pool's waiting list (capacity 0: every one of
them takes the lock before the waiting list), the same core clients, one pool unsplit and in
SCALING_SHARES shares, SHARES_ROUNDS rounds; with SCALING_BEFORE=<a checkout of main> the same
clients also run main's code (its tree first on the client processes' path), side by side. Then
the lock-fairness probe: a dozen connections holding a row FOR SHARE (or an advisory lock shared)
in short overlapping transactions, and how long one FOR UPDATE (or exclusive advisory lock) waits.
"""
import datetime as dt
import multiprocessing
import os
import statistics
import sys
import threading
import time
from functools import partial

from bench.bench_floor import Register
from bench.common import drive, row
from config import DEFAULT_RULES
from core import pools as pool_rules
from core import quota, seats
from database import open_database
from models import Pool, ProgramYear, Region, Registration, db
from tests.factories import applicant
from tests.live_server import LiveServer, prepare_database
from tests.pgserver import PgServer

SECONDS = float(os.environ.get("SCALING_SECONDS", 3))
SHARES = int(os.environ.get("SCALING_SHARES", 8))
SHARES_ROUNDS = int(os.environ.get("SHARES_ROUNDS", 2))
CORE_CLIENTS = dict(processes=2, threads=8)
WORKERS = (1, 2, 4)
SPREADS = (1, 10, 500)
LOAD = dict(processes=2, threads=8)
LOAD_AT_START = os.getloadavg()
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

    def timed_take(pool, *args, **kwargs):
        marks.setdefault("locked", time.perf_counter())  # the UPDATE locks the pool's row
        return take(pool, *args, **kwargs)

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
        if os.environ.get("SCALING_ONLY_SHARES"):
            return shares_rows(server)
        if os.environ.get("SCALING_ONLY_WAITLIST"):
            return waitlist_rows(server) + fairness_rows(server)
        for spread in SPREADS:
            url = server.create_database(f"scaling_{spread}")
            prepare_database(url)
            make_pools(url, spread)
            for workers in WORKERS:
                phase += 1
                with LiveServer(url, workers=workers) as live:
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
        rows += shares_rows(server)
    finally:
        db.close()
        if db.obj is not None and hasattr(db.obj, "close_all"):
            db.obj.close_all()
        server.stop()
    return rows


def audit(url):
    """Seats held beyond capacity plus counters (pool or share) differing from the rows."""
    open_database(url)
    with db.connection_context():
        pools = list(Pool.select())
        bad = sum(max(p.seats_held - p.capacity, 0) + abs(Registration.count_held(p) - p.seats_held)
                  for p in pools) + len(seats.seat_problems())
    db.close()
    return bad


def split(url, shares):
    """Keep the one benchmark pool's seats in `shares` counters."""
    open_database(url)
    with db.connection_context():
        assert pool_rules.set_shares("bench-000", shares, "bench").ok
    db.close()


def core_clients(url, phase, seconds, code_root=None):
    """Registrations/s of CORE_CLIENTS calling quota.register() without its first lock;
    code_root: a checkout whose code the client processes run instead of this one's."""
    ctx = multiprocessing.get_context("spawn")
    processes, threads = CORE_CLIENTS["processes"], CORE_CLIENTS["threads"]
    barrier, results = ctx.Barrier(processes * threads), ctx.Queue()
    workers = [ctx.Process(target=_core_process, daemon=True,
                           args=(url, phase, p, threads, seconds, barrier, results))
               for p in range(processes)]
    if code_root:  # a spawned process starts with the parent's sys.path as it is at start()
        sys.path.insert(0, code_root)
    try:
        for w in workers:
            w.start()
    finally:
        if code_root:
            sys.path.remove(code_root)
    done = [results.get(timeout=seconds + 180) for _ in workers]
    for w in workers:
        w.join(timeout=30)
    failed = [d for d in done if d[0] == "error"]
    if failed:
        raise RuntimeError(f"a core client failed: {failed[0][1]}")
    count = sum(d[1] for d in done)
    refused = sum(d[2] for d in done)
    span = max(d[4] for d in done) - min(d[3] for d in done)
    return count / span, refused


def _core_process(url, phase, process, threads, seconds, barrier, results):
    """One process of core clients: each thread registers new applicants until seconds pass."""
    try:
        open_database(url)
        # No lock on every serving pool first (the bench's phones are unique): only the seat's
        # counter row is locked, as once register() takes the per-phone lock instead.
        quota.lock_pools = lambda pools, read=False: []
        counts, refusals, starts = [], [], []

        def client(slot):
            base = (phase * 16 + slot) * 100_000  # phase < 6: unique 8-digit numbers
            with db.connection_context():
                barrier.wait(timeout=120)
                began, k, refused = time.time(), 0, 0
                starts.append(began)
                while time.time() < began + seconds:
                    n = base + k
                    # Born 1970-71 and 0815 numbers: never a NIK or phone of the HTTP clients.
                    a = applicant(n, birth=dt.date(1970, 1, 1) + dt.timedelta(days=n // 9999),
                                  phone=f"0815{n:08d}", kelurahan=VILLAGES[n % len(VILLAGES)])
                    refused += not quota.register(a, "web", DEFAULT_RULES).ok
                    k += 1
            counts.append(k)
            refusals.append(refused)

        pool = [threading.Thread(target=client, args=(process * threads + t,))
                for t in range(threads)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        results.put(("ok", sum(counts), sum(refusals), min(starts), time.time()))
    except Exception as exc:  # noqa: BLE001 - the parent reports it
        barrier.abort()
        results.put(("error", f"{type(exc).__name__}: {exc}"))


def shares_rows(server):
    """One pool unsplit against the same pool in SHARES shares: HTTP and core clients, in turns."""
    url = server.create_database("scaling_shares")
    prepare_database(url)
    make_pools(url, 1)
    http, core, phase = {1: [], SHARES: []}, {1: [], SHARES: []}, -1
    refused = 0
    for _ in range(SHARES_ROUNDS):
        for shares in (1, SHARES):
            split(url, shares)
            phase += 1
            with LiveServer(url, workers=2) as live:
                drive(live.base_url, partial(SpreadRegister, phase=phase * 2), seconds=1, **LOAD)
                result = drive(live.base_url, partial(SpreadRegister, phase=phase * 2 + 1),
                               seconds=SECONDS, **LOAD)
            http[shares].append((result.rps, result.ms(99),
                                 sum(n for status, n in result.statuses.items() if status != 303)))
            rate, no = core_clients(url, phase, SECONDS)
            core[shares].append(rate)
            refused += no
    rows = [row("PG shares run: load average (1 min) at start", LOAD_AT_START[0], "")]
    for shares in (1, SHARES):
        label = f"PG 1 pool in {shares} share{'s' if shares > 1 else ''}"
        rows += [row(f"{label}, HTTP (2 workers, register() as it is): registrations",
                     statistics.mean(r for r, _p, _f in http[shares]), "req/s"),
                 row(f"{label}, HTTP: p99", statistics.mean(p for _r, p, _f in http[shares]), "ms"),
                 row(f"{label}, HTTP: answered other than 303",
                     sum(f for _r, _p, f in http[shares]), "requests", "= 0"),
                 row(f"{label}, core clients without the first lock: registrations",
                     statistics.mean(core[shares]), "registrations/s")]
    rows += [row("PG shares run: core registrations refused", refused, "registrations", "= 0"),
             row("PG shares run: seats beyond capacity or counters off", audit(url), "seats", "= 0")]
    return rows


def waitlist_rows(server):
    """Newcomers joining a full pool's waiting list, the pool unsplit and in SHARES shares:
    registrations/s of the core clients, this code and (SCALING_BEFORE) main's, in turns."""
    url = server.create_database("scaling_waitlist")
    prepare_database(url)
    make_pools(url, 1)
    open_database(url)
    with db.connection_context():
        Pool.update(capacity=0).where(Pool.code == "bench-000").execute()
    db.close()
    before = os.environ.get("SCALING_BEFORE")
    codes = [("main", before), ("this branch", None)] if before else [("this branch", None)]
    rates, refused, phase = {}, 0, -1
    for _ in range(SHARES_ROUNDS):
        for shares in (1, SHARES):
            split(url, shares)
            for name, root in codes:
                phase += 1
                rate, no = core_clients(url, phase, SECONDS, code_root=root)
                rates.setdefault((name, shares), []).append(rate)
                refused += no
    open_database(url)
    with db.connection_context():
        waiting = Registration.select().where(Registration.status == "waitlisted").count()
        total = Registration.select().count()
    db.close()
    rows = [row("PG waiting-list run: load average (1 min) at start", LOAD_AT_START[0], "")]
    for (name, shares), found in sorted(rates.items()):
        rows.append(row(f"PG full pool in {shares} share{'s' if shares > 1 else ''}, {name}: "
                        "newcomers joining the waiting list", statistics.mean(found),
                        "registrations/s"))
    rows += [row("PG waiting-list run: registrations refused", refused, "registrations", "= 0"),
             row("PG waiting-list run: registrations not on the waiting list", total - waiting,
                 "registrations", "= 0"),
             row("PG waiting-list run: seats beyond capacity or counters off", audit(url), "seats",
                 "= 0")]
    return rows


def fairness_rows(server, sharers=12, tries=5):
    """How long an exclusive lock waits while `sharers` connections keep taking the shared one
    in short overlapping transactions (4 ms held, 1 ms apart): a row's FOR SHARE against FOR
    UPDATE, an advisory lock shared against exclusive. Worst of `tries`, in ms."""
    import psycopg2
    dsn = dict(host="127.0.0.1", port=server.port, user=server.user, dbname="postgres")
    setup = psycopg2.connect(**dsn)
    setup.autocommit = True
    setup.cursor().execute("CREATE TABLE IF NOT EXISTS fairness (id int PRIMARY KEY);"
                           "INSERT INTO fairness VALUES (1) ON CONFLICT DO NOTHING")
    setup.close()
    statements = {"row": ("SELECT 1 FROM fairness WHERE id = 1 FOR SHARE",
                          "SELECT 1 FROM fairness WHERE id = 1 FOR UPDATE"),
                  "advisory": ("SELECT pg_advisory_xact_lock_shared(1, 1)",
                               "SELECT pg_advisory_xact_lock(1, 1)")}
    rows = []
    for kind, (shared, exclusive) in statements.items():
        stop = threading.Event()

        def sharer(statement=shared):
            conn = psycopg2.connect(**dsn)
            cur = conn.cursor()
            while not stop.is_set():
                cur.execute(statement)
                time.sleep(0.004)
                conn.commit()
                time.sleep(0.001)
            conn.close()

        threads = [threading.Thread(target=sharer) for _ in range(sharers)]
        for t in threads:
            t.start()
        time.sleep(0.5)
        conn = psycopg2.connect(**dsn)
        cur = conn.cursor()
        cur.execute("SET lock_timeout = '20s'")
        waits = []
        for _ in range(tries):
            began = time.monotonic()
            cur.execute(exclusive)
            waits.append((time.monotonic() - began) * 1000)
            conn.rollback()
            time.sleep(0.1)
        conn.close()
        stop.set()
        for t in threads:
            t.join()
        label = {"row": "a row FOR UPDATE, a dozen holding it FOR SHARE",
                 "advisory": "an advisory lock exclusive, a dozen holding it shared"}[kind]
        rows += [row(f"PG lock fairness: {label}: worst wait of {tries}", max(waits), "ms"),
                 row(f"PG lock fairness: {label}: median wait", statistics.median(waits), "ms")]
    return rows
