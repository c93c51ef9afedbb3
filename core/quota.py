"""The quota lifecycle: register, status, cancel, decide, reopen, capacity. Both doors call it.

How seats are held and handed on: core/seats.py. Every operation is one transaction and returns
an Outcome (core/outcome.py) with message keys that each door words for itself.
"""
import datetime as dt

from config import DEFAULT_RULES
from core import hotread, program_year, refcache
from core.hotsql import gate_reference, lock_phone, registration_facts
from core.identity import clean_digits
from core.journal import audit, queue_sms
from core.outcome import Outcome, fail, retrying
from core.refs import insert_with_fresh_ref, normalize_ref
from core.seats import (
    dtks_only,
    fill_seats,
    first_free_seat,
    give_back_seat,
    hold_seat,
    lock_for_change,
    lock_pool,
    lock_pools,
    pools_serving,
    release_seat,
    set_share_capacity,
)
from core.validation import from_reference, validate
from models import (
    SEAT_STATUSES,
    OutboxMessage,
    Pool,
    ProgramYear,
    Registration,
    db,
    now,
)

CANCELLABLE = ("waitlisted", "pending", "approved")
REJECTABLE = ("waitlisted", "pending", "approved")
APPROVABLE = ("pending",)


STALE_TRIES = 5


@retrying
def register(applicant, channel, rules=None, assisted_by=None, today=None):
    """Validate, deduplicate, hold a seat or join the waiting list, queue a confirmation.

    Reference data (year, pools, occupations, regions) comes from this process's snapshot
    (core/refcache.py), confirmed inside the transaction by the statement that counts the phone;
    a refusal read from it is confirmed before it is given. Changed meanwhile: start over.
    """
    rules = rules or DEFAULT_RULES
    for _ in range(STALE_TRIES):
        try:
            return register_on(refcache.snapshot(), applicant, channel, rules, assisted_by, today)
        except refcache.Stale:
            refcache.snapshot(force=True)
    raise RuntimeError("reference data kept changing (or reference_generation has no row)")


def confirmed(reference, outcome, from_reference=True):
    """outcome, once reference is known to be the database's still; else refcache.Stale."""
    if from_reference and not refcache.still_current(reference):
        raise refcache.Stale()
    return outcome


def register_on(reference, applicant, channel, rules, assisted_by, today):
    """register() against one refcache snapshot; refcache.Stale if the database moved on."""
    errors, clean = validate(applicant, rules, today, birth_from_nik=channel == "sms",
                             reference=reference)
    if errors:
        return confirmed(reference, Outcome(False, errors), from_reference(errors))
    year, region = reference.year, clean.region.code
    if year is None or not program_year.window(today, year).is_open:
        return confirmed(reference, fail("form", "registration_closed"))
    pools = reference.pools  # who serves, DTKS-only, skipped (never seats: see take_seat)
    # Whether the NIK is on the DTKS list is read inside the transaction: refuse here only when
    # either answer gives the same refusal.
    *_, if_listed = pool_choice(year, region, True, pools)
    *_, if_not = pool_choice(year, region, applicant.decl_dtks, pools)
    if if_listed is not None and if_listed == if_not:
        return confirmed(reference, if_listed)
    with db.atomic():
        if db.for_update:
            # PostgreSQL: registrations of one phone one after another, so the count below sees
            # the others whichever pools they take (SQLite has one writer at a time already).
            lock_phone(clean.phone)
        # One statement: the phone's registrations, the NIK, the DTKS list, the generation.
        facts = registration_facts(year, clean.phone, clean.nik.value)
        if not refcache.confirm(reference, facts.generation):
            raise refcache.Stale()
        on_list = facts.on_dtks_list
        serving, open_pools, refusal = pool_choice(year, region, applicant.decl_dtks or on_list,
                                                   pools)
        if refusal is not None:
            return refusal
        if facts.phone_count >= rules["max_niks_per_phone"]:
            return fail("phone", "phone_limit")
        registration = None if facts.nik_taken else insert_registration(
            applicant, clean, year, channel, assisted_by, open_pools, on_list, serving)
        if registration is None:
            return fail("nik", "nik_taken")
        if db.for_update and registration.pool_id is None:
            # PostgreSQL reads each statement afresh: a pool created, or opened to applicants
            # without DTKS, since `facts` is not among the pools tried, and its own fill_seats
            # cannot see this row yet. The reference gate puts this commit and such a change one
            # after the other: the change then seats this row, or this reads what it moved and
            # starts over when a pool it made now serves the applicant, or a new year began
            # (only then: an admin changing pools every few seconds must not keep newcomers
            # starting over).
            gate_reference()
            if (not refcache.still_current(reference)
                    and served_otherwise(year, region, applicant.decl_dtks or on_list, serving)):
                raise refcache.Stale()
        actor = f"staff:{assisted_by.username}" if assisted_by else f"worker:{channel}"
        audit(actor, "register", registration, None, registration.status)
        position = None if registration.pool_id else Registration.position_of(registration)
        # An SMS registration is confirmed by the reply itself; other channels get a text.
        if channel != "sms" and position is None:
            queue_sms(registration, "registered")
        elif channel != "sms":
            queue_sms(registration, "waitlisted", position=position)
    notes = ["dtks_pool_skipped"] if skipped_dtks(pools, region, serving) else []
    return Outcome(True, registration=registration, position=position, notes=notes)


