"""The one domain core: register, status, cancel, decide, promote. Both doors call only this.

Seats: `Pool.held` is a counter changed only by conditional UPDATEs checked by row count
(`held = held + 1 WHERE held < capacity`) inside the transaction that changes the registration,
so held never exceeds capacity on SQLite (BEGIN IMMEDIATE) or PostgreSQL (row lock on the pool).
"""
import datetime as dt
import secrets
import time
from dataclasses import dataclass, field

from peewee import OperationalError

from config import DEFAULT_RULES
from core.identity import clean_digits
from models import (SEAT_STATUSES, AuditEvent, OutboxMessage, Pool, ProgramYear,
                    Registration, db, now)
from core.validation import validate

REF_ALPHABET = "ACDEFHJKMNPRTUVWXY34679"  # no look-alikes: 0/O, 1/I/L, 2/Z, 5/S, 8/B, 6/G
REF_LENGTH = 8
CANCELLABLE = ("waitlisted", "pending", "approved")
REJECTABLE = ("waitlisted", "pending", "approved")
APPROVABLE = ("pending",)


@dataclass
class Outcome:
    """What an operation did: ok, or errors {field: message key}; plus the registration."""

    ok: bool
    errors: dict = field(default_factory=dict)
    registration: Registration = None
    position: int = None  # place on the waiting list, when waitlisted
    promoted: list = field(default_factory=list)  # registrations moved up from the waiting list


def fail(field_name, key):
    """An Outcome with one error."""
    return Outcome(False, {field_name: key})


def new_ref():
    """A short reference code: random, not sequential, unambiguous when read aloud."""
    return "".join(secrets.choice(REF_ALPHABET) for _ in range(REF_LENGTH))


def normalize_ref(text):
    """Upper-case a typed code and drop separators (`k7p3-qx9m` -> `K7P3QX9M`)."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())[:REF_LENGTH * 2]


def format_ref(ref):
    """Show a code as `K7P3-QX9M`."""
    return f"{ref[:4]}-{ref[4:]}"


def retrying(operation):
    """Run a write again when the database reports a lock or deadlock (bounded)."""
    def run(*args, **kwargs):
        for attempt in range(5):
            try:
                return operation(*args, **kwargs)
            except OperationalError:
                if attempt == 4:
                    raise
                time.sleep(0.05 * (attempt + 1))
    run.__doc__ = operation.__doc__
    run.__name__ = operation.__name__
    return run


def audit(actor, action, registration=None, before=None, after=None, **detail):
    """Append an audit event."""
    AuditEvent.insert(actor=actor, action=action, registration=registration,
                      before=before, after=after, detail=detail or None).execute()


def queue_sms(registration, kind, **params):
    """Write an outbound SMS to the outbox, in the caller's transaction."""
    params.setdefault("ref", registration.ref)
    OutboxMessage.insert(phone=registration.phone, kind=kind, params=params,
                         registration=registration).execute()


def take_seat(pool, only_active=True):
    """Hold one seat in pool if one is free; True when taken."""
    condition = (Pool.id == pool.id) & (Pool.held < Pool.capacity)
    if only_active:
        condition &= Pool.active == True  # noqa: E712
    return Pool.update(held=Pool.held + 1).where(condition).execute() == 1


def release_seat(pool_id):
    """Give a seat back and hand it to the oldest matching waitlisted applicant."""
    Pool.update(held=Pool.held - 1).where((Pool.id == pool_id) & (Pool.held > 0)).execute()
    return fill_seats(Pool.get_by_id(pool_id))


def fill_seats(pool):
    """Promote waitlisted applicants into free seats of pool; return those promoted."""
    promoted = []
    while take_seat(pool, only_active=False):
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


def open_pools_for(year, region_code):
    """(pools serving a region, those of them open for registration), by priority."""
    serving = [p for p in Pool.of_year(year) if p.serves(region_code)]
    return serving, [p for p in serving if p.active]


def registration_open(year, today=None):
    """Whether a program year takes registrations today."""
    today = today or dt.date.today()
    if year is None or not year.is_open:
        return False
    if year.opens_on and today < year.opens_on:
        return False
    return not (year.closes_on and today > year.closes_on)


