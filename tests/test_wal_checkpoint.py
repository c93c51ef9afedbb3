"""SQLite's checkpoints run in a thread of each process, not inside a writer's COMMIT (where they
held the write lock every other writer queues on); SQLite's own is only a backstop."""
import multiprocessing
import sqlite3
import threading
import time

import pytest

import database
from database import BACKSTOP_PAGES, open_database, truncate_wal, wal_checkpointer
from models import AuditEvent, db

PAGE = 4096


def wal_frames(path):
    """Frames the WAL file has room for: it grows to the most ever written between checkpoints."""
    wal = path.with_name(path.name + "-wal")
    return (wal.stat().st_size - 32) // (PAGE + 24) if wal.exists() else 0


def write(n, size=3000):
    """n transactions of one audit row with `size` characters of detail (about a page each)."""
    with db.connection_context():
        for k in range(n):
            with db.atomic():
                AuditEvent.create(actor="test", action="write", detail={"x": "a" * size, "k": k})


def wait_for(condition, seconds=20):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


def new_file(tmp_path):
    path = tmp_path / "jaring.sqlite3"
    open_database(f"sqlite:///{path}")
    database.migrate()
    return path


@pytest.fixture
def sqlite_file(tmp_path):
    yield new_file(tmp_path)
    db.close()


@pytest.fixture
def held_back_file(tmp_path, monkeypatch):
    """A file whose thread does not checkpoint during the test: held back before the first
    commit (migrate's), which starts the thread (a later patch missed a sleep already begun)."""
    monkeypatch.setattr(database, "CHECKPOINT_DELAY", 3600)
    yield new_file(tmp_path)
    db.close()


@pytest.fixture
def quick_file(tmp_path, monkeypatch):
    """A file whose thread checkpoints 0.05 s after commits and rests after 0.3 s idle, patched
    before migrate's first commit starts it."""
    monkeypatch.setattr(database, "CHECKPOINT_DELAY", 0.05)
    monkeypatch.setattr(database.WalCheckpointer, "IDLE_SECONDS", 0.3)
    yield new_file(tmp_path)
    db.close()


def test_commits_no_longer_checkpoint_and_the_thread_copies_everything(held_back_file):
    sqlite_file = held_back_file
    with db.connection_context():
        assert db.execute_sql("PRAGMA wal_autocheckpoint").fetchone()[0] == BACKSTOP_PAGES
    write(1500)
    # SQLite's default (1,000 pages) would have checkpointed and restarted the WAL on the way.
    assert wal_frames(sqlite_file) > 1500
    checkpointer = wal_checkpointer(str(sqlite_file))
    busy, frames, copied = checkpointer.checkpoint()
    assert busy == 0 and frames == copied > 1500


def test_the_thread_checkpoints_soon_after_commits_and_rests_when_idle(quick_file):
    checkpointer = wal_checkpointer(str(quick_file))
    assert wait_for(lambda: checkpointer._thread is None)  # migrate's run done: idle
    before = checkpointer.runs
    write(50)
    assert wait_for(lambda: checkpointer.runs > before and checkpointer.last[1] == checkpointer.last[2])
    assert checkpointer.last[0] == 0 and checkpointer.last[2] > 0
    assert wait_for(lambda: checkpointer._thread is None)  # idle: the thread has ended
    runs = checkpointer.runs
    write(5)
    assert wait_for(lambda: checkpointer.runs > runs)  # and a commit starts it again


def test_a_removed_file_is_not_created_again(tmp_path):
    path = tmp_path / "gone.sqlite3"
    assert database.WalCheckpointer(str(path)).checkpoint() is None
    assert not path.exists()


def _child(path, out):
    database.CHECKPOINT_DELAY = 0.05  # the child's own, as the parent's is held back
    open_database(f"sqlite:///{path}")
    write(20)
    checkpointer = wal_checkpointer(str(path))
    out.put((checkpointer.pid, wait_for(lambda: checkpointer.runs >= 1)))


# Python 3.12 warns of forking with threads alive; gunicorn forks before any commit, this test not.
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_a_forked_server_process_gets_a_checkpointer_of_its_own(held_back_file):
    # The parent's thread sleeps, never inside SQLite when the fork copies its locks.
    sqlite_file = held_back_file
    write(5)
    parent = wal_checkpointer(str(sqlite_file))
    ctx = multiprocessing.get_context("fork")  # as gunicorn makes its workers
    out = ctx.Queue()
    child = ctx.Process(target=_child, args=(sqlite_file, out))
    child.start()
    pid, ran = out.get(timeout=60)
    child.join(timeout=60)
    assert pid == child.pid != parent.pid and ran


def test_emptying_the_wal_waits_for_a_reader_and_says_when_it_cannot(sqlite_file):
    # `flask purge --apply` empties the WAL so the old pages go; a server's checkpoint thread or
    # a reader may keep it busy a moment (a busy answer used to be ignored, the pages left).
    write(30)
    reader = sqlite3.connect(str(sqlite_file), check_same_thread=False)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM auditevent").fetchone()  # reads from the WAL
    with db.connection_context():
        with pytest.raises(RuntimeError):
            truncate_wal(tries=3)
        assert wal_frames(sqlite_file) > 0
        threading.Timer(0.5, reader.rollback).start()
        truncate_wal()
        assert sqlite_file.with_name(sqlite_file.name + "-wal").stat().st_size == 0
        # The connection's own patience is back.
        assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] == 20000
    reader.close()
