"""A registration's statements written out once per column set and database kind, run with new values.

peewee builds SQL afresh for every query (a good part of a registration's CPU went there); the
rows a registration writes (registration, audit event, outbox message) are inserted with the
same statements built once. Values go through each field's db_value and missing fields get
their model default, as peewee's insert() would do. What register() reads inside its transaction
(the phone's count, the NIK, the DTKS list, the reference generation) is one statement too.
"""
import hashlib
from typing import NamedTuple

from models import Pool, Registration, db

_built = {}


def _row(model, values):
    """values (by field name) plus the model's defaults for the fields not given, in field order."""
    row = {}
    for name, field in model._meta.fields.items():
        if name in values:
            row[name] = values[name]
        elif field.default is not None:
            row[name] = field.default() if callable(field.default) else field.default
    unknown = set(values) - set(row)
    if unknown:
        raise TypeError(f"{model.__name__} has no field {sorted(unknown)}")
    return row


def _sql(model, names, suffix):
    """The INSERT of these fields of model for the open database's placeholder style."""
    param = db.obj.param
    key = (model, names, suffix, param)
    if key not in _built:
        columns = ", ".join(f'"{model._meta.fields[n].column_name}"' for n in names)
        _built[key] = (f'INSERT INTO "{model._meta.table_name}" ({columns}) '
                       f'VALUES ({", ".join([param] * len(names))}){suffix}')
    return _built[key]


def _execute(model, values, suffix=""):
    row = _row(model, values)
    names = tuple(row)
    params = [model._meta.fields[n].db_value(row[n]) for n in names]
    return row, db.execute_sql(_sql(model, names, suffix), params)


def insert(model, values):
    """Insert a row (dict by field name); the row as written, defaults included."""
    row, _ = _execute(model, values)
    return row


def insert_unless_taken(model, values):
    """Insert a row unless a unique key refuses it (ON CONFLICT DO NOTHING: no error, no
    savepoint, nothing in PostgreSQL's log); (row as written, its id) or (row, None)."""
    row, cursor = _execute(model, values, ' ON CONFLICT DO NOTHING RETURNING "id"')
    found = cursor.fetchall()
    return row, (found[0][0] if found else None)


class Facts(NamedTuple):
    """What register() reads about an applicant, inside its transaction, in one statement."""

    phone_count: int  # counting registrations of the phone in the year
    nik_taken: bool  # the NIK counts in the year already
    on_dtks_list: bool  # the NIK is on the year's imported DTKS list
    generation: int  # the reference generation (core/refcache.py), None without its row


def registration_facts(year, phone, nik):
    """Facts about phone and nik in year, and the reference generation: one statement."""
    p = db.obj.param
    key = ("facts", p)
    if key not in _built:
        _built[key] = (
            f'SELECT COUNT(*), '
            f'EXISTS(SELECT 1 FROM "registration" WHERE "year" = {p} AND "nik_active" = {p}), '
            f'EXISTS(SELECT 1 FROM "dtksnik" WHERE "year" = {p} AND "nik" = {p}), '
            '(SELECT "generation" FROM "reference_generation" WHERE "id" = 1) '
            # The unary + keeps "year" out of index choice: otherwise SQLite walks the year's
            # whole (year, nik_active) index for the phone's few rows (tests/test_hot_plans.py).
            f'FROM "registration" WHERE +"year" = {p} AND "phone" = {p} AND "nik_active" IS NOT NULL')
    year_id = Registration.year.db_value(year)
    count, taken, listed, generation = db.execute_sql(
        _built[key], [year_id, nik, year_id, nik, year_id, phone]).fetchone()
    return Facts(count, bool(taken), bool(listed), generation)


PHONE_LOCKS = 0x4A52  # the first key of Jaring's advisory locks on phone numbers ("JR")


def phone_lock_key(phone):
    """The second advisory-lock key of a phone number: a signed 32-bit int from its BLAKE2b hash.

    Worked out here, not by hashtext() in the statement, so the number itself never reaches the
    server: a lock timeout or a cancel logs the statement, and that log must stay impersonal.
    """
    digest = hashlib.blake2b(phone.encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big", signed=True)


def lock_phone(phone):
    """PostgreSQL only: an advisory lock on this phone number until the transaction ends.

    Registrations of one phone then count its rows one after another, whichever pools they take.
    Two numbers that share a hash merely wait for each other.
    """
    key = ("lock_phone", db.obj.param)
    if key not in _built:
        p = db.obj.param
        _built[key] = f"SELECT pg_advisory_xact_lock({p}, {p})"
    db.execute_sql(_built[key], [PHONE_LOCKS, phone_lock_key(phone)]).fetchall()


def take_pool_seat(pool_id, open_only=True):
    """Hold a seat on an unsplit pool's own counter if one is free (and it is open, unless
    open_only=False): True if held. The conditional UPDATE of core/seats.py, built once."""
    p = db.obj.param
    key = ("take_pool_seat", open_only, p)
    if key not in _built:
        # shares = 1: a pool read before it was split must not count on its row again.
        _built[key] = (f'UPDATE "pool" SET "held" = ("held" + 1) WHERE "id" = {p} '
                       f'AND "held" < "capacity" AND "shares" = 1'
                       + (f' AND "is_open" = {p}' if open_only else ""))
    params = [pool_id, Pool.is_open.db_value(True)] if open_only else [pool_id]
    return db.execute_sql(_built[key], params).rowcount == 1


REFERENCE_GATE = 0x4A47  # the first key of the advisory lock on reference data ("JG")


def gate_reference(shared=True):
    """The reference gate until the transaction ends (PostgreSQL; nothing on SQLite). Shared: a newcomer about
    to join the waiting list. Exclusive: a change that can make a pool serve someone it did not
    (its trigger takes it too, migrations/helpers.py GATED); it waits for those newcomers' commit,
    or they wait for its commit and then read the generation it moved (docs/scaling.md, 5).

    Order: a pool's locks, then this gate, then the generation row. A newcomer takes it after
    seats.lock_to_wait; an admin path after seats.lock_for_change and before its first change,
    since the ungated trigger of an earlier statement (or of the same statement: triggers fire
    in name order) would otherwise hold the generation row while it waits for the gate.
    """
    if not db.for_update:
        return  # SQLite: one writer at a time already
    key = ("gate_reference", shared, db.obj.param)
    if key not in _built:
        function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
        _built[key] = f"SELECT {function}({db.obj.param}, 0)"
    db.execute_sql(_built[key], [REFERENCE_GATE]).fetchall()


POOL_GATES = 0x4A50  # the first key of Jaring's advisory locks on split pools ("JP")


def gate_pool(pool_id, shared):
    """PostgreSQL only: a split pool's seat gate until the transaction ends, shared (a newcomer
    about to join the waiting list) or exclusive (anything that frees seats in it).

    An advisory lock, not the pool row FOR SHARE: PostgreSQL grants a row's share lock to a new
    asker even while an exclusive one waits, so a stream of newcomers holding FOR SHARE starves
    a cancellation (seconds measured with a dozen clients, docs/scaling.md, section 5); the lock
    manager queues an advisory lock's shared askers behind a waiting exclusive one.
    """
    p = db.obj.param
    key = ("gate_pool", shared, p)
    if key not in _built:
        function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
        _built[key] = f"SELECT {function}({p}, {p})"
    db.execute_sql(_built[key], [POOL_GATES, pool_id]).fetchall()