@retrying
def register(applicant, channel, rules=None, assisted_by=None, today=None):
    """Validate, deduplicate, hold a seat or join the waiting list, queue a confirmation."""
    rules = rules or DEFAULT_RULES
    errors, clean = validate(applicant, rules, today, birth_from_nik=channel == "sms")
    if errors:
        return Outcome(False, errors)
    year = ProgramYear.current()
    if not registration_open(year, today):
        return fail("form", "registration_closed")
    serving, open_pools = open_pools_for(year, clean.region.code)
    if not serving:
        return fail("kelurahan", "region_not_eligible")
    if not open_pools:
        return fail("form", "registration_closed")
    with db.atomic():
        lock_pools(serving)
        if Registration.seats_by_phone(year, clean.phone) >= rules["max_niks_per_phone"]:
            return fail("phone", "phone_limit")
        registration = insert_registration(applicant, clean, year, channel, assisted_by, open_pools)
        if registration is None:
            return fail("nik", "nik_taken")
        actor = f"staff:{assisted_by.username}" if assisted_by else f"worker:{channel}"
        audit(actor, "register", registration, None, registration.status)
        position = None if registration.pool_id else Registration.position_of(registration)
        # An SMS registration is confirmed by the reply itself; other channels get a text.
        if channel != "sms" and position is None:
            queue_sms(registration, "registered")
        elif channel != "sms":
            queue_sms(registration, "waitlisted", position=position)
    return Outcome(True, registration=registration, position=position)


def insert_registration(applicant, clean, year, channel, assisted_by, pools):
    """Hold a seat in the first pool with one free and insert the row; None if the NIK counts.

    Never by a refused INSERT: PostgreSQL logs a failing statement whole (NIK, name, phone). The
    NIK is checked under the pool lock the caller holds, and the INSERT skips any conflict.
    """
    if nik_counts(year, clean.nik.value):
        return None
    for _ in range(5):
        ref = new_ref()
        # A savepoint: a skipped row (code drawn twice, NIK taken meanwhile) gives its seat back.
        with db.atomic() as savepoint:
            pool = next((p for p in pools if take_seat(p)), None)
            Registration.insert(
                ref=ref, year=year, nik=clean.nik.value, nik_active=clean.nik.value,
                name=clean.name, birth_date=clean.birth_date, sex=clean.nik.sex,
                phone=clean.phone, occupation=clean.occupation, region=clean.region,
                pool=pool, status="pending" if pool else "waitlisted",
                channel=channel, assisted_by=assisted_by,
                declared_not_participant=applicant.decl_not_participant,
                declared_income=applicant.decl_income, declared_dtks=applicant.decl_dtks,
            ).on_conflict_ignore().execute()
            row = Registration.get_or_none((Registration.ref == ref) & (Registration.year == year)
                                           & (Registration.nik_active == clean.nik.value))
            if row is not None:
                return row
            savepoint.rollback()
        if nik_counts(year, clean.nik.value):
            return None
    raise RuntimeError("could not draw an unused reference code")


def nik_counts(year, nik):
    """Whether a registration of this NIK counts in the year (not cancelled)."""
    return Registration.select().where(
        (Registration.year == year) & (Registration.nik_active == nik)).exists()


def find_own(nik, ref=None, birth_date=None):
    """The registration a worker may see: NIK plus its code, or NIK plus birth date; else None."""
    nik = clean_digits(nik)
    if len(nik) != 16 or not (ref or birth_date):
        return None
    query = Registration.select().where(Registration.nik == nik)
    if ref:
        query = query.where(Registration.ref == normalize_ref(ref))
    else:
        query = query.where(Registration.birth_date == birth_date)
    return query.order_by(Registration.nik_active.is_null(), Registration.id.desc()).first()


def send_reference(registration, actor):
    """Text the reference code to the phone the registration was made with (a forgotten code)."""
    with db.atomic():
        queue_sms(registration, "reference")
        audit(actor, "send_reference", registration)
    return Outcome(True, registration=registration)


def of_phone(phone, ref=None):
    """Registrations made from a phone (optionally one code), newest first."""
    query = Registration.select().where(Registration.phone == phone)
    if ref:
        query = query.where(Registration.ref == normalize_ref(ref))
    return list(query.order_by(Registration.id.desc()).limit(5))


def status(registration):
    """What a worker may see about their own registration."""
    registration = Registration.get_by_id(registration.id)
    position = (Registration.position_of(registration)
                if registration.status == "waitlisted" else None)
    return Outcome(True, registration=registration, position=position)


