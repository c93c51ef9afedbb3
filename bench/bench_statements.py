"""SQL statements per registration (SQLite and PostgreSQL) and a profile of the registration path.

Statements are counted around one `quota.register()` (bench/sqlcount.py: every statement peewee
sends, BEGIN and COMMIT included). The profile is cProfile over PROFILE_REGISTRATIONS (default
300) POST /daftar through Flask's test client in this one process; its top lines are written to
bench/profile_register.txt. The CPU time per registration is indicative only (one core, no
server, no network).
"""
import cProfile
import io
import os
import pstats
import statistics
import tempfile
import time
from pathlib import Path

from bench.common import row
from bench.sqlcount import statements
from config import DEFAULT_RULES
from core import quota
from models import Pool, db
from tests.conftest import make_app
from tests.factories import applicant, form
from tests.pgserver import PgServer

HERE = Path(__file__).resolve().parent
PROFILE_REGISTRATIONS = int(os.environ.get("PROFILE_REGISTRATIONS", 300))
SAMPLES = 20
TOP_LINES = 30


def count_per_registration(url):
    """(statements for a seat, for a waiting-list place, the statements of the last seat) on url."""
    app = make_app(url)
    with app.app_context():
        db.connect(reuse_if_open=True)
        quota.register(applicant(0), "web", DEFAULT_RULES)  # first use: caches, pool connections
        seat = []
        for n in range(1, SAMPLES + 1):
            with statements(db.obj) as seen:
                assert quota.register(applicant(n), "web", DEFAULT_RULES).ok
            seat.append(len(seen))
        text = list(seen)
        Pool.update(capacity=Pool.held).execute()
        waiting = []
        for n in range(SAMPLES + 1, 2 * SAMPLES + 1):
            with statements(db.obj) as seen:
                assert quota.register(applicant(n), "web", DEFAULT_RULES).position
            waiting.append(len(seen))
        db.close()
    return statistics.median(seat), statistics.median(waiting), text


def profile(url):
    """Profile POST /daftar in-process; write the top lines; return CPU ms per registration."""
    app = make_app(url)
    client = app.test_client()
    client.post("/daftar", data=form(0))
    profiler = cProfile.Profile()
    started = time.process_time()
    profiler.enable()
    for n in range(1, PROFILE_REGISTRATIONS + 1):
        assert client.post("/daftar", data=form(n)).status_code == 303
    profiler.disable()
    cpu_ms = (time.process_time() - started) * 1000 / PROFILE_REGISTRATIONS
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(TOP_LINES)
    out.write("\n--- by own time ---\n")
    stats.sort_stats("tottime").print_stats(15)
    text = out.getvalue().replace(str(HERE.parent) + "/", "")
    (HERE / "profile_register.txt").write_text(
        f"POST /daftar x {PROFILE_REGISTRATIONS}, Flask test client, SQLite, cProfile\n{text}")
    db.close()
    return cpu_ms


def run():
    """Count on SQLite and (when its server programs are installed) PostgreSQL; profile on SQLite."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="jaring-bench-stmt-") as tmp:
        seat, waiting, text = count_per_registration(f"sqlite:///{Path(tmp) / 'count.sqlite3'}")
        rows += [row("statements per registration, SQLite (seat held)", seat, "statements", "≤ 8"),
                 row("statements per registration, SQLite (waiting list)", waiting, "statements")]
        (HERE / "statements_register.txt").write_text(
            "One quota.register() on SQLite (seat held):\n" + "\n".join(s[:160] for s in text) + "\n")
        server = PgServer()
        if server.available():
            server.start()
            try:
                url = server.create_database("bench_statements")
                seat, waiting, _ = count_per_registration(url)
                rows += [row("statements per registration, PostgreSQL (seat held)", seat, "statements", "≤ 8"),
                         row("statements per registration, PostgreSQL (waiting list)", waiting, "statements")]
            finally:
                db.close()
                db.obj.close_all()
                server.stop()
        cpu_ms = profile(f"sqlite:///{Path(tmp) / 'profile.sqlite3'}")
        rows.append(row("CPU per POST /daftar in one process (test client, cProfile on)", cpu_ms, "ms"))
    return rows
