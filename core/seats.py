"""Seats: a pool's counters move only by conditional UPDATEs checked by row count.

A pool keeps its seats in one counter on its own row (`Pool.held`, shares == 1) or in K
PoolShare rows whose capacities sum to the pool's (shares == K; the pool row's held stays 0):
with one counter every registration for the pool queues on that row until COMMIT on PostgreSQL,
with K they spread over K rows (docs/scaling.md, section 5). Every counter moves by
`held = held + 1 WHERE held < capacity` inside the transaction that changes the registration, so
each counter, and therefore the pool, stays at or below its capacity on SQLite (one writer,
BEGIN IMMEDIATE) and PostgreSQL (row lock).

A registration records the share it took (`Registration.share`); a pool of K shares counts it in
share (share mod K), None as 0, so changing K rewrites the K counters, never the registrations.

Locks on PostgreSQL, in this order for the seat operations here (a staff decision locks its
registration row first; a deadlock that makes is detected and retried, core/outcome.py): pool rows and split pools' seat gates (pool id
order; for one pool the row, then its gate), share rows (share order), registration rows. Taking a
seat locks one counter row. A seat becomes free (release, capacity, opening, new shares) only in a
transaction holding its pool's row (FOR NO KEY UPDATE) and, for a split pool, its gate exclusive
(lock_pool); an applicant joins the waiting list only after taking, pool by pool in id order, an
unsplit pool's row (FOR NO KEY UPDATE: its retry updates that row) or a split pool's gate shared
(its retry updates share rows only), reading the pools again and trying once more (lock_to_wait).
So either that retry sees the freed seat, or the release's promotion sees the newcomer waiting;
newcomers to a full split pool do not wait for each other (docs/scaling.md, section 5).
"""
import zlib
from collections import namedtuple

from peewee import SQL, fn

from core import refcache
from core.hotsql import gate_pool, take_pool_seat
from core.journal import audit, queue_sms
from models import SEAT_STATUSES, Pool, PoolShare, Registration, db, now

MAX_SHARES = 64

# A seat held: its pool, and the share it was taken in (None: the pool's own counter).
Seat = namedtuple("Seat", "pool share")


