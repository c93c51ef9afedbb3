"""Count the SQL statements a piece of code sends to the database (any backend peewee drives)."""
import contextlib
import threading


class _CountingCursor:
    """A DB-API cursor that appends every statement it executes to a list."""

    def __init__(self, cursor, seen):
        self._cursor, self._seen = cursor, seen

    def execute(self, sql, params=None):
        self._seen.append(sql)
        return self._cursor.execute(sql) if params is None else self._cursor.execute(sql, params)

    def __getattr__(self, name):
        return getattr(self._cursor, name)

    def __iter__(self):
        return iter(self._cursor)


@contextlib.contextmanager
def statements(database):
    """Yield a list that fills with the SQL text of each statement this thread runs on database.

    Every statement goes through `database.cursor()` in peewee (queries, BEGIN, SAVEPOINT, COMMIT),
    so wrapping it counts them all, on SQLite and PostgreSQL alike. Other threads are not counted.
    """
    seen, me, original = [], threading.get_ident(), database.cursor

    def cursor(*args, **kwargs):
        real = original(*args, **kwargs)
        return _CountingCursor(real, seen) if threading.get_ident() == me else real

    database.cursor = cursor
    try:
        yield seen
    finally:
        del database.cursor  # the instance attribute goes; the class's method is back
