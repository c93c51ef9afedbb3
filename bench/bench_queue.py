"""Staff queue server time with 1,000,000 registrations in SQLite (goal: each page ≤ 50 ms).

The rows are spread over every kelurahan of the ten Kaltim regencies (the province's data loaded),
so a regency-scoped verifier's queue holds about a tenth of them.

Pages are rendered through Flask's test client as a logged-in verifier (and an operator), so the
time is the server's own: first page, filters, flags, a page deep in the keyset, searches.

Filling takes minutes. `BENCH_QUEUE_DB=/some/path.sqlite3` keeps the filled database at that path
and reuses it on the next run (its pending migrations are applied, so it is upgraded in place as
a deployed database would be); delete the file to fill afresh. Without it, a temporary file.
"""
import datetime as dt
import os
import random
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from bench.common import percentile, row
from core.refs import REF_ALPHABET
from database import migrate
from models import Occupation, Pool, ProgramYear, Region, StaffUser, db
from ops.seed import seed

ROWS = 1_000_000
BATCH = 50_000
RUNS = 20
GOAL = "≤ 50 ms"
PASSWORD = "bench-password"
OPERATOR = "64.71.05.1002"  # kelurahan Sepinggan
SCOPED = "64.72"  # Kota Samarinda: a verifier tied to one regency
FIRST = ("Budi", "Siti", "Agus", "Dewi", "Rudi", "Sri", "Andi", "Nur", "Joko", "Rina", "Hendra",
         "Yanti", "Dedi", "Wati", "Eko", "Lina", "Bambang", "Ratna", "Ahmad", "Fitri", "Iwan",
         "Maya", "Slamet", "Putri", "Hasan", "Indah", "Yusuf", "Ani", "Rahmat", "Desi")
LAST = ("Santoso", "Wijaya", "Saputra", "Hidayat", "Lestari", "Kusuma", "Pratama", "Rahman",
        "Nugroho", "Setiawan", "Siregar", "Hasibuan", "Daeng", "Sitorus", "Gunawan", "Purnomo",
        "Syahputra", "Wahyudi", "Halim", "Anwar", "Ramadhan", "Susanto", "Firmansyah", "Aritonang")
# Status mix: mostly pending, so the verifiers' queue itself holds about half a million rows.
STATUS_MIX = (("pending", 50), ("approved", 10), ("enrolled", 5), ("waitlisted", 25),
              ("rejected", 5), ("cancelled", 5))
CHANNEL_MIX = (("web", 60), ("sms", 30), ("assisted", 10))
COLUMNS = ("ref", "year", "nik", "nik_active", "name", "birth_date", "sex", "phone", "occupation",
           "region", "pool", "status", "channel", "declared_not_participant", "declared_income",
           "declared_dtks", "dtks_confirmed", "created_at", "updated_at")


def ref_of(i):
    """A unique, random-looking 8-character code for row i (an invertible scramble in base 23)."""
    n, out = (i * 2_654_435_761 + 97_531) % 23 ** 8, []
    for _ in range(8):
        n, digit = divmod(n, 23)
        out.append(REF_ALPHABET[digit])
    return "".join(out)


def weighted(mix, rng):
    """Pick a value from ((value, weight), …)."""
    values, weights = zip(*mix)
    return rng.choices(values, weights)[0]


def make_rows(year, villages, regencies, occupations, pools, start, rng):
    """Yield valid-looking registration tuples, oldest first, spread over the last 90 days."""
    base_birth = dt.date(1962, 1, 1)
    for i in range(ROWS):
        birth = base_birth + dt.timedelta(days=(i * 7919) % 16_000)  # 1962 … 2005, all ages 18–64
        female = i % 2 == 1
        region = rng.choice(villages) if i % 20 else rng.choice(regencies)
        issued = region[:8].replace(".", "") if len(region) > 5 else region.replace(".", "") + "01"
        if i % 25 == 0:
            issued = "647201"  # KTP issued elsewhere: the region flag
        day = birth.day + 40 if female else birth.day
        nik = f"{issued}{day:02d}{birth.month:02d}{birth.year % 100:02d}{i // 16_000 + 1:04d}"
        status = weighted(STATUS_MIX, rng)
        pool = pools["kota-balikpapan"] if region.startswith("64.71") else pools["prov-kaltim"]
        created = start + dt.timedelta(seconds=i * 90 * 86400 / ROWS)
        phone = f"+62812{(i - i % 3 if i % 40 == 0 else i):08d}"  # a few phones with several NIKs
        yield (ref_of(i), year, nik, None if status == "cancelled" else nik,
               f"{rng.choice(FIRST)} {rng.choice(LAST)}", birth.isoformat(), "F" if female else "M",
               phone, rng.choice(occupations), region,
               pool if status in ("pending", "approved", "enrolled", "rejected") else None,
               status, weighted(CHANNEL_MIX, rng), 1, 1, 0, 0, created.isoformat(" "), created.isoformat(" "))


