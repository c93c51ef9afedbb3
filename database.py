"""Open the database by URL, queue SQLite writers, bring the schema up to date."""
import fcntl
import importlib.util
import logging
import os
import sqlite3
import threading
import time
from pathlib import Path
from urllib.parse import quote

from playhouse.db_url import connect
from playhouse.pool import PooledSqliteDatabase

from models import SchemaMigration, db

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "busy_timeout": 20000,
    # NORMAL in WAL mode keeps every commit across a crash of the process (kill -9).
    "synchronous": "normal",
    "foreign_keys": 1,
}


# SQLite copies the WAL back into the database file (a checkpoint) inside the COMMIT that takes
# the WAL past `wal_autocheckpoint` pages, while that writer still holds the write lock. A
# registration writes ~33 pages (its row, 21 indexes, pool, audit, outbox), so every ~30th one
# held the lock some 7 ms longer (COMMIT's p99 on a 2-core machine), and every writer queued
# behind it. Instead each process checkpoints from a thread of its own, CHECKPOINT_DELAY after
# it writes; PASSIVE neither waits for nor blocks the writer or the readers. SQLite's own stays
# as a backstop, far later.
CHECKPOINT_DELAY = 0.5  # seconds after a commit
BACKSTOP_PAGES = 10_000  # ~40 MB of WAL: reached only if the thread cannot keep up


class WalCheckpointer:
    """Checkpoints one SQLite file's WAL (PASSIVE) from a daemon thread, soon after commits; the
    thread ends after IDLE_SECONDS without one (a test run opens thousands of files)."""

    IDLE_SECONDS = 30.0

    def __init__(self, path):
        self.pid, self.path = os.getpid(), path
        self.pending, self.runs, self.last = threading.Event(), 0, None
        self._thread, self._lock = None, threading.Lock()

    def poke(self):
        """Say a commit happened: checkpoint within CHECKPOINT_DELAY."""
        self.pending.set()
        with self._lock:
            if self._thread is None:
                thread = threading.Thread(target=self._run, daemon=True, name="jaring-wal-checkpoint")
                thread.start()  # if it cannot start, the next commit tries again
                self._thread = thread

    def _run(self):
        try:
            while True:
                if not self.pending.wait(self.IDLE_SECONDS):
                    with self._lock:  # a poke now either sees no thread (and starts one) or is seen
                        if not self.pending.is_set():
                            self._thread = None
                            return
                time.sleep(CHECKPOINT_DELAY)  # commits meanwhile are copied by the same checkpoint
                self.pending.clear()
                self.last = self.checkpoint()
                self.runs += 1
        except BaseException:
            with self._lock:  # ended by an error: the next commit starts another
                self._thread = None
            raise

    def checkpoint(self):
        """PASSIVE checkpoint now: (busy, frames in the WAL, frames copied), or None when the
        file is gone (mode=rw: never create it again)."""
        try:
            connection = sqlite3.connect(f"file:{quote(self.path)}?mode=rw", uri=True,
                                         isolation_level=None)
        except sqlite3.Error:
            return None
        try:
            return connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error:
            return None
        finally:
            connection.close()


def truncate_wal(tries=150, pause=0.1):
    """Copy the open SQLite database's WAL into it and empty the WAL file to 0 bytes
    (PRAGMA wal_checkpoint(TRUNCATE)), trying again while another checkpoint (a server
    process's checkpoint thread) or a reader keeps it busy: about 0.2 s a try; RuntimeError
    after `tries`."""
    # Each try waits for readers at most 0.1 s, not the connection's 20 s busy_timeout.
    db.execute_sql("PRAGMA busy_timeout = 100")
    try:
        for _ in range(tries):
            busy, frames, _copied = db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if busy == 0 and frames in (0, -1):  # -1: not in WAL mode, nothing to empty
                return
            time.sleep(pause)
    finally:
        db.execute_sql(f"PRAGMA busy_timeout = {SQLITE_PRAGMAS['busy_timeout']}")
    raise RuntimeError("the WAL stayed busy")


_checkpointers = {}
_checkpointers_lock = threading.Lock()


