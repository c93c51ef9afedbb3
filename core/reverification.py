"""Re-verification: last year's members confirmed for a new year instead of registering again."""
from core import quota
from core.journal import audit, queue_sms
from core.outcome import Outcome, fail, retrying
from core.refs import insert_with_fresh_ref, nik_counts
from models import Registration, Reverification, db, now


def carry_over(source, target):
    """Put source's enrolled members on target's re-verification list, once each; how many."""
    listed = {r.nik for r in Reverification.select(Reverification.nik)
              .where(Reverification.year == target)}
    members = (Registration.select(Registration.id, Registration.nik, Registration.kpj)
               .where((Registration.year == source) & (Registration.status == "enrolled"))
               .order_by(Registration.id))
    rows = [dict(year=target, previous=m.id, nik=m.nik, kpj=m.kpj, status="open", created_at=now())
            for m in members if m.nik not in listed]
    for start in range(0, len(rows), 500):
        Reverification.insert_many(rows[start:start + 500]).execute()
    return len(rows)


@retrying
def confirm(reverification_id, actor):
    """Staff found a member still eligible: approved in the new year, holding a seat."""
    with db.atomic() as txn:
        # Claim the entry first: of two clicks at once, only one finds it still open.
        claimed = Reverification.update(status="confirmed", decided_at=now()).where(
            (Reverification.id == reverification_id) & (Reverification.status == "open")).execute()
        if not claimed:
            return fail("form", "cannot_reverify")
        rev = Reverification.get_by_id(reverification_id)
        old = Registration.get_by_id(rev.previous_id)
        if nik_counts(rev.year_id, rev.nik):
            txn.rollback()  # the entry stays open
            return fail("nik", "registered_again")
        seat = quota.seat_for(rev.year_id, old.region_id, old.declared_dtks or old.dtks_confirmed)
        if seat is None:
            txn.rollback()
            return fail("form", "no_seat")
        registration = copy_registration(old, rev.year_id, seat)
        if registration is None:  # the NIK registered in the new year meanwhile
            txn.rollback()
            return fail("nik", "registered_again")
        Reverification.update(registration=registration).where(Reverification.id == rev.id).execute()
        audit(actor, "reverify", registration, None, "approved", previous=old.ref)
        queue_sms(registration, "approved")
    return Outcome(True, registration=registration)


def copy_registration(old, year, seat):
    """Last year's registration again in `year`, approved in seat (core/seats.Seat), under a new
    code; None if the NIK counts."""
    return insert_with_fresh_ref(
        year, old.nik, pool=seat.pool, share=seat.share, status="approved", channel="reverify", name=old.name,
        birth_date=old.birth_date, sex=old.sex, phone=old.phone, occupation=old.occupation_id,
        region=old.region_id, declared_not_participant=old.declared_not_participant,
        declared_income=old.declared_income, declared_dtks=old.declared_dtks)


def drop(reverification_id, actor, reason):
    """Staff found a member no longer eligible: they leave the list (their old record stays)."""
    with db.atomic():
        changed = Reverification.update(status="dropped", reason=(reason or "")[:40],
                                        decided_at=now()).where(
            (Reverification.id == reverification_id) & (Reverification.status == "open")).execute()
        if not changed:
            return fail("form", "cannot_reverify")
        rev = Reverification.get_by_id(reverification_id)
        audit(actor, "reverify_drop", rev.previous_id, reason=reason, year=rev.year_id)
    return Outcome(True)