def spread(held, capacity):
    """Capacities of shares holding `held` seats (a list) summing to capacity, free seats spread
    evenly (the first shares get one more); ValueError if capacity is below the seats held."""
    free, k = capacity - sum(held), len(held)
    if free < 0:
        raise ValueError(f"capacity {capacity} below {sum(held)} seats held")
    return [h + free // k + (1 if s < free % k else 0) for s, h in enumerate(held)]


def first_share(pool, key):
    """The share a registration tries first: its key (the NIK) hashed over the pool's shares."""
    return zlib.crc32(key.encode()) % pool.shares if key and pool.shares > 1 else 0


def take_seat(pool, open_only=True, first=0):
    """Hold one seat in pool if one is free (and the pool is open, unless open_only=False): the
    Seat, or None. A split pool's share `first` is tried, then those a read finds with a free
    seat, from `first` on; each try locks one row."""
    if pool.shares == 1:
        return Seat(pool, None) if take_pool_seat(pool.id, open_only) else None
    if _take_share(pool, first, open_only):
        return Seat(pool, first)
    # One read instead of K failed UPDATEs once the pool is full (every newcomer, twice). It sees
    # what those UPDATEs would have seen: committed rows; a share whose taker has not committed
    # yet reads as free, and its UPDATE below waits for that taker, as before.
    free = [share for (share,) in PoolShare.select(PoolShare.share).where(
        (PoolShare.pool == pool.id) & (PoolShare.held < PoolShare.capacity)
        & (PoolShare.share != first)).tuples()]
    for share in sorted(free, key=lambda s: (s - first) % pool.shares):
        if _take_share(pool, share, open_only):
            return Seat(pool, share)
    return None


def _take_share(pool, share, open_only):
    """One seat more in share of a split pool if it has one free (and the pool is open)."""
    condition = ((PoolShare.pool == pool.id) & (PoolShare.share == share)
                 & (PoolShare.held < PoolShare.capacity))
    if open_only:
        condition &= fn.EXISTS(Pool.select(SQL("1")).where(
            (Pool.id == pool.id) & (Pool.is_open == True)))  # noqa: E712
    return PoolShare.update(held=PoolShare.held + 1).where(condition).execute() == 1


def first_free_seat(pools, open_only=True, key=""):
    """Hold a seat in the first of pools (by priority) with one free: its Seat, or None.
    key (the NIK) picks the share tried first in a split pool."""
    for pool in pools:
        seat = take_seat(pool, open_only, first_share(pool, key))
        if seat is not None:
            return seat
    return None


def hold_seat(pools, key="", serving=None):
    """A seat in the first open pool of pools with one free, else None: then the applicant may
    join the waiting list. Before saying None, the pools `serving` the applicant (default: pools)
    are locked as lock_to_wait says, read again and tried once more (open now, in the order
    given), so no one waits beside a seat freed meanwhile, in a pool opened meanwhile, or missed
    because a pool was split after it was read. refcache.Stale: a pool of `serving` read as
    split is one share now (start over with the pools read again)."""
    seat = first_free_seat(pools, key=key)
    if seat is not None or not pools:
        return seat
    fresh = lock_to_wait(serving or pools)
    if db.for_update:
        again = [p for p in fresh if p.is_open]
    else:
        # SQLite has one writer, which read the generation of the pools inside its transaction:
        # only a pool split since it was read can hide a seat from the first try.
        now_ = {p.id: p for p in fresh}
        again = [now_[p.id] for p in pools if p.id in now_ and now_[p.id].shares != p.shares]
    return first_free_seat(again, key=key)


def lock_to_wait(pools):
    """pools (as last read: their `shares` choose each lock) as they are now, in the order given,
    locked on PostgreSQL for joining the waiting list; refcache.Stale if one read as split has
    one share now.

    Pool by pool in id order: an unsplit pool's row FOR NO KEY UPDATE, as before (the retry
    updates that row; two share locks upgrading at once would deadlock), a split pool's gate
    shared (the retry updates share rows only, so newcomers do not wait for each other, while
    lock_pool, taken by everything that frees a seat in it, excludes them: its row and its gate
    exclusive). The gated pools are read by a statement after the gates: a statement that waited
    for an advisory lock still reads the rows as they were when it began.
    """
    if not db.for_update:
        return lock_pools(pools, read=True)
    found, rows = {}, []
    for pool in sorted(pools, key=lambda p: p.id) + [None]:
        if pool is not None and pool.shares == 1:
            rows.append(pool)  # unsplit pools next to each other in id order: one statement
            continue
        found.update((p.id, p) for p in lock_pools(rows, read=True))
        rows = []
        if pool is not None:
            gate_pool(pool.id, shared=True)
    gated = [p.id for p in pools if p.shares > 1]
    if gated:
        now_ = {p.id: p for p in Pool.select().where(Pool.id.in_(gated))}
        if any(p.shares == 1 for p in now_.values()):
            # Made one share since it was read: its retry would update the pool row under a
            # shared gate that a release of an unsplit pool does not take. Start over.
            raise refcache.Stale()
        found.update(now_)
    return [found[p.id] for p in pools if p.id in found]


def give_back_seat(pool, share=None):
    """Undo take_seat (its Seat's pool and share) in the same transaction (the row it was for was
    refused); no promotion. pool None: nothing was taken."""
    if pool is not None:
        _free(pool, share)


def _free(pool, share):
    """One seat less in the counter of pool that holds `share`'s seats."""
    if pool.shares == 1:
        Pool.update(held=Pool.held - 1).where((Pool.id == pool.id) & (Pool.held > 0)).execute()
    else:
        PoolShare.update(held=PoolShare.held - 1).where(
            (PoolShare.pool == pool.id) & (PoolShare.share == (share or 0) % pool.shares)
            & (PoolShare.held > 0)).execute()


def release_seat(pool_id, share=None):
    """Give back a seat held in share of pool and hand it to the oldest matching waitlisted
    applicant (into that share first); [promoted]."""
    pool = lock_pool(pool_id)
    _free(pool, share)
    return _fill(pool, (share or 0) % pool.shares)


def fill_seats(pool):
    """Promote waitlisted applicants into free seats of pool (read again, locked), oldest first;
    [promoted]."""
    pool = lock_pool(pool.id)
    return _fill(pool) if pool else []


def _fill(pool, first=0):
    """fill_seats on a pool its caller has just read and locked."""
    promoted = []
    while (seat := take_seat(pool, open_only=False, first=first)) is not None:
        moved = None
        for candidate in Registration.waiting_for(pool).limit(50):
            changed = Registration.update(
                status="pending", pool=pool, share=seat.share, updated_at=now()).where(
                (Registration.id == candidate.id) & (Registration.status == "waitlisted")).execute()
            if changed:
                moved = Registration.get_by_id(candidate.id)
                break
        if moved is None:
            give_back_seat(*seat)
            break
        audit("system", "promote", moved, "waitlisted", "pending", pool=pool.code)
        queue_sms(moved, "promoted", pool=pool.code)
        promoted.append(moved)
    return promoted


def lock_pools(pools, read=False):
    """Lock pool rows in id order until commit (PostgreSQL; SQLite already has one writer):
    lock_pool, lock_to_wait, a staff decision taking a seat. read=True: also return the pools as
    they are now (one SELECT on SQLite too), in the order given; [] for no pools.

    FOR NO KEY UPDATE, not FOR UPDATE: it excludes every other lock on the row but the key-share
    lock that inserting or promoting a registration of the pool takes (its foreign key). With FOR
    UPDATE, a seat-taker holding a share row would wait for a release holding the pool row, which
    waits for that share row: a deadlock.
    """
    ids = [p.id for p in pools]
    if not ids or not (read or db.for_update):
        return []
    query = Pool.select().where(Pool.id.in_(ids)).order_by(Pool.id)
    found = {p.id: p for p in (query.for_update("FOR NO KEY UPDATE") if db.for_update else query)}
    return [found[i] for i in ids if i in found]


def lock_pool(pool_id):
    """A pool as it is now, locked until commit on PostgreSQL for freeing seats in it: its row,
    then, split, its gate exclusive (waiting for the newcomers holding it shared, lock_to_wait);
    None if there is none."""
    found = lock_pools([Pool(id=pool_id)], read=True)
    if found and db.for_update and found[0].shares > 1:
        gate_pool(pool_id, shared=False)  # the row held: its number of shares cannot change
    return found[0] if found else None


def lock_for_change(pool_id):
    """lock_pool, and a split pool's share rows too (PostgreSQL): everything a change to the
    pool and its promotions will lock, taken before the change fires the reference trigger,
    which may take the reference gate (core/hotsql.py gate_reference: a pool's locks, then the
    gate, or a deadlock). The pool as it is now, or None."""
    pool = lock_pool(pool_id)
    if pool is not None and pool.shares > 1 and db.for_update:
        lock_shares(pool)
    return pool


def lock_shares(pool):
    """Seats held in each share of a split pool (its row locked by the caller), the share rows
    locked in order until commit on PostgreSQL: [held of share 0, 1, …]."""
    query = (PoolShare.select(PoolShare.share, PoolShare.held)
             .where(PoolShare.pool == pool.id).order_by(PoolShare.share))
    held = dict((query.for_update() if db.for_update else query).tuples())
    return [held.get(s, 0) for s in range(pool.shares)]


def set_counters(pool, capacity, shares=None):
    """Give a pool (read and locked by the caller) `capacity` seats over `shares` counters (default:
    as many as now), rebuilt from the seats its registrations hold; ValueError if they would not
    fit (nothing changed). Waiting applicants are not promoted here: call fill_seats after."""
    shares = pool.shares if shares is None else shares
    if not 1 <= shares <= MAX_SHARES:
        raise ValueError(f"shares must be 1 to {MAX_SHARES}")
    if pool.shares > 1:
        lock_shares(pool)  # seat-takers in them finish first, so the count below sees their rows
    if shares == 1:
        held = [Registration.count_held(pool)]
    else:
        held = [0] * shares
        for share, n in (Registration.select(Registration.share, fn.COUNT(Registration.id))
                         .where((Registration.pool == pool.id)
                                & Registration.status.in_(SEAT_STATUSES))
                         .group_by(Registration.share).tuples()):
            held[(share or 0) % shares] += n
    capacities = spread(held, capacity)
    gone = PoolShare.pool == pool.id
    PoolShare.delete().where(gone if shares == 1 else gone & (PoolShare.share >= shares)).execute()
    if shares > 1:
        # Rows kept are updated in place: a seat-taker waiting on one re-reads it after commit.
        for share, (h, cap) in enumerate(zip(held, capacities)):
            if not PoolShare.update(held=h, capacity=cap).where(
                    (PoolShare.pool == pool.id) & (PoolShare.share == share)).execute():
                PoolShare.insert(pool=pool.id, share=share, held=h, capacity=cap).execute()
    Pool.update(capacity=capacity, shares=shares, held=held[0] if shares == 1 else 0).where(
        Pool.id == pool.id).execute()
    pool.capacity, pool.shares, pool.held = capacity, shares, held[0] if shares == 1 else 0


def set_share_capacity(pool, capacity):
    """Change a split pool's capacity (read and locked by the caller) from its counters, free
    seats spread evenly over its shares; ValueError if below the seats held (nothing changed)."""
    held = lock_shares(pool)
    capacities = spread(held, capacity)
    for share, cap in enumerate(capacities):
        PoolShare.update(capacity=cap).where(
            (PoolShare.pool == pool.id) & (PoolShare.share == share)).execute()
    Pool.update(capacity=capacity).where(Pool.id == pool.id).execute()
    pool.capacity = capacity


def pools_serving(year, region_code, dtks=True, pools=None):
    """(pools serving a region that this applicant qualifies for, those of them open), by priority.

    dtks: the applicant declared DTKS or is on the imported list; a pool that requires DTKS
    serves no one else (docs/design.md, "Pools and seats"). pools: the year's pools if already
    read (their `held` is never trusted: seats move only by take_seat).
    """
    pools = Pool.of_year(year) if pools is None else pools
    serving = [p for p in pools if p.serves(region_code) and qualifies(p, dtks)]
    return serving, [p for p in serving if p.is_open]


def qualifies(pool, dtks):
    """Whether an applicant (on DTKS or not) may hold a seat of pool."""
    return dtks or not pool.requires_dtks


def dtks_only(year, region_code, pools=None):
    """Whether pools serve the region but every one of them requires DTKS."""
    pools = Pool.of_year(year) if pools is None else pools
    serving = [p for p in pools if p.serves(region_code)]
    return bool(serving) and all(p.requires_dtks for p in serving)


def seat_problems():
    """(year, counter, held, counted, capacity) of every counter that is off or over capacity.

    counter: a pool's code, or `code#share` for a share of a split pool; a split pool whose
    shares do not number K or do not add up to its capacity, or whose own row holds seats, is
    listed under its code with the sums of its shares.
    """
    counted = {}
    for pool_id, share, n in (Registration.select(Registration.pool, Registration.share,
                                                  fn.COUNT(Registration.id))
                              .where(Registration.status.in_(SEAT_STATUSES))
                              .group_by(Registration.pool, Registration.share).tuples()):
        counted.setdefault(pool_id, []).append((share, n))
    shares = {}
    for row in PoolShare.select().order_by(PoolShare.share):
        shares.setdefault(row.pool_id, []).append(row)
    problems = []
    for p in Pool.select().order_by(Pool.id):
        rows = counted.get(p.id, [])
        if p.shares == 1:
            n = sum(k for _s, k in rows)
            if p.held != n or p.held > p.capacity or shares.get(p.id):
                problems.append((p.year_id, p.code, p.held, n, p.capacity))
            continue
        per_share = [0] * p.shares
        for share, n in rows:
            per_share[(share or 0) % p.shares] += n
        mine = shares.get(p.id, [])
        for row in mine:
            n = per_share[row.share] if row.share < p.shares else 0
            if row.held != n or row.held > row.capacity:
                problems.append((p.year_id, f"{p.code}#{row.share}", row.held, n, row.capacity))
        if ([r.share for r in mine] != list(range(p.shares)) or p.held
                or sum(r.capacity for r in mine) != p.capacity):
            problems.append((p.year_id, p.code, sum(r.held for r in mine), sum(per_share),
                             sum(r.capacity for r in mine)))
    return problems