def pool_choice(year, region_code, dtks, pools):
    """(pools serving the applicant, those open, the refusal when none is open or None).

    dtks: declared or on the DTKS list; pools: the year's pools by priority.
    """
    serving, open_pools = pools_serving(year, region_code, dtks, pools)
    refusal = None
    if not serving and dtks_only(year, region_code, pools):
        refusal = fail("decl_dtks", "dtks_required")
    elif not serving:
        refusal = fail("kelurahan", "region_not_eligible")
    elif not open_pools:
        refusal = fail("form", "registration_closed")
    return serving, open_pools, refusal


def served_otherwise(year, region_code, dtks, tried):
    """Whether, read afresh, the applicant would be served otherwise than by `tried` (the Pools
    their last try locked): another program year is current (opened meanwhile), or an open pool
    of year that serves them is not among tried."""
    current = ProgramYear.current()
    if current is None or current.year != year.year:
        return True
    _, open_now = pools_serving(year, region_code, dtks)
    return bool({p.id for p in open_now} - {p.id for p in tried})


def skipped_dtks(pools, region_code, serving):
    """Whether a pool for this region was left out because it requires DTKS (to tell the worker)."""
    return any(p.serves(region_code) and p.requires_dtks and p not in serving for p in pools)


def insert_registration(applicant, clean, year, channel, assisted_by, pools, on_list=False,
                        serving=()):
    """Hold a seat in the first open pool with one free and insert the row; None if the NIK counts.

    On PostgreSQL only the counter row of the seat taken is locked (the pool's row, or its share
    row in a split pool, by its UPDATE), so a city registration never queues behind the
    province's row. When every pool is full, the `serving` pools are locked as
    seats.lock_to_wait says (an unsplit pool's row, a split pool's gate shared) and tried again
    before the applicant joins the waiting list: a seat freed meanwhile is seen, and one freed
    later finds them waiting.
    """
    def seat():
        held = hold_seat(pools, clean.nik.value, serving)
        # A copy: the snapshot's Pool is shared by every thread of the process.
        pool = Pool(**held.pool.__data__) if held else None
        return {"pool": pool, "share": held and held.share,
                "status": "pending" if pool else "waitlisted"}

    return insert_with_fresh_ref(
        year, clean.nik.value, before_insert=seat, nik_checked=True,
        give_back=lambda extra: give_back_seat(extra["pool"], extra["share"]), name=clean.name,
        birth_date=clean.birth_date, sex=clean.nik.sex, phone=clean.phone, occupation=clean.occupation, region=clean.region,
        channel=channel, assisted_by=assisted_by,
        declared_not_participant=applicant.decl_not_participant,
        declared_income=applicant.decl_income, declared_dtks=applicant.decl_dtks,
        dtks_confirmed=on_list)


def find_own(nik, ref=None, birth_date=None):
    """The registration a worker may see: NIK plus its code, or NIK plus birth date; else None."""
    nik = clean_digits(nik)
    if len(nik) != 16 or not (ref or birth_date):
        return None
    return hotread.own_registration(nik, normalize_ref(ref) if ref else None, birth_date)


