"""Seats: a pool's `held` counter moves only by conditional UPDATEs checked by row count.

`held = held + 1 WHERE held < capacity` inside the transaction that changes the registration
keeps held ≤ capacity on SQLite (one writer, BEGIN IMMEDIATE) and PostgreSQL (row lock).
"""
from peewee import fn

from core.journal import audit, queue_sms
from models import SEAT_STATUSES, Pool, Registration, db, now


def take_seat(pool, open_only=True):
    """Hold one seat in pool if one is free (and the pool is open, unless open_only=False)."""
    condition = (Pool.id == pool.id) & (Pool.held < Pool.capacity)
    if open_only:
        condition &= Pool.is_open == True  # noqa: E712
    return Pool.update(held=Pool.held + 1).where(condition).execute() == 1


def first_free_seat(pools, open_only=True):
    """Hold a seat in the first of pools (by priority) with one free; that pool, or None."""
    return next((p for p in pools if take_seat(p, open_only)), None)


def give_back_seat(pool):
    """Undo take_seat in the same transaction (the row it was for was refused); no promotion."""
    if pool is not None:
        Pool.update(held=Pool.held - 1).where((Pool.id == pool.id) & (Pool.held > 0)).execute()


def release_seat(pool_id):
    """Give a seat back and hand it to the oldest matching waitlisted applicant; [promoted]."""
    Pool.update(held=Pool.held - 1).where((Pool.id == pool_id) & (Pool.held > 0)).execute()
    return fill_seats(Pool.get_by_id(pool_id))


def fill_seats(pool):
    """Promote waitlisted applicants into free seats of pool, oldest first; [promoted]."""
    promoted = []
    while take_seat(pool, open_only=False):
        moved = None
        for candidate in Registration.waiting_for(pool).limit(50):
            changed = Registration.update(status="pending", pool=pool, updated_at=now()).where(
                (Registration.id == candidate.id) & (Registration.status == "waitlisted")).execute()
            if changed:
                moved = Registration.get_by_id(candidate.id)
                break
        if moved is None:
            Pool.update(held=Pool.held - 1).where(Pool.id == pool.id).execute()
            break
        audit("system", "promote", moved, "waitlisted", "pending", pool=pool.code)
        queue_sms(moved, "promoted", pool=pool.code)
        promoted.append(moved)
    return promoted


def lock_pools(pools):
    """Lock pool rows in id order until commit (PostgreSQL; SQLite already has one writer).

    Without it, a seat freed while this registration is about to join the waiting list would
    go back to the pool unseen, and the newcomer would wait beside a free seat.
    """
    if db.for_update and pools:
        list(Pool.select(Pool.id).where(Pool.id.in_([p.id for p in pools]))
             .order_by(Pool.id).for_update())


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
    """(year, pool, held, counted, capacity) of pools whose counter is off or over capacity."""
    counted = dict(Registration.select(Registration.pool, fn.COUNT(Registration.id))
                   .where(Registration.status.in_(SEAT_STATUSES))
                   .group_by(Registration.pool).tuples())
    return [(p.year_id, p.code, p.held, counted.get(p.id, 0), p.capacity) for p in Pool.select()
            if p.held != counted.get(p.id, 0) or p.held > p.capacity]
