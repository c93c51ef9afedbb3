"""SQLite's checkpoints run in a thread of each process, not inside a writer's COMMIT (where they
held the write lock every other writer queues on); SQLite's own is only a backstop."""
import multiprocessing
import time

import pytest

import database
from database import BACKSTOP_PAGES, open_database, wal_checkpointer
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


def test_the_thread_checkpoints_soon_after_commits_and_rests_when_idle(sqlite_file, monkeypatch):
    monkeypatch.setattr(database, "CHECKPOINT_DELAY", 0.05)
    monkeypatch.setattr(database.WalCheckpointer, "IDLE_SECONDS", 0.3)
    checkpointer = wal_checkpointer(str(sqlite_file))
    write(50)
    assert wait_for(lambda: checkpointer.runs >= 1 and checkpointer.last[1] == checkpointer.last[2])
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
    open_database(f"sqlite:///{path}")
    write(20)
    checkpointer = wal_checkpointer(str(path))
    out.put((checkpointer.pid, wait_for(lambda: checkpointer.runs >= 1)))


# Python 3.12 warns of forking with threads alive; gunicorn forks before any commit, this test not.
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_a_forked_server_process_gets_a_checkpointer_of_its_own(sqlite_file, monkeypatch):
    monkeypatch.setattr(database, "CHECKPOINT_DELAY", 0.05)
    write(5)
    parent = wal_checkpointer(str(sqlite_file))
    ctx = multiprocessing.get_context("fork")  # as gunicorn makes its workers
    out = ctx.Queue()
    child = ctx.Process(target=_child, args=(sqlite_file, out))
    child.start()
    pid, ran = out.get(timeout=60)
    child.join(timeout=60)
    assert pid == child.pid != parent.pid and ran