def wal_checkpointer(path):
    """This process's WalCheckpointer for the SQLite file at path (a new one after a fork)."""
    with _checkpointers_lock:
        found = _checkpointers.get(path)
        if found is None or found.pid != os.getpid():
            found = _checkpointers[path] = WalCheckpointer(path)
        return found


# SQLite allows one write transaction at once. When several server processes and threads write,
# the losers of BEGIN IMMEDIATE sleep in SQLite's busy handler (1, 2, 5 … 100 ms steps), which
# made the slowest registrations wait hundreds of milliseconds. An exclusive flock() on a file
# beside the database, taken before BEGIN and dropped after COMMIT/ROLLBACK, wakes the next
# writer the moment the lock is free. Readers never take it (WAL lets them read meanwhile).
class QueuedWriteSqliteDatabase(PooledSqliteDatabase):
    """A pooled SQLite database whose write transactions queue on a file lock."""

    def __init__(self, database, *args, **kwargs):
        super().__init__(database, *args, **kwargs)
        self._lock_path = f"{database}.writelock"
        self._lock_state = threading.local()

    def _lock_fd(self):
        fd = getattr(self._lock_state, "fd", None)
        if fd is None:
            # One open file per thread: flock excludes threads of one process from each other too.
            fd = self._lock_state.fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        return fd

    def _release(self):
        if getattr(self._lock_state, "held", False):
            self._lock_state.held = False
            fcntl.flock(self._lock_fd(), fcntl.LOCK_UN)

    def begin(self, lock_type=None):
        """Wait for the write lock, then BEGIN."""
        fcntl.flock(self._lock_fd(), fcntl.LOCK_EX)
        self._lock_state.held = True
        try:
            super().begin(lock_type)
        except BaseException:
            self._release()
            raise

    def commit(self):
        """COMMIT, then let the next writer in; the WAL is checkpointed soon after, elsewhere."""
        try:
            return super().commit()
        finally:
            self._release()
            try:
                wal_checkpointer(self.database).poke()
            except Exception:  # noqa: BLE001 - committed already: SQLite's backstop checkpoints
                logging.getLogger(__name__).warning("could not start the WAL checkpoint thread")

    def rollback(self):
        """ROLLBACK, then let the next writer in."""
        try:
            return super().rollback()
        finally:
            self._release()


def pooled(url):
    """The same URL with a connection pool: reconnecting costs a WAL reset (SQLite) or a login."""
    scheme, rest = url.split("://", 1)
    if scheme in ("sqlite", "postgres", "postgresql"):
        return f"{scheme}+pool://{rest}"
    return url


def open_database(url):
    """Connect the models' proxy to the database named by url (pooled) and return it."""
    if db.obj is not None and hasattr(db.obj, "close_all"):
        db.obj.close_all()
    params = {"max_connections": 64, "stale_timeout": 600}
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # BEGIN IMMEDIATE takes the write lock up front, so two writers never deadlock.
        # Pooled connections move between a server's threads (one at a time).
        params.update(pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE", check_same_thread=False)
    if url.startswith("sqlite:///") and not url.endswith(":memory:"):
        params["pragmas"] = {**SQLITE_PRAGMAS, "wal_autocheckpoint": BACKSTOP_PAGES}
        database = QueuedWriteSqliteDatabase(url[len("sqlite:///"):], **params)
    else:
        database = connect(pooled(url), **params)
    db.initialize(database)
    return database


def migration_files():
    """Migration modules in the order they apply."""
    return sorted(MIGRATIONS.glob("[0-9][0-9][0-9][0-9]_*.py"))


def migrate():
    """Apply every migration not yet recorded; return the names applied."""
    with db.connection_context():
        db.create_tables([SchemaMigration], safe=True)
        done = {m.name for m in SchemaMigration.select()}
        applied = []
        for path in migration_files():
            if path.stem in done:
                continue
            spec = importlib.util.spec_from_file_location(f"migration_{path.stem}", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            with db.atomic():
                module.upgrade(db)
                SchemaMigration.create(name=path.stem)
            applied.append(path.stem)
        return applied
