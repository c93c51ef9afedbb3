"""SQLite with one writer at a time, queued by the kernel instead of SQLite's sleep-and-retry.

SQLite allows one write transaction at once. When several server processes and threads write,
the losers of BEGIN IMMEDIATE sleep in SQLite's busy handler (1, 2, 5 … 100 ms steps), which
made the slowest registrations wait hundreds of milliseconds. An exclusive flock() on a file
beside the database, taken before BEGIN and dropped after COMMIT/ROLLBACK, wakes the next
writer the moment the lock is free. Readers never take it (WAL lets them read meanwhile).
"""
import fcntl
import os
import threading

from playhouse.pool import PooledSqliteDatabase


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
        """COMMIT, then let the next writer in."""
        try:
            return super().commit()
        finally:
            self._release()

    def rollback(self):
        """ROLLBACK, then let the next writer in."""
        try:
            return super().rollback()
        finally:
            self._release()
