"""Pools for any region: a regency's pool first, the province after; DTKS conditions; bad pools."""
from config import DEFAULT_RULES
from core import pools, quota
from core.seats import seat_problems
from models import AuditEvent, Pool, Registration
from tests.factories import applicant

SAMARINDA = "64.72.01.1001"  # Rawa Makmur, Palaran
MANGGAR = "64.71.01.1001"


def register(n, **kw):
    return quota.register(applicant(n, **kw), "web", DEFAULT_RULES)


def samarinda_pool(capacity=1, **kw):
    outcome = pools.create_pool("kota-samarinda", "Kuota Kota Samarinda", "64.72", capacity, 1,
                                kw.pop("requires_dtks", False), "test", **kw)
    assert outcome.ok, outcome.errors
    return outcome.pool


def test_a_samarinda_resident_takes_the_samarinda_pool_then_the_province_when_it_is_full(core_app):
    samarinda_pool(capacity=1)
    first = register(1, kelurahan=SAMARINDA, decl_dtks=True).registration
    second = register(2, kelurahan=SAMARINDA, decl_dtks=True).registration
    assert first.pool.code == "kota-samarinda" and second.pool.code == "prov-kaltim"
    manggar = register(3, kelurahan=MANGGAR).registration  # the Samarinda pool is not Balikpapan's
    assert manggar.pool.code == "kota-balikpapan"
    assert seat_problems() == []


def test_a_non_dtks_samarinda_resident_gets_the_regency_pool_and_is_told_why_not_the_province(core_app):
    samarinda_pool(capacity=1)
    assert register(1, kelurahan=SAMARINDA).registration.pool.code == "kota-samarinda"
    outcome = register(2, kelurahan=SAMARINDA)  # the Samarinda pool is full; the province asks DTKS
    assert outcome.registration.status == "waitlisted" and outcome.notes == ["dtks_pool_skipped"]
    assert Pool.get(Pool.code == "prov-kaltim").held == 0


def test_a_dtks_only_pool_refuses_a_non_dtks_declarant_and_stores_nothing(core_app):
    outcome = register(1, kelurahan=SAMARINDA)  # only prov-kaltim serves Samarinda: DTKS only
    assert outcome.errors == {"decl_dtks": "dtks_required"}
    assert Registration.select().count() == 0


def test_a_freed_dtks_seat_skips_waiting_non_dtks_applicants(core_app):
    Pool.update(capacity=0).where(Pool.code == "kota-balikpapan").execute()
    Pool.update(capacity=1).where(Pool.code == "prov-kaltim").execute()
    holder = register(1, decl_dtks=True).registration
    plain = register(2).registration  # waits for the city pool only
    dtks = register(3, decl_dtks=True).registration
    promoted = quota.cancel(holder, "worker:web").promoted
    assert [r.id for r in promoted] == [dtks.id]
    assert Registration.get_by_id(plain.id).status == "waitlisted"


def test_a_new_pool_seats_those_already_waiting_that_it_serves(core_app):
    Pool.update(capacity=0).execute()
    waiting = register(1, kelurahan=SAMARINDA, decl_dtks=True).registration
    assert waiting.status == "waitlisted"
    outcome = pools.create_pool("kota-samarinda", "Kuota Kota Samarinda", "64.72", 5, 1, False, "t")
    assert [r.id for r in outcome.promoted] == [waiting.id]
    assert AuditEvent.select().where(AuditEvent.action == "create_pool").count() == 1


def test_bad_pools_are_refused_with_a_reason_and_change_nothing(core_app):
    before = Pool.select().count()
    cases = [
        (("kota-x", "Kuota X", "64.99", 10, 1), {"region": "region_unknown"}),
        (("kota-x", "Kuota X", "63.71", 10, 1), {"region": "region_unknown"}),  # not served
        (("kec-x", "Kuota X", "64.72.01", 10, 1), {"region": "pool_region_level"}),
        (("kel-x", "Kuota X", SAMARINDA, 10, 1), {"region": "pool_region_level"}),
        (("Kota X!", "Kuota X", "64.72", 10, 1), {"code": "pool_code_format"}),
        (("kota-balikpapan", "Lagi", "64.71", 10, 1), {"code": "pool_code_taken"}),
        (("kota-x", "", "64.72", 10, 1), {"name": "pool_name_required"}),
        (("kota-x", "Kuota X", "64.72", -1, 1), {"capacity": "capacity_format"}),
        (("kota-x", "Kuota X", "64.72", 10, 0), {"priority": "priority_format"}),
    ]
    for args, errors in cases:
        outcome = pools.create_pool(*args, False, "test", provinces=["64"])
        assert outcome.errors == errors, args
    assert Pool.select().count() == before


def test_a_pool_edit_never_takes_capacity_below_the_seats_held(core_app):
    register(1)
    register(2)
    outcome = pools.update_pool("kota-balikpapan", "Kuota Kota", 1, 3, True, "test")
    assert outcome.errors == {"capacity": "capacity_below_held"}
    pool = Pool.get(Pool.code == "kota-balikpapan")
    assert (pool.capacity, pool.priority, pool.requires_dtks, pool.name) == (
        7100, 1, False, "Kuota Kota Balikpapan")
    assert pools.update_pool("kota-balikpapan", "Kuota Kota", 2, 3, False, "test").ok
    assert Pool.get(Pool.code == "kota-balikpapan").capacity == 2


def test_pool_create_on_the_command_line(runner):
    result = runner.invoke(args=["pool", "create", "kota-samarinda", "--name", "Kuota Kota Samarinda",
                                 "--region", "64.72", "--capacity", "5000", "--priority", "1"])
    assert result.exit_code == 0, result.output
    assert "kota-samarinda: 5000 seats for 64.72, priority 1" in result.output
    bad = runner.invoke(args=["pool", "create", "kel", "--name", "Kuota", "--region", SAMARINDA,
                              "--capacity", "5", "--priority", "1", "--requires-dtks"])
    assert bad.exit_code != 0 and "one province or one regency" in bad.output
    listed = runner.invoke(args=["pool", "list"]).output
    assert "kota-samarinda" in listed and "kel " not in listed
