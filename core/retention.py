"""How long personal data is kept, and its purge once that time is over.

The rule (JARING_RETENTION_YEARS, the privacy page states it): a program year's registrations
keep NIK, name, birth date, phone and KPJ through 31 December of the program year plus the
retention years (budget audits and the program's records), then they are anonymised. What stays
is what the program's counts need: the row with its code, year, pool, status, kelurahan,
occupation, sex, channel, declarations and dates, so seats held still match the pools. The SMS
queued for them lose phone and text, their audit rows lose KPJ and notes, the year's DTKS NIKs and
re-verification entries go, and so does the language a phone chose (BAHASA EN) once no kept
registration has that phone. A phone that sent STOP stays listed: that is its owner's wish.
One audit row a year records the purge, in counts only.
"""
import datetime as dt
from dataclasses import asdict, dataclass

from core import clock
from core.journal import audit
from core.outcome import Outcome, fail, retrying
from models import (
    OUTBOX_GROUPS,
    AuditEvent,
    DtksNik,
    OutboxMessage,
    ProgramYear,
    Registration,
    Reverification,
    SmsInbound,
    SmsLanguage,
    SmsSession,
    db,
    now,
)

PURGED_BIRTH_DATE = dt.date(1900, 1, 1)  # birth_date may not be empty; nobody registers born then
PERSONAL_DETAIL = ("kpj", "reject_note", "nik", "name", "phone")  # audit detail keys that go


@dataclass
class PurgeCounts:
    """What a year's purge anonymises or deletes (rows), or did."""

    year: int
    registrations: int = 0  # anonymised
    sms: int = 0  # outbox rows: phone and text blanked
    audit_details: int = 0  # audit rows: KPJ and notes taken out
    reverifications: int = 0  # deleted
    dtks_niks: int = 0  # deleted
    languages: int = 0  # a phone's BAHASA choice, deleted

    @property
    def total(self):
        """Rows touched in all."""
        return (self.registrations + self.sms + self.audit_details + self.reverifications
                + self.dtks_niks + self.languages)


def kept_until(year, retention_years):
    """The last day (program's calendar) a program year's personal data is kept: 31 Dec year + N."""
    return dt.date(year + retention_years, 12, 31)


def due_years(retention_years, today=None):
    """Program years (numbers, oldest first) kept until before today, never the current one."""
    today = today or clock.today()
    return [y for (y,) in ProgramYear.select(ProgramYear.year)
            .where((ProgramYear.year < today.year - retention_years)
                   & (ProgramYear.is_current == False))  # noqa: E712
            .order_by(ProgramYear.year).tuples()]


def oldest_kept(retention_years, today=None):
    """The oldest program year (number) whose personal data is still kept, or None."""
    due = due_years(retention_years, today)
    return (ProgramYear.select(ProgramYear.year).where(ProgramYear.year.not_in(due))
            .order_by(ProgramYear.year).scalar())


def sms_cutoff(retention_years, today=None):
    """Before this stored (UTC) moment, SMS records tied to no registration go.

    1 January (program's zone) of the year before the oldest kept program year: its data
    collection (September to November before the year) cannot have begun earlier.
    """
    today = today or clock.today()
    return clock.day_start(dt.date(today.year - retention_years - 1, 1, 1))


def _registrations(year):
    return Registration.select(Registration.id).where(Registration.year == year)


def _details(year):
    """(audit id, detail without personal keys) of the year's audit rows that hold such keys."""
    rows = (AuditEvent.select(AuditEvent.id, AuditEvent.detail)
            .where(AuditEvent.registration.in_(_registrations(year)) & AuditEvent.detail.is_null(False))
            .tuples())
    return [(event_id, {k: v for k, v in detail.items() if k not in PERSONAL_DETAIL} or None)
            for event_id, detail in rows if any(k in detail for k in PERSONAL_DETAIL)]


def _languages(year, retention_years, today):
    """The BAHASA choices of the year's phones that no kept registration has."""
    phones = Registration.select(Registration.phone).where(
        (Registration.year == year) & (Registration.nik != ""))
    kept = Registration.select(Registration.phone).where(
        Registration.year.not_in(due_years(retention_years, today)))
    return SmsLanguage.phone.in_(phones) & SmsLanguage.phone.not_in(kept)


def counts(year, retention_years, today=None):
    """PurgeCounts of what purging a program year would change now (reads only)."""
    return PurgeCounts(
        year=year,
        registrations=Registration.select().where(
            (Registration.year == year) & (Registration.nik != "")).count(),
        sms=OutboxMessage.select().where(
            OutboxMessage.registration.in_(_registrations(year)) & (OutboxMessage.phone != "")).count(),
        audit_details=len(_details(year)),
        reverifications=Reverification.select().where(Reverification.year == year).count(),
        dtks_niks=DtksNik.select().where(DtksNik.year == year).count(),
        languages=SmsLanguage.select().where(_languages(year, retention_years, today)).count())


@retrying
def purge_year(year, actor, retention_years, today=None):
    """Anonymise a due program year's personal data in one transaction, audited; Outcome(counts)."""
    if year not in due_years(retention_years, today):
        return fail("year", "year_not_due")
    with db.atomic():
        done = counts(year, retention_years, today)
        SmsLanguage.delete().where(_languages(year, retention_years, today)).execute()
        ours = _registrations(year)
        # A message still waiting cannot go anywhere once its phone is gone.
        OutboxMessage.update(status="skipped").where(
            OutboxMessage.registration.in_(ours)
            & OutboxMessage.status.in_(OUTBOX_GROUPS["waiting"])).execute()
        OutboxMessage.update(phone="", params={}, error=None).where(
            OutboxMessage.registration.in_(ours) & (OutboxMessage.phone != "")).execute()
        for event_id, detail in _details(year):
            AuditEvent.update(detail=detail).where(AuditEvent.id == event_id).execute()
        Reverification.delete().where(Reverification.year == year).execute()
        DtksNik.delete().where(DtksNik.year == year).execute()
        Registration.update(nik="", nik_active=None, name="", birth_date=PURGED_BIRTH_DATE,
                            phone="", kpj=None, reject_note=None, updated_at=now()).where(
            (Registration.year == year) & (Registration.nik != "")).execute()
        audit(actor, "purge", after=str(done.registrations), retention_years=retention_years,
              **asdict(done))
    return Outcome(True, counts=done)


def sms_counts(cutoff):
    """(inbound SMS, conversations) older than cutoff, tied to no registration."""
    return (SmsInbound.select().where(SmsInbound.created_at < cutoff).count(),
            SmsSession.select().where(SmsSession.expires_at < cutoff).count())


@retrying
def purge_sms(cutoff, actor):
    """Delete inbound SMS and conversations older than cutoff, audited; Outcome(counts=(n, m))."""
    with db.atomic():
        inbound = SmsInbound.delete().where(SmsInbound.created_at < cutoff).execute()
        sessions = SmsSession.delete().where(SmsSession.expires_at < cutoff).execute()
        if inbound or sessions:
            audit(actor, "purge_sms", after=str(inbound + sessions), inbound=inbound,
                  sessions=sessions, before_utc=cutoff.isoformat(timespec="minutes"))
    return Outcome(True, counts=(inbound, sessions))
