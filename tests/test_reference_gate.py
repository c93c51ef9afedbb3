"""PostgreSQL: which changes to reference data wait for a newcomer holding the reference gate.

Only a change that can make a pool serve someone it did not (a pool created, opened, or no longer
requiring DTKS) takes the gate (core/hotsql.py gate_reference); the others raise the generation
without waiting, so an import of regions or a capacity change never holds newcomers up.
"""
import psycopg2
import pytest
from peewee import OperationalError

from core import pools, program_year, quota
from core.hotsql import REFERENCE_GATE
from models import Pool, ProgramYear, db

pytestmark = pytest.mark.parametrize("database_url", ["postgres"], indirect=True)

CITY = "WHERE code = 'kota-balikpapan'"
CHANGES = [
    ("a pool is created", "INSERT INTO pool (code, name, year, region_prefix, capacity, held, "
     "priority, is_open, requires_dtks, sms_name, shares) SELECT 'baru', 'Baru', year, '64.71', 5, "
     "0, 9, true, false, '', 1 FROM programyear WHERE is_current", True),
    ("a pool is opened", f"UPDATE pool SET is_open = true {CITY}", True),
    ("a pool's DTKS rule changes", f"UPDATE pool SET requires_dtks = false {CITY}", True),
    ("a pool's region changes", f"UPDATE pool SET region_prefix = region_prefix {CITY}", True),
    ("a pool's capacity changes", f"UPDATE pool SET capacity = capacity + 1 {CITY}", False),
    ("a pool is renamed and reordered", f"UPDATE pool SET name = 'Kota', priority = 3 {CITY}", False),
    ("a pool is split", f"UPDATE pool SET shares = shares {CITY}", False),
    ("a pool's seats move", f"UPDATE pool SET held = held {CITY}", False),
    ("a kelurahan is renamed", "UPDATE region SET name = 'Manggar Baru' "
     "WHERE code = '64.71.01.1001'", False),
    ("an occupation is renamed", "UPDATE occupation SET name_en = 'Driver' WHERE code = 'ojol'", False),
    ("registration closes on a date", "UPDATE programyear SET closes_on = '2030-01-01'", False),
]


@pytest.mark.parametrize("what, statement, waits", CHANGES, ids=[c[0] for c in CHANGES])
def test_only_a_change_that_can_open_a_pool_to_someone_waits_for_the_gate(
        core_app, database_url, what, statement, waits):
    newcomer, admin = psycopg2.connect(database_url), psycopg2.connect(database_url)
    try:
        with newcomer.cursor() as cur:  # a newcomer joining the waiting list, not yet committed
            cur.execute("SELECT pg_advisory_xact_lock_shared(%s, 0)", [REFERENCE_GATE])
        with admin.cursor() as cur:
            cur.execute("SET lock_timeout = '300ms'")
            try:
                cur.execute(statement)
                waited = False
            except psycopg2.errors.LockNotAvailable:
                waited = True
        assert waited is waits
        admin.rollback()
        newcomer.rollback()  # the gate is free again: the change goes through
        with admin.cursor() as cur:
            cur.execute(statement)
        admin.rollback()
    finally:
        newcomer.close()
        admin.close()


OPERATIONS = [
    ("an admin renames and reorders a pool, more seats", lambda: pools.update_pool.__wrapped__(
        "kota-balikpapan", "Kota Balikpapan Baru", 7200, 3, False, "admin"), False),
    ("an admin changes a pool's DTKS rule", lambda: pools.update_pool.__wrapped__(
        "kota-balikpapan", "Kota Balikpapan", 7100, 1, True, "admin"), True),
    ("an admin changes a capacity", lambda: quota.set_capacity.__wrapped__(
        "kota-balikpapan", 7200, "admin"), False),
    ("an admin splits a pool", lambda: pools.set_shares.__wrapped__("kota-balikpapan", 4, "admin"),
     False),
    ("an admin opens a pool", lambda: quota.set_pool_open.__wrapped__(
        "kota-balikpapan", True, "admin"), True),
    ("an admin creates a pool", lambda: pools.create_pool.__wrapped__(
        "baru", "Baru", "64.71", 5, 9, False, "admin"), True),
    ("an admin opens the next year", lambda: program_year.open_year.__wrapped__(
        ProgramYear.current().year + 1, "admin"), True),
]


@pytest.mark.parametrize("what, operation, waits", OPERATIONS, ids=[o[0] for o in OPERATIONS])
def test_only_an_operation_that_can_open_a_pool_to_someone_waits_for_the_gate(
        core_app, database_url, what, operation, waits):
    assert Pool.get(Pool.code == "kota-balikpapan").requires_dtks is False
    newcomer = psycopg2.connect(database_url)
    try:
        with newcomer.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock_shared(%s, 0)", [REFERENCE_GATE])
        db.execute_sql("SET lock_timeout = '300ms'")
        try:
            outcome, waited = operation(), False
        except OperationalError as error:
            assert "lock timeout" in str(error)
            outcome, waited = None, True
        finally:
            db.execute_sql("RESET lock_timeout")
        assert waited is waits
        newcomer.rollback()
        assert waited or outcome.ok
        assert operation().ok  # the gate free again
    finally:
        newcomer.close()