@retrying
def change_status(registration_id, allowed, new_status, actor, action, sms=None, **extra):
    """Move a registration from one of `allowed` to new_status; free its seat if it loses one."""
    with db.atomic():
        registration = Registration.get_or_none(Registration.id == registration_id)
        if registration is None or registration.status not in allowed:
            return fail("form", f"cannot_{action}")
        before = registration.status
        values = {Registration.status: new_status, Registration.updated_at: now()}
        values.update({getattr(Registration, k): v for k, v in extra.items()})
        if new_status == "cancelled":
            values[Registration.nik_active] = None
        changed = Registration.update(values).where(
            (Registration.id == registration.id) & (Registration.status == before)).execute()
        if not changed:
            return fail("form", f"cannot_{action}")
        registration = Registration.get_by_id(registration.id)
        audit(actor, action, registration, before, new_status, **extra)
        promoted = []
        if before in SEAT_STATUSES and new_status not in SEAT_STATUSES:
            promoted = release_seat(registration.pool_id)
        if sms:
            queue_sms(registration, sms, **{k: v for k, v in extra.items() if v})
    return Outcome(True, registration=registration, promoted=promoted)


def cancel(registration, actor, notify=True):
    """The worker withdraws; a held seat goes back and the waiting list moves."""
    # notify=False: the worker's own phone hears it already (the SMS door's reply is the notice).
    return change_status(registration.id, CANCELLABLE, "cancelled", actor, "cancel",
                         sms="cancelled" if notify else None)


def approve(registration, actor):
    """A verifier approves a pending registration."""
    return change_status(registration.id, APPROVABLE, "approved", actor, "approve", sms="approved")


def reject(registration, actor, reason, note=None):
    """A verifier rejects with a reason; a held seat goes back and the waiting list moves."""
    return change_status(registration.id, REJECTABLE, "rejected", actor, "reject", sms="rejected",
                         reject_reason=reason, reject_note=note or None)


def record_membership(registration, kpj, actor):
    """BPJS enrolled the worker: approved -> enrolled with the KPJ number."""
    return change_status(registration.id, ("approved",), "enrolled", actor, "enroll",
                         sms="enrolled", kpj=kpj)


@retrying
def reopen(registration, actor):
    """An admin reopens a rejected registration: it takes a seat if one is free, else waits."""
    with db.atomic():
        # Claim the row first: of two admins reopening at once, only one gets past here.
        claimed = Registration.update(status="waitlisted", pool=None, reject_reason=None,
                                      reject_note=None, updated_at=now()).where(
            (Registration.id == registration.id) & (Registration.status == "rejected")).execute()
        if not claimed:
            return fail("form", "cannot_reopen")
        registration = Registration.get_by_id(registration.id)
        serving, _ = open_pools_for(registration.year_id, registration.region_id)
        lock_pools(serving)
        pool = next((p for p in serving if take_seat(p, only_active=False)), None)
        if pool is not None:
            Registration.update(status="pending", pool=pool).where(
                Registration.id == registration.id).execute()
        registration = Registration.get_by_id(registration.id)
        audit(actor, "reopen", registration, "rejected", registration.status)
    return Outcome(True, registration=registration)


@retrying
def set_capacity(pool_code, capacity, actor, year=None):
    """Change a pool's capacity, never below the seats held; more room promotes the waiting."""
    with db.atomic():
        year = year or ProgramYear.current()
        pool = Pool.get_or_none((Pool.code == pool_code) & (Pool.year == year))
        if pool is None:
            return fail("pool", "pool_unknown")
        if capacity < 0 or not Pool.update(capacity=capacity).where(
                (Pool.id == pool.id) & (Pool.held <= capacity)).execute():
            return fail("capacity", "capacity_below_held")
        audit(actor, "set_capacity", before=str(pool.capacity), after=str(capacity), pool=pool.code)
        promoted = fill_seats(Pool.get_by_id(pool.id))
    return Outcome(True, promoted=promoted)


@retrying
def set_pool_open(pool_code, is_open, actor, year=None):
    """Open or close a pool for new registrations; opening first seats those already waiting."""
    with db.atomic():
        year = year or ProgramYear.current()
        changed = Pool.update(active=is_open).where(
            (Pool.code == pool_code) & (Pool.year == year)).execute()
        if not changed:
            return fail("pool", "pool_unknown")
        audit(actor, "open_pool" if is_open else "close_pool", pool=pool_code)
        promoted = fill_seats(Pool.get((Pool.code == pool_code) & (Pool.year == year))) if is_open else []
    return Outcome(True, promoted=promoted)


def places_left():
    """Open pools of the current year with capacity, held and seats left."""
    year = ProgramYear.current()
    return list(Pool.of_year(year)) if year else []
