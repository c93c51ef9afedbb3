"""The database proxy, the peewee models and their small query classmethods."""
import datetime as dt
import json

from peewee import (
    SQL,
    AutoField,
    BigIntegerField,
    BooleanField,
    CharField,
    CompositeKey,
    DatabaseProxy,
    DateField,
    DateTimeField,
    ForeignKeyField,
    Index,
    IntegerField,
    Model,
    TextField,
    fn,
)

db = DatabaseProxy()

# Statuses that hold a seat in a pool (docs/design.md, "Lifecycle").
SEAT_STATUSES = ("pending", "approved", "enrolled")
STATUSES = ("waitlisted", "pending", "approved", "enrolled", "rejected", "cancelled")


def now():
    """Naive UTC timestamp, the same on SQLite and PostgreSQL."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class JSONField(TextField):
    """A dict stored as JSON text (portable across SQLite and PostgreSQL)."""

    def db_value(self, value):
        return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)

    def python_value(self, value):
        return None if value is None else json.loads(value)


LONGEST_CODE = "99.99.99.9999"  # province.regency.kecamatan.kelurahan, each part at its largest


def in_area(column, code):
    """column is code or a code under it (`64.72`, `64.72.01.1001`), as a range an index can walk."""
    # The upper end is the largest code under it (64.72.99.9999): digits sort alike in every
    # collation, where "." and other punctuation do not (a PostgreSQL database in en_US may skip
    # them when comparing).
    return (column >= code) & (column <= code + LONGEST_CODE[len(code):])


class BaseModel(Model):
    class Meta:
        database = db


class Region(BaseModel):
    """A Kemendagri region: province, regency/city, district or village."""

    code = CharField(primary_key=True, max_length=16)
    level = CharField(max_length=10)
    name = CharField(max_length=80)
    parent = CharField(max_length=16, null=True, index=True)
    # Other spellings workers type ("Sungainangka"), separated by "|" (data/region_aliases.csv).
    aliases = CharField(max_length=200, null=True)

    @classmethod
    def villages_of(cls, regency_code):
        """Villages (kelurahan) under a regency, ordered by code."""
        return cls.select().where(
            (cls.level == "village") & cls.code.startswith(regency_code + ".")
        ).order_by(cls.code)

    @classmethod
    def regencies(cls):
        """Regencies and cities, ordered by code."""
        return cls.select().where(cls.level == "regency").order_by(cls.code)

    @classmethod
    def names_of(cls, codes):
        """{code: (level, name)} for those of the codes that exist, in one lookup by primary key."""
        codes = {c for c in codes if c}
        query = cls.select(cls.code, cls.level, cls.name).where(cls.code.in_(codes)).tuples()
        return {code: (level, name) for code, level, name in query} if codes else {}

    @classmethod
    def area(cls, code):
        """{code: (level, name)} of a region and every region under it (a regency's kecamatan, kelurahan)."""
        query = cls.select(cls.code, cls.level, cls.name).where(in_area(cls.code, code)).tuples()
        return {c: (level, name) for c, level, name in query}

    @classmethod
    def choosable(cls):
        """Regions a worker may give as domicile: villages, and regencies without loaded villages."""
        with_villages = {r.code[:5] for r in cls.select(cls.code).where(cls.level == "village")}
        regencies = [r for r in cls.select().where(cls.level == "regency").order_by(cls.code)
                     if r.code not in with_villages]
        villages = list(cls.select().where(cls.level == "village").order_by(cls.code))
        return villages, regencies


class Occupation(BaseModel):
    """An occupation category and the agency that verifies it."""

    code = CharField(primary_key=True, max_length=32)
    name_id = CharField(max_length=80)
    name_en = CharField(max_length=80)
    agency = CharField(max_length=32)
    position = IntegerField(default=0)

    @classmethod
    def menu(cls):
        """Occupations in the order the form and the SMS menu show them."""
        return cls.select().order_by(cls.position)


class ProgramYear(BaseModel):
    """A yearly registration window; pools belong to one."""

    year = IntegerField(primary_key=True)
    is_open = BooleanField(default=True)
    opens_on = DateField(null=True)
    closes_on = DateField(null=True)
    is_current = BooleanField(default=False, index=True)

    @classmethod
    def current(cls):
        """The program year registrations go to, or None."""
        return cls.get_or_none(cls.is_current == True)  # noqa: E712


class Pool(BaseModel):
    """A quota of seats for a region (code prefix) in a program year."""

    id = AutoField()
    code = CharField(max_length=40)
    name = CharField(max_length=120)
    year = ForeignKeyField(ProgramYear, backref="pools", column_name="year")
    region_prefix = CharField(max_length=16)
    capacity = IntegerField()
    held = IntegerField(default=0)
    priority = IntegerField(default=1)
    is_open = BooleanField(default=True)  # takes new registrations
    requires_dtks = BooleanField(default=False)
    # What an SMS calls the pool: short enough to be sent whole ("Kota Balikpapan"), never cut.
    sms_name = CharField(max_length=20, default="")
    # Counters its seats are kept in: 1, `held` on this row; K > 1, K PoolShare rows (this row's
    # `held` stays 0), so registrations do not all queue on one row (docs/scaling.md, section 5).
    shares = IntegerField(default=1)

    class Meta:
        indexes = ((("year", "code"), True),)

    @property
    def seats_held(self):
        """Seats held: this row's counter, or the sum of its shares' (one query) when split."""
        if self.shares == 1:
            return self.held
        return (PoolShare.select(fn.COALESCE(fn.SUM(PoolShare.held), 0))
                .where(PoolShare.pool == self.id).scalar())

    @property
    def left(self):
        """Seats not held."""
        return max(self.capacity - self.seats_held, 0)

    def serves(self, region_code):
        """Whether this pool's region contains region_code."""
        return region_code == self.region_prefix or region_code.startswith(self.region_prefix + ".")

    @classmethod
    def of_year(cls, year):
        """Pools of a program year by priority."""
        return cls.select().where(cls.year == year).order_by(cls.priority, cls.id)


class PoolShare(BaseModel):
    """One of the K counters of a pool split in shares: its part of the capacity and seats held."""

    pool = ForeignKeyField(Pool, column_name="pool", backref="+", on_delete="CASCADE")
    share = IntegerField()  # 0 … K-1
    capacity = IntegerField()
    held = IntegerField(default=0)

    class Meta:
        primary_key = CompositeKey("pool", "share")


class StaffUser(BaseModel):
    """A staff account: operator, verifier or admin."""

    id = AutoField()
    username = CharField(max_length=64, unique=True)
    password_hash = CharField(max_length=255)
    role = CharField(max_length=16)
    kelurahan = ForeignKeyField(Region, null=True, column_name="kelurahan")
    agency = CharField(max_length=32, null=True)
    # A verifier's or admin's regency code (e.g. 64.72): they see only its registrations and
    # pools. None: the whole province.
    region = CharField(max_length=16, null=True)
    active = BooleanField(default=True)
    failed_logins = IntegerField(default=0)
    # Guessing from unknown devices waits until then; the owner's known devices are never held.
    locked_until = DateTimeField(null=True)
    # Every session carries this number; logging out moves it on, ending all earlier sessions.
    session_epoch = IntegerField(default=0)
    created_at = DateTimeField(default=now)


class Registration(BaseModel):
    """One worker's registration in one program year."""

    id = AutoField()
    ref = CharField(max_length=12, unique=True)
    year = ForeignKeyField(ProgramYear, column_name="year")
    nik = CharField(max_length=16, index=True)
    # Equals nik while the registration counts; NULL once cancelled, so the NIK may apply again.
    nik_active = CharField(max_length=16, null=True)
    name = CharField(max_length=100)
    birth_date = DateField()
    sex = CharField(max_length=1)
    phone = CharField(max_length=20, index=True)
    occupation = ForeignKeyField(Occupation, column_name="occupation")
    region = ForeignKeyField(Region, column_name="region", index=True)
    pool = ForeignKeyField(Pool, null=True, column_name="pool", index=True)
    # The pool's share the seat was taken in (None: taken while the pool had one counter); a pool
    # of K shares counts it in share (share mod K), None as 0 (core/seats.py).
    share = IntegerField(null=True)
    status = CharField(max_length=12)
    channel = CharField(max_length=10)
    assisted_by = ForeignKeyField(StaffUser, null=True, column_name="assisted_by")
    declared_not_participant = BooleanField(default=False)
    declared_income = BooleanField(default=False)
    declared_dtks = BooleanField(default=False)
    dtks_confirmed = BooleanField(default=False)  # the NIK is on the imported DTKS list
    kpj = CharField(max_length=20, null=True, index=True)
    reject_reason = CharField(max_length=40, null=True)
    reject_note = TextField(null=True)
    created_at = DateTimeField(default=now)
    updated_at = DateTimeField(default=now)

    class Meta:
        indexes = (
            (("year", "nik_active"), True),
            (("year", "status", "id"), False),
            (("status", "id"), False),
            # The staff queue: a filter by equality, then id order (keyset pages, no sort); the
            # dashboard counts from the same indexes. The pool filter has two values and no index:
            # walking (year, status, id) finds either pool's rows soon enough.
            (("year", "status", "region", "id"), False),
            (("year", "status", "occupation", "id"), False),
            (("year", "status", "channel", "id"), False),
            (("assisted_by", "year", "status", "id"), False),  # an operator's own entries
            Index("registration_year_status_kecamatan_id", "registration",
                  [SQL("year"), SQL("status"), SQL("substr(region, 1, 8)"), SQL("id")]),
            Index("registration_year_status_regency_id", "registration",
                  [SQL("year"), SQL("status"), SQL("substr(region, 1, 5)"), SQL("id")]),
            Index("registration_name_lower", "registration", [SQL("lower(name)")]),
            Index("registration_birth_date_name", "registration",  # "same person?" flag
                  [SQL("birth_date"), SQL("lower(name)")]),
            (("year", "created_at"), False),  # registrations per day on the dashboard
            # The dashboard of one regency (or all): a walk of its range of regions counts every
            # chart without reading the table (migrations/0011).
            (("year", "region", "status", "occupation", "channel", "created_at"), False),
        )

    @classmethod
    def waiting_for(cls, pool):
        """Waitlisted registrations this pool could take (its region, its DTKS rule), oldest first."""
        query = cls.select().where(
            (cls.year == pool.year_id) & (cls.status == "waitlisted")
            & ((cls.region == pool.region_prefix) | cls.region.startswith(pool.region_prefix + "."))
        )
        if pool.requires_dtks:
            query = query.where(cls.declared_dtks | cls.dtks_confirmed)
        return query.order_by(cls.id)

    @classmethod
    def position_of(cls, registration):
        """1-based place on the waiting list of its year."""
        return cls.select().where(
            (cls.year == registration.year_id) & (cls.status == "waitlisted")
            & (cls.id <= registration.id)
        ).count()

    @classmethod
    def seats_by_phone(cls, year, phone):
        """How many counting registrations this phone has made this year."""
        return cls.select().where(
            (cls.year == year) & (cls.phone == phone) & cls.nik_active.is_null(False)
        ).count()

    @classmethod
    def count_held(cls, pool):
        """Seats held in a pool, counted from registrations (to check the counter)."""
        return cls.select(fn.COUNT(cls.id)).where(
            (cls.pool == pool) & cls.status.in_(SEAT_STATUSES)
        ).scalar()


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


class AuditEvent(BaseModel):
    """An append-only record of a status change or a staff action."""

    id = AutoField()
    at = DateTimeField(default=now, index=True)
    actor = CharField(max_length=80)
    action = CharField(max_length=40, index=True)
    registration = ForeignKeyField(Registration, null=True, column_name="registration", index=True)
    before = CharField(max_length=40, null=True)
    after = CharField(max_length=40, null=True)
    detail = JSONField(null=True)


# Outbox statuses (ours, then Twilio's delivery statuses) grouped as the dashboard counts them.
OUTBOX_GROUPS = {
    "waiting": ("pending", "claimed"),
    "sent": ("accepted", "scheduled", "queued", "sending", "sent"),
    "delivered": ("delivered", "read"),
    "failed": ("failed", "undelivered", "canceled"),
    "not_sent": ("skipped", "logged"),  # opted out, or no Twilio credentials (written to the log)
}
OUTBOX_GROUP_OF = {status: group for group, statuses in OUTBOX_GROUPS.items() for status in statuses}


class OutboxMessage(BaseModel):
    """An SMS to send, written in the same transaction as the change that causes it."""

    id = AutoField()
    created_at = DateTimeField(default=now)
    phone = CharField(max_length=20)
    kind = CharField(max_length=24)
    params = JSONField(default=dict)
    registration = ForeignKeyField(Registration, null=True, column_name="registration")
    status = CharField(max_length=12, default="pending")
    attempts = IntegerField(default=0)
    next_attempt_at = DateTimeField(default=now)
    sid = CharField(max_length=40, null=True, index=True)
    error = TextField(null=True)
    sent_at = DateTimeField(null=True)
    segments = IntegerField(null=True)  # parts Twilio bills for the text we sent (sms/gsm.py)

    class Meta:
        indexes = ((("status", "next_attempt_at"), False),)

    @classmethod
    def summary(cls, price_per_segment):
        """{group: messages} of OUTBOX_GROUPS, 'segments' Twilio took (recorded at send) and
        'cost' = segments × price_per_segment (configured currency); unknown statuses count as sent."""
        figures = dict.fromkeys(OUTBOX_GROUPS, 0) | {"segments": 0}
        query = (cls.select(cls.status, fn.COUNT(cls.id), fn.SUM(cls.segments))
                 .group_by(cls.status))
        for status, n, billed in query.tuples():
            figures[OUTBOX_GROUP_OF.get(status, "sent")] += n
            figures["segments"] += int(billed or 0)
        figures["cost"] = figures["segments"] * price_per_segment
        return figures


class SmsInbound(BaseModel):
    """An inbound SMS by MessageSid, with the reply we gave (for Twilio's retries)."""

    sid = CharField(max_length=40, primary_key=True)
    phone = CharField(max_length=20, index=True)
    reply = TextField()
    created_at = DateTimeField(default=now)


class SmsSession(BaseModel):
    """The state of a guided SMS conversation, one per phone."""

    phone = CharField(max_length=20, primary_key=True)
    step = CharField(max_length=20)
    data = JSONField(default=dict)
    expires_at = DateTimeField()


class SmsLanguage(BaseModel):
    """The language a phone chose with BAHASA EN / BAHASA ID, for replies and notifications."""

    phone = CharField(max_length=20, primary_key=True)
    lang = CharField(max_length=2)


class SmsOptOut(BaseModel):
    """A phone that sent STOP: no notifications until it sends START."""

    phone = CharField(max_length=20, primary_key=True)
    at = DateTimeField(default=now)


class DtksNik(BaseModel):
    """A NIK on the DTKS list imported for a program year: all that matching needs."""

    id = AutoField()
    year = ForeignKeyField(ProgramYear, column_name="year", backref="+")
    nik = CharField(max_length=16)

    class Meta:
        indexes = ((("year", "nik"), True),)


class ReferenceGeneration(BaseModel):
    """One row whose number moves on every change to reference data (triggers of migration 0009).

    Not in ALL_MODELS: 0009 makes the table, its row and the triggers together, so no database
    has the number without what keeps it right (core/refcache.py trusts it).
    """

    id = IntegerField(primary_key=True)
    generation = BigIntegerField()

    class Meta:
        table_name = "reference_generation"


class SchemaMigration(BaseModel):
    """A migration that has been applied to this database."""

    name = CharField(max_length=80, primary_key=True)
    applied_at = DateTimeField(default=now)


ALL_MODELS = [
    Region, Occupation, ProgramYear, Pool, PoolShare, StaffUser, Registration, Reverification,
    AuditEvent, OutboxMessage, SmsInbound, SmsSession, SmsOptOut, DtksNik, SmsLanguage,
]
