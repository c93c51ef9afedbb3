"""Rate-limit counters in one SQLite file, shared by every gunicorn worker on one machine.

The `limits` library stores counters in memory (one process), Redis, Memcached or MongoDB; none
of those comes with `make run`. This storage registers the `sqlite://` scheme with `limits`
(its documented registry for custom storages), so `RATELIMIT_STORAGE_URI=sqlite:////path/file`
works with Flask-Limiter's fixed-window strategy. Several machines share Redis instead.
"""
import os
import sqlite3
import threading
import time
from pathlib import Path

from limits.storage import Storage

SCHEMA = """CREATE TABLE IF NOT EXISTS hits (
    key TEXT PRIMARY KEY, count INTEGER NOT NULL, expires REAL NOT NULL) WITHOUT ROWID"""
# One statement, so the count is atomic across processes: a window that has run out starts again.
INCR = """INSERT INTO hits (key, count, expires) VALUES (:key, :amount, :now + :expiry)
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN hits.expires <= :now THEN excluded.count ELSE hits.count + excluded.count END,
    expires = CASE WHEN hits.expires <= :now THEN excluded.expires ELSE hits.expires END
RETURNING count"""
SWEEP_EVERY = 1000  # increments between deletions of run-out windows


class SqliteStorage(Storage):
    """`sqlite:////abs/path.sqlite3`: fixed-window counters (key, count, expires in epoch seconds)."""

    STORAGE_SCHEME = ["sqlite"]

    def __init__(self, uri, wrap_exceptions=False, **options):
        self.path = uri[len("sqlite:///"):]
        self._lock = threading.Lock()
        self._conn, self._pid, self._incrs = None, None, 0
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self):
        return sqlite3.Error

    def _db(self):
        # A connection per process: gunicorn forks workers, and a connection must not cross a fork.
        if self._conn is None or self._pid != os.getpid():
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=10, isolation_level=None,
                                   check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=OFF")  # counters: losing the last ones in a crash is fine
            conn.execute(SCHEMA)
            self._conn, self._pid = conn, os.getpid()
        return self._conn

    def _run(self, sql, params=()):
        with self._lock:
            return self._db().execute(sql, params).fetchall()

    def incr(self, key, expiry, amount=1):
        """Add amount to key's window (expiry seconds long from its first hit); the new count."""
        self._incrs += 1
        if self._incrs % SWEEP_EVERY == 0:
            self._run("DELETE FROM hits WHERE expires <= ?", (time.time(),))
        rows = self._run(INCR, {"key": key, "amount": amount, "now": time.time(), "expiry": expiry})
        return rows[0][0]

    def get(self, key):
        """The count in key's current window (0 when none)."""
        rows = self._run("SELECT count FROM hits WHERE key = ? AND expires > ?", (key, time.time()))
        return rows[0][0] if rows else 0

    def get_expiry(self, key):
        """When key's window ends (epoch seconds); now when there is none."""
        now = time.time()
        rows = self._run("SELECT expires FROM hits WHERE key = ? AND expires > ?", (key, now))
        return rows[0][0] if rows else now

    def check(self):
        """Whether the file can be read."""
        try:
            self._run("SELECT 1")
            return True
        except sqlite3.Error:
            return False

    def reset(self):
        """Forget every counter; how many there were."""
        with self._lock:
            return self._db().execute("DELETE FROM hits").rowcount

    def clear(self, key):
        """Forget one key's counter."""
        self._run("DELETE FROM hits WHERE key = ?", (key,))


def default_uri(database_url, instance_path):
    """Where counters live unless RATELIMIT_STORAGE_URI says: a file beside the SQLite database,
    or in the instance folder when the database is PostgreSQL. Never per-process memory."""
    if database_url.startswith("sqlite:///") and ":memory:" not in database_url:
        db_file = Path(database_url[len("sqlite:///"):])
        return f"sqlite:///{db_file.with_name(db_file.stem + '-limits.sqlite3')}"
    return f"sqlite:///{Path(instance_path) / 'ratelimits.sqlite3'}"