def fill(path):
    """Create, seed and fill the database at path; return the program year."""
    db.connect(reuse_if_open=True)
    migrate()
    seed()
    year = ProgramYear.current().year
    villages = [r.code for r in Region.select().where(Region.level == "village")]
    regencies = [r.code for r in Region.select().where(
        (Region.level == "regency") & ~Region.code.startswith("64.71"))]
    occupations = [o.code for o in Occupation.select()]
    pools = {p.code: p.id for p in Pool.of_year(year)}
    db.close()
    if hasattr(db.obj, "close_all"):  # a pooled connection left open would keep the WAL mode
        db.obj.close_all()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    sql = f"INSERT INTO registration ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
    rows = make_rows(year, villages, regencies, occupations, pools,
                     dt.datetime.now() - dt.timedelta(days=90), random.Random(20251125))
    # Indexes are built once after the rows are in: far faster than keeping 20 of them up to date.
    indexes = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                           "AND tbl_name = 'registration' AND sql IS NOT NULL").fetchall()
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    while batch := [r for _, r in zip(range(BATCH), rows)]:
        with conn:
            conn.executemany(sql, batch)
    for _, create in indexes:
        conn.execute(create)
    # No ANALYZE: a real database rarely has planner statistics, so the queries must not need them.
    with conn:  # seats held must agree with the rows, and never exceed capacity
        conn.execute("UPDATE pool SET held = (SELECT COUNT(*) FROM registration r WHERE r.pool = pool.id "
                     "AND r.status IN ('pending', 'approved', 'enrolled'))")
        conn.execute("UPDATE pool SET capacity = held")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    return year


def timed(client, path, runs=RUNS, before=lambda: None):
    """Server times in ms of GET path (status checked), after one warm-up; before() runs untimed first."""
    assert client.get(path).status_code == 200
    times = []
    for _ in range(runs):
        before()
        t0 = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return times


def run():
    """Fill 1M rows (or reuse BENCH_QUEUE_DB's), log in as verifiers and an operator, time queue pages."""
    from app import create_app
    from staff.auth import hash_password
    kept = os.environ.get("BENCH_QUEUE_DB")
    with tempfile.TemporaryDirectory(prefix="jaring-bench-queue-") as tmp:
        path = Path(kept).resolve() if kept else Path(tmp) / "jaring.sqlite3"
        reuse = path.exists()
        app = create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "bench",
                          "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
        t0 = time.perf_counter()
        if reuse:
            with app.app_context(), db.connection_context():
                migrate()  # a kept database made by older code: upgraded as a deployment would be
        else:
            fill(str(path))
        fill_seconds = time.perf_counter() - t0
        with app.app_context(), db.connection_context():
            for name, role, place, region in (("bench", "verifier", None, None),
                                              ("olga", "operator", OPERATOR, None),
                                              ("rina", "verifier", None, SCOPED)):
                if not StaffUser.get_or_none(StaffUser.username == name):
                    StaffUser.create(username=name, role=role, password_hash=hash_password(PASSWORD),
                                     kelurahan=place, region=region)
            deep, nik, phone = db.execute_sql("SELECT id, nik, phone FROM registration WHERE status = "
                                              "'pending' ORDER BY id LIMIT 1 OFFSET 450000").fetchone()
            theirs = db.execute_sql("SELECT nik FROM registration WHERE region LIKE ? ORDER BY id DESC "
                                    "LIMIT 1", (SCOPED + ".%",)).fetchone()[0]
        verifier, operator, scoped = app.test_client(), app.test_client(), app.test_client()
        for client, name in ((verifier, "bench"), (operator, "olga"), (scoped, "rina")):
            login = client.post("/staff/masuk", data={"username": name, "password": PASSWORD})
            assert login.status_code == 303
        pages = {
            "first page": (verifier, "/staff"),
            "filtered page (kecamatan + occupation)":
                (verifier, "/staff?kecamatan=64.71.05&occupation=nelayan"),
            "flagged-only page": (verifier, "/staff?flag=any"),
            "deep keyset page": (verifier, f"/staff?after={deep}"),
            "search by name": (verifier, "/staff?q=Slamet+Siregar"),
            "search by NIK": (verifier, f"/staff?status=all&q={nik}"),
            "search by phone": (verifier, "/staff?" + urlencode({"status": "all", "q": phone})),
            "operator's kelurahan": (operator, "/staff"),
            f"regency-scoped verifier ({SCOPED})": (scoped, "/staff"),
            f"regency-scoped verifier ({SCOPED}), flagged-only": (scoped, "/staff?flag=any"),
            f"regency-scoped verifier ({SCOPED}), search by NIK": (scoped, f"/staff?status=all&q={theirs}"),
            f"regency filter ({SCOPED}) + kecamatan": (verifier, f"/staff?regency={SCOPED}&kecamatan={SCOPED}.01"),
        }
        with app.app_context(), db.connection_context():
            share = db.execute_sql("SELECT COUNT(*) FROM registration WHERE substr(region, 1, 5) = ?",
                                   (SCOPED,)).fetchone()[0]
        results = [row("migrate the kept 1,000,000 registrations" if reuse
                       else "fill 1,000,000 registrations", fill_seconds, "s"),
                   row(f"registrations in {SCOPED} (of ten regencies)", share, "rows")]
        for name, (client, url) in pages.items():
            times = timed(client, url)
            results.append(row(f"queue {name}, median", statistics.median(times), "ms", GOAL))
            results.append(row(f"queue {name}, p95", percentile(times, 95), "ms", GOAL))
        # No budget of its own; for the record. Counted: the first view of a scope in a minute
        # (staff/dashboard.py keeps the counts that long); kept: the views after it.
        def recount():
            app.extensions.pop("jaring.dashboard", None)

        for name, client in (("province", verifier), (f"regency-scoped ({SCOPED})", scoped)):
            counted = timed(client, "/staff/dasbor", runs=5, before=recount)
            results.append(row(f"dashboard, {name}, counted, median", statistics.median(counted), "ms"))
            kept = timed(client, "/staff/dasbor", runs=5)
            results.append(row(f"dashboard, {name}, counts kept, median", statistics.median(kept), "ms"))
        db.close()
        if hasattr(db.obj, "close_all"):
            db.obj.close_all()
        return results
