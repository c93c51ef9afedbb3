"""Registrations in bulk (demo data, load tests): rows inserted by chunk, their seats counted in."""
from collections import Counter

from core.journal import audit
from core.seats import lock_shares, seat_problems, set_counters
from models import Pool, Registration, db

FIELDS = ("ref", "year", "nik", "nik_active", "name", "birth_date", "sex", "phone", "occupation",
          "region", "pool", "status", "channel", "declared_not_participant", "declared_income",
          "declared_dtks", "dtks_confirmed", "kpj", "reject_reason", "created_at", "updated_at")


def add_registrations(year, chunks, actor, action, progress=None):
    """Insert each chunk in one transaction, then check the seat rule; {status: count}.

    chunks: functions (open pools, {pool id: free seats}) -> [row dict with FIELDS] that spend
    the free seats they give out. RuntimeError if a pool changed meanwhile or ends oversold.
    """
    made = Counter()
    for draw in chunks:
        rows = insert_chunk(year, draw)
        made.update(r["status"] for r in rows)
        if progress:
            progress(len(rows))
    recount_held(year, actor, action, sum(made.values()))
    return dict(made)


def locked_pools(year):
    """The year's open pools, row-locked on PostgreSQL (SQLite's BEGIN IMMEDIATE locks it all)."""
    query = Pool.of_year(year).where(Pool.is_open == True)  # noqa: E712
    return list(query.for_update() if db.for_update else query)


def insert_chunk(year, draw):
    """One transaction: draw rows against the pools' free seats, insert them, count the seats.

    A pool split in shares has its shares locked, then rebuilt from its rows (core/seats.py)."""
    with db.atomic():
        pools = locked_pools(year)
        before = {p.id: p.capacity - (sum(lock_shares(p)) if p.shares > 1 else p.held) for p in pools}
        free = dict(before)
        rows = draw(pools, free)
        insert_rows([tuple(r[f] for f in FIELDS) for r in rows])
        for pool in pools:
            taken = before[pool.id] - free[pool.id]
            if taken and pool.shares > 1:
                recount(pool)
            elif taken and not Pool.update(held=Pool.held + taken).where(
                    (Pool.id == pool.id) & (Pool.held + taken <= Pool.capacity)).execute():
                raise RuntimeError("a pool changed while registrations were added in bulk")
    return rows


def recount(pool):
    """Set a pool's counters (locked by the caller) from its seat-holding rows; refuse an oversold pool."""
    try:
        set_counters(pool, pool.capacity)
    except ValueError:
        raise RuntimeError(f"pool {pool.code} would hold more seats than its capacity") from None


def insert_rows(rows, size=400):
    """Insert value tuples `size` at a time; peewee builds the statement once, not per batch."""
    fields = [getattr(Registration, f) for f in FIELDS]
    convert = [f.db_value for f in fields]
    statement = None
    for start in range(0, len(rows), size):
        batch = rows[start:start + size]
        params = [to_db(value) for row in batch for to_db, value in zip(convert, row)]
        if statement is None or len(batch) < size:
            statement = Registration.insert_many(batch, fields=fields).sql()[0]
        db.execute_sql(statement, params)


def recount_held(year, actor, action, n):
    """Set every pool's held counter of year from its seat-holding rows; refuse an oversold pool."""
    with db.atomic():
        for pool in Pool.of_year(year).for_update() if db.for_update else Pool.of_year(year):
            if pool.shares > 1:
                recount(pool)
            else:
                Pool.update(held=Registration.count_held(pool)).where(Pool.id == pool.id).execute()
        problems = seat_problems()
        if problems:
            raise RuntimeError(f"seat rule broken after {action}: {problems}")
        audit(actor, action, after=str(n), year=year.year)
