"""Online backup while writers keep writing, then restore: counts and the seat rule hold."""
import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from config import DEFAULT_RULES
from core import quota
from core.seats import seat_problems
from database import open_database
from models import AuditEvent, Pool, Registration, db
from ops import backup
from ops.checks import table_counts
from tests.factories import applicant
from tests.live_server import ROOT

WRITER = """
import pathlib, sys
from app import create_app
from models import db
from tests.test_backup import write_one
create_app({"DATABASE_URL": sys.argv[1], "SECRET_KEY": "w", "TESTING": True})
n, stop = int(sys.argv[3]), pathlib.Path(sys.argv[2])
while not stop.exists():
    with db.connection_context():
        write_one(n)
    n += 1
"""


def write_one(n):
    """One turn: register; cancel every third (a seat frees, the list moves), approve some."""
    outcome = quota.register(applicant(n), "web", DEFAULT_RULES)
    assert outcome.ok, outcome.errors
    if n % 3 == 0:
        quota.cancel(outcome.registration, "worker:web")
    elif n % 3 == 1 and outcome.registration.status == "pending":
        quota.approve(outcome.registration, "staff:test")


def small_pools():
    """Few seats, so the waiting list and promotions take part."""
    Pool.update(capacity=15).where(Pool.code == "kota-balikpapan").execute()
    Pool.update(capacity=10).where(Pool.code == "prov-kaltim").execute()


def registrations():
    with db.connection_context():
        return Registration.select().count()


def wait_until(condition, timeout=60):
    end = time.time() + timeout
    while not condition():
        assert time.time() < end, "timed out"
        time.sleep(0.05)


def check_restored(url, low, high, live_refs):
    """The restored database: rows between the counts seen around the backup, every one whole."""
    db.close()
    open_database(url)
    with db.connection_context():
        count = Registration.select().count()
        assert low <= count <= high
        assert seat_problems() == []
        assert {r.ref for r in Registration.select(Registration.ref)} <= live_refs
        registered = AuditEvent.select().where(AuditEvent.action == "register").count()
        assert registered == count  # each registration came with its audit row, or not at all
        return table_counts()


def test_backup_while_threads_write_then_restore(core_app, tmp_path, request):
    url = core_app.config["DATABASE_URL"]
    small_pools()
    stop = threading.Event()

    def writer(first):
        n = first
        while not stop.is_set():
            with db.connection_context():
                write_one(n)
            n += 1

    threads = [threading.Thread(target=writer, args=(k * 2000,)) for k in range(3)]
    for t in threads:
        t.start()
    try:
        wait_until(lambda: registrations() >= 40)
        low = registrations()
        done = backup.backup(url, tmp_path / "jaring.backup")
        high = registrations()
        wait_until(lambda: registrations() >= high + 20)
    finally:
        stop.set()
        for t in threads:
            t.join()
    live_refs = {r.ref for r in Registration.select(Registration.ref)}
    assert done.size > 0 and done.steps > 0 and not (tmp_path / "jaring.backup.part").exists()
    if url.startswith("sqlite"):
        target = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    else:
        target = request.getfixturevalue("pg_server").create_database(f"restored_{id(tmp_path)}")
    backup.restore(target, tmp_path / "jaring.backup")
    counts = check_restored(target, low, high, live_refs)
    assert counts["registration"] < len(live_refs)


def test_sqlite_backup_while_other_processes_write(app, tmp_path):
    url = app.config["DATABASE_URL"]
    with db.connection_context():
        small_pools()
    stop = tmp_path / "stop"
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, url, str(stop), str(k * 3000)],
                                cwd=ROOT) for k in range(2)]
    try:
        wait_until(lambda: registrations() >= 40)
        low = registrations()
        backup.backup(url, tmp_path / "copy.sqlite3")
        high = registrations()
        wait_until(lambda: registrations() >= high + 20)
    finally:
        stop.touch()
        assert [w.wait(timeout=60) for w in writers] == [0, 0]
    with sqlite3.connect(tmp_path / "copy.sqlite3") as copy:
        in_copy = copy.execute("SELECT COUNT(*) FROM registration").fetchone()[0]
    with db.connection_context():
        live_refs = {r.ref for r in Registration.select(Registration.ref)}
    target = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    backup.restore(target, tmp_path / "copy.sqlite3")
    assert check_restored(target, low, high, live_refs)["registration"] == in_copy


def test_cli_backup_then_restore_brings_the_rows_back(app, runner, tmp_path):
    with app.app_context(), db.connection_context():
        for n in range(5):
            write_one(n)
    made = runner.invoke(args=["backup", str(tmp_path / "b.sqlite3")])
    assert made.exit_code == 0, made.output
    assert "Backup of the sqlite database written to" in made.stdout and "pages" in made.stderr
    with app.app_context(), db.connection_context():
        for n in range(5, 9):
            write_one(n)
    refused = runner.invoke(args=["restore", str(tmp_path / "b.sqlite3")], input="n\n")
    assert refused.exit_code == 1 and registrations() == 9
    restored = runner.invoke(args=["restore", str(tmp_path / "b.sqlite3"), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert "5 registrations, 2 pools, seat rule ok" in restored.stdout
    assert registrations() == 5


@pytest.mark.parametrize("content, message", [
    (b"NIK,KPJ\n", "not a SQLite backup"),
    (b"PGDMP\x01\x0e\x00", "not a SQLite backup"),
])
def test_restore_refuses_a_file_that_is_not_a_backup_of_this_kind(app, tmp_path, content, message):
    (tmp_path / "bad").write_bytes(content)
    with pytest.raises(backup.BackupError, match=message):
        backup.restore(app.config["DATABASE_URL"], tmp_path / "bad")
    with db.connection_context():
        assert Pool.select().count() == 2


def test_a_failed_pg_dump_says_why_and_leaves_no_file(pg_server, tmp_path):
    url = pg_server.url("no_such_database")
    with pytest.raises(backup.BackupError, match="pg_dump failed"):
        backup.backup(url, tmp_path / "x.dump")
    assert list(tmp_path.iterdir()) == []


def test_a_backup_into_a_missing_folder_is_refused(app, tmp_path):
    with pytest.raises(backup.BackupError, match="no folder"):
        backup.backup(app.config["DATABASE_URL"], tmp_path / "nowhere" / "b.sqlite3")
