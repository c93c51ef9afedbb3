"""The invariants a season must end with, checked on the database (bench_season and its test)."""
from collections import defaultdict

from peewee import fn

from core.seats import seat_problems
from models import SEAT_STATUSES, AuditEvent, OutboxMessage, Pool, Registration, db


def violations():
    """{invariant: number of violations} for the database open in models.db (0 everywhere = ok)."""
    with db.connection_context():
        pools = list(Pool.select())
        found = {
            "seats held beyond capacity": sum(max(p.seats_held - p.capacity, 0) for p in pools),
            # per pool, and per share of a pool split in shares
            "pool counters differing from the rows": len(seat_problems()),
            "NIKs counting twice in a year": Registration.select(Registration.nik).where(
                Registration.nik_active.is_null(False)).group_by(
                Registration.year, Registration.nik).having(fn.COUNT(Registration.id) > 1).count(),
            "free seats beside an eligible waiter": free_seats_beside_waiters(pools),
            "promotions out of first-come order": promotions_out_of_order(pools),
            "registrations without one register audit event": missing_register_audits(),
            "web registrations without a confirmation SMS": missing_confirmations(),
        }
    return found


def free_seats_beside_waiters(pools):
    """Seats free in an open pool while someone the pool serves waits (counted per pool)."""
    bad = 0
    for pool in pools:
        if pool.is_open and pool.seats_held < pool.capacity and Registration.waiting_for(pool).exists():
            bad += 1
    return bad


def promotions_out_of_order(pools):
    """Promotions into a pool not in registration order, or younger than someone still waiting."""
    promoted = defaultdict(list)
    events = (AuditEvent.select(AuditEvent.registration, AuditEvent.detail)
              .where(AuditEvent.action == "promote").order_by(AuditEvent.id).tuples())
    for registration_id, detail in events:
        promoted[(detail or {}).get("pool")].append(registration_id)
    bad = 0
    for pool in pools:
        ids = promoted.get(pool.code, [])
        bad += sum(1 for a, b in zip(ids, ids[1:]) if b < a)
        oldest_waiting = (Registration.waiting_for(pool).select(fn.MIN(Registration.id))
                          .order_by().scalar())
        if ids and oldest_waiting is not None:
            bad += sum(1 for i in ids if i > oldest_waiting)
    return bad


def missing_register_audits():
    """Registrations with other than exactly one 'register' audit event."""
    counts = dict(AuditEvent.select(AuditEvent.registration, fn.COUNT(AuditEvent.id))
                  .where(AuditEvent.action == "register").group_by(AuditEvent.registration).tuples())
    return sum(1 for (rid,) in Registration.select(Registration.id).tuples() if counts.get(rid) != 1)


def missing_confirmations():
    """Web registrations with no 'registered'/'waitlisted' outbox message."""
    confirmed = {rid for (rid,) in OutboxMessage.select(OutboxMessage.registration).where(
        OutboxMessage.kind.in_(("registered", "waitlisted"))).tuples()}
    web = Registration.select(Registration.id).where(Registration.channel == "web").tuples()
    return sum(1 for (rid,) in web if rid not in confirmed)


def seat_summary():
    """{pool code: (capacity, held)} and the number of registrations per status."""
    with db.connection_context():
        pools = {p.code: (p.capacity, p.seats_held) for p in Pool.select()}
        statuses = dict(Registration.select(Registration.status, fn.COUNT(Registration.id))
                        .group_by(Registration.status).tuples())
    return pools, {s: statuses.get(s, 0) for s in ("waitlisted",) + SEAT_STATUSES
                   + ("rejected", "cancelled")}