@retrying
def send_reference(registration, actor, rules=None):
    """Text the code to the phone the registration was made with (a forgotten code).

    At most rules["code_sms_per_day"] a day per registration: a NIK copied from a KTP must not
    become a way to flood its owner's phone. Error key `code_sms_limit`.
    """
    per_day = (rules or DEFAULT_RULES)["code_sms_per_day"]
    with db.atomic():
        if db.for_update:  # PostgreSQL: two requests at once count one after the other
            list(Registration.select(Registration.id).where(Registration.id == registration.id)
                 .for_update())
        sent = OutboxMessage.select().where(
            (OutboxMessage.registration == registration.id) & (OutboxMessage.kind == "reference")
            & (OutboxMessage.created_at > now() - dt.timedelta(days=1))).count()
        if sent >= per_day:
            return fail("form", "code_sms_limit")
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
    """What a worker may see about their own registration (read afresh)."""
    return status_by_id(registration.id)


def status_by_id(registration_id):
    """What a worker may see about the registration with this id (its pool read in the same
    statement; a second one for a waiting-list position), or None if there is none."""
    registration = hotread.registration_with_pool(registration_id)
    if registration is None:
        return None
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
            promoted = release_seat(registration.pool_id, registration.share)
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
        seat = seat_for(registration.year_id, registration.region_id,
                        registration.declared_dtks or registration.dtks_confirmed)
        if seat is not None:
            Registration.update(status="pending", pool=seat.pool, share=seat.share).where(
                Registration.id == registration.id).execute()
        registration = Registration.get_by_id(registration.id)
        audit(actor, "reopen", registration, "rejected", registration.status)
    return Outcome(True, registration=registration)


@retrying
def set_capacity(pool_code, capacity, actor, year=None):
    """Change a pool's capacity, never below the seats held; more room promotes the waiting.

    A pool split in shares spreads its free seats evenly over them (core/seats.py)."""
    with db.atomic():
        year = year or ProgramYear.current()
        pool = Pool.get_or_none((Pool.code == pool_code) & (Pool.year == year))
        if pool is None:
            return fail("pool", "pool_unknown")
        pool = lock_pool(pool.id)  # as it is now: split in shares or not
        before = pool.capacity
        if capacity < 0:
            return fail("capacity", "capacity_below_held")
        if pool.shares > 1:
            try:
                set_share_capacity(pool, capacity)
            except ValueError:
                return fail("capacity", "capacity_below_held")
        elif not Pool.update(capacity=capacity).where(
                (Pool.id == pool.id) & (Pool.held <= capacity)).execute():
            return fail("capacity", "capacity_below_held")
        audit(actor, "set_capacity", before=str(before), after=str(capacity), pool=pool.code)
        promoted = fill_seats(pool)
    return Outcome(True, promoted=promoted)


@retrying
def set_pool_open(pool_code, is_open, actor, year=None):
    """Open or close a pool for new registrations; opening first seats those already waiting."""
    with db.atomic():
        year = year or ProgramYear.current()
        pool = Pool.get_or_none((Pool.code == pool_code) & (Pool.year == year))
        if pool is None:
            return fail("pool", "pool_unknown")
        pool = lock_for_change(pool.id)
        gate_reference(shared=False)
        Pool.update(is_open=is_open).where(Pool.id == pool.id).execute()
        audit(actor, "open_pool" if is_open else "close_pool", pool=pool_code)
        promoted = fill_seats(pool) if is_open else []
    return Outcome(True, promoted=promoted)


def seat_for(year, region_code, dtks=True):
    """Hold a seat for a region in the first serving pool with one free, open or not; Seat or None.

    For staff decisions (reopen, re-verification): a closed pool still takes those it admitted.
    """
    serving, _ = pools_serving(year, region_code, dtks)
    # Read again under the lock: a pool split since the read above keeps its seats in shares.
    return first_free_seat(lock_pools(serving, read=True), open_only=False)


def current_pools():
    """Every pool of the current year by priority, open or closed ([] without a current year)."""
    year = ProgramYear.current()
    return list(Pool.of_year(year)) if year else []


def current_places(today=None):
    """(every pool of the current year by priority, the year's registration Window on today):
    the home page's facts, in one statement."""
    year, pools = hotread.current_year_and_pools()
    return pools, (program_year.window(today, year) if year else program_year.Window())
