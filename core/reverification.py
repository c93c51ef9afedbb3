"""Re-verification: last year's members confirmed for a new year instead of registering again."""
from peewee import AutoField, CharField, DateTimeField, ForeignKeyField

from core import quota
from models import BaseModel, ProgramYear, Registration, db, now


class Reverification(BaseModel):
    """A member enrolled in an earlier year, to re-verify for a new year (not to register again)."""

    id = AutoField()
    year = ForeignKeyField(ProgramYear, column_name="year", backref="+")
    previous = ForeignKeyField(Registration, column_name="previous", backref="+")
    nik = CharField(max_length=16)
    kpj = CharField(max_length=20, null=True)
    status = CharField(max_length=12, default="open")  # open, confirmed, dropped
    registration = ForeignKeyField(Registration, null=True, column_name="registration", backref="+")
    reason = CharField(max_length=40, null=True)
    created_at = DateTimeField(default=now)
    decided_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("year", "nik"), True), (("year", "status", "id"), False))

    @classmethod
    def of_year(cls, year, status=None):
        """The re-verification list of a year (optionally one status), oldest first."""
        query = cls.select().where(cls.year == year)
        if status:
            query = query.where(cls.status == status)
        return query.order_by(cls.id)


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


@quota.retrying
def confirm(reverification_id, actor):
    """Staff found a member still eligible: approved in the new year, holding a seat."""
    with db.atomic() as txn:
        # Claim the entry first: of two clicks at once, only one finds it still open.
        claimed = Reverification.update(status="confirmed", decided_at=now()).where(
            (Reverification.id == reverification_id) & (Reverification.status == "open")).execute()
        if not claimed:
            return quota.fail("form", "cannot_reverify")
        rev = Reverification.get_by_id(reverification_id)
        old = Registration.get_by_id(rev.previous_id)
        if nik_taken(rev.year_id, rev.nik):
            txn.rollback()  # the entry stays open
            return quota.fail("nik", "nik_taken")
        serving, _ = quota.open_pools_for(rev.year_id, old.region_id)
        pool = next((p for p in serving if quota.take_seat(p, only_active=False)), None)
        if pool is None:
            txn.rollback()
            return quota.fail("form", "no_seat")
        registration = copy_registration(old, rev.year_id, pool)
        if registration is None:  # the NIK registered in the new year meanwhile
            txn.rollback()
            return quota.fail("nik", "nik_taken")
        Reverification.update(registration=registration).where(Reverification.id == rev.id).execute()
        quota.audit(actor, "reverify", registration, None, "approved", previous=old.ref)
        quota.queue_sms(registration, "approved")
    return quota.Outcome(True, registration=registration)


def nik_taken(year, nik):
    """True when nik already counts in year."""
    return Registration.select().where((Registration.year == year)
                                       & (Registration.nik_active == nik)).exists()


def copy_registration(old, year, pool):
    """Last year's registration again in `year`, approved, under a new code; None if the NIK counts."""
    values = dict(nik=old.nik, name=old.name, birth_date=old.birth_date, sex=old.sex,
                  phone=old.phone, occupation=old.occupation_id, region=old.region_id,
                  declared_not_participant=old.declared_not_participant,
                  declared_income=old.declared_income, declared_dtks=old.declared_dtks)
    for _ in range(5):
        ref = quota.new_ref()
        # The INSERT skips a conflict rather than fail: PostgreSQL logs a refused statement whole.
        Registration.insert(ref=ref, year=year, nik_active=old.nik, pool=pool, status="approved",
                            channel="reverify", **values).on_conflict_ignore().execute()
        row = Registration.get_or_none((Registration.ref == ref) & (Registration.year == year)
                                       & (Registration.nik_active == old.nik))
        if row is not None:
            return row
        if nik_taken(year, old.nik):  # registered meanwhile; else a code drawn twice: draw again
            return None
    raise RuntimeError("could not draw an unused reference code")


def drop(reverification_id, actor, reason):
    """Staff found a member no longer eligible: they leave the list (their old record stays)."""
    with db.atomic():
        changed = Reverification.update(status="dropped", reason=(reason or "")[:40],
                                        decided_at=now()).where(
            (Reverification.id == reverification_id) & (Reverification.status == "open")).execute()
        if not changed:
            return quota.fail("form", "cannot_reverify")
        rev = Reverification.get_by_id(reverification_id)
        quota.audit(actor, "reverify_drop", rev.previous_id, reason=reason, year=rev.year_id)
    return quota.Outcome(True)
