"""PostgreSQL: which changes to reference data wait for a newcomer holding the reference gate.

Only a change that can make a pool serve someone it did not (a pool created, opened, or no longer
requiring DTKS) takes the gate (core/hotsql.py gate_reference); the others raise the generation
without waiting, so an import of regions or a capacity change never holds newcomers up.
"""
import psycopg2
import pytest

from core.hotsql import REFERENCE_GATE

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
