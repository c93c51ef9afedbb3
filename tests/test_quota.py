"""The quota core's rules and lifecycle, on SQLite and on PostgreSQL."""
import datetime as dt

import pytest

from config import DEFAULT_RULES
from core import clock, quota, refs
from models import AuditEvent, OutboxMessage, Pool, ProgramYear, Region, Registration
from tests.factories import applicant, make_nik

SAMARINDA = "64.72.01.1001"  # Rawa Makmur, Palaran
MANGGAR = "64.71.01.1001"


def capacity(code, n):
    Pool.update(capacity=n).where(Pool.code == code).execute()


def register(n, channel="web", **kw):
    return quota.register(applicant(n, **kw), channel, DEFAULT_RULES)


def held(code):
    return Pool.get(Pool.code == code).held


def test_balikpapan_resident_gets_a_city_seat_and_a_code(core_app):
    outcome = register(1)
    reg = outcome.registration
    assert outcome.ok and reg.status == "pending" and reg.pool.code == "kota-balikpapan"
    assert len(reg.ref) == 8 and set(reg.ref) <= set(refs.REF_ALPHABET)
    assert held("kota-balikpapan") == 1


def test_codes_are_neither_sequential_nor_repeated(core_app):
    refs = [register(i).registration.ref for i in range(30)]
    assert len(set(refs)) == 30 and refs != sorted(refs)


def test_city_full_sends_a_balikpapan_resident_to_the_province_pool(core_app):
    capacity("kota-balikpapan", 1)
    register(1)
    reg = register(2, decl_dtks=True).registration  # the provincial pool requires DTKS
    assert reg.status == "pending" and reg.pool.code == "prov-kaltim"


def test_other_kaltim_resident_goes_only_to_the_province_pool(core_app):
    capacity("prov-kaltim", 1)
    first = register(1, kelurahan=SAMARINDA, decl_dtks=True).registration
    second = register(2, kelurahan=SAMARINDA, decl_dtks=True)
    assert first.pool.code == "prov-kaltim"
    assert second.registration.status == "waitlisted" and second.position == 1
    assert held("kota-balikpapan") == 0


def test_resident_outside_kaltim_is_not_eligible(core_app):
    Region.create(code="31.71", level="regency", name="Kota Jakarta Pusat", parent="31")
    outcome = register(1, kelurahan="31.71")
    assert outcome.errors == {"kelurahan": "region_not_eligible"}
    assert Registration.select().count() == 0


def test_nik_from_elsewhere_is_no_refusal(core_app):
    outcome = register(1, nik=make_nik(1, region="317101"))
    assert outcome.ok and outcome.registration.status == "pending"


def test_every_full_pool_means_the_waiting_list_in_order(core_app):
    capacity("kota-balikpapan", 0)
    capacity("prov-kaltim", 0)
    positions = [register(i).position for i in range(3)]
    assert positions == [1, 2, 3]
    assert Registration.select().where(Registration.status == "waitlisted").count() == 3


def test_second_registration_with_the_same_nik_is_refused_and_stores_nothing(core_app):
    register(1)
    again = register(1, phone="081399998888", name="Orang Lain")
    assert again.errors == {"nik": "nik_taken"}
    assert Registration.select().count() == 1 and held("kota-balikpapan") == 1


def test_a_cancelled_nik_may_register_again(core_app):
    first = register(1).registration
    assert quota.cancel(first, "worker:web").ok
    assert register(1).ok


def test_one_phone_may_register_up_to_the_configured_number_of_niks(core_app):
    for i in range(3):
        assert register(i, phone="081211112222").ok
    assert register(9, phone="081211112222").errors == {"phone": "phone_limit"}


@pytest.mark.parametrize("birth,key", [
    (dt.date(1940, 1, 1), "age_too_old"),
    (clock.today() - dt.timedelta(days=365 * 10), "age_too_young"),
])
def test_age_limits_come_from_configuration(core_app, birth, key):
    assert register(1, birth=birth).errors == {"birth_date": key}


def test_birth_date_must_agree_with_the_nik(core_app):
    outcome = register(1, birth_date="1985-03-13")
    assert outcome.errors == {"birth_date": "birth_date_mismatch"}


def test_declarations_are_required(core_app):
    outcome = register(1, decl_income=False, decl_not_participant=False)
    assert outcome.errors == {"decl_income": "declaration_required",
                              "decl_not_participant": "declaration_required"}


def test_closed_program_year_takes_no_registrations(core_app):
    ProgramYear.update(is_open=False).execute()
    assert register(1).errors == {"form": "registration_closed"}


def test_closing_the_city_pool_sends_newcomers_to_the_province(core_app):
    assert quota.set_pool_open("kota-balikpapan", False, "test").ok
    assert register(1, decl_dtks=True).registration.pool.code == "prov-kaltim"


def test_cancel_returns_the_seat_to_the_oldest_matching_waiter(core_app):
    capacity("kota-balikpapan", 1)
    capacity("prov-kaltim", 0)
    holder = register(1).registration
    samarinda = register(2, kelurahan=SAMARINDA, decl_dtks=True).registration  # no city seat
    local = register(3).registration
    outcome = quota.cancel(holder, "worker:web")
    assert [r.id for r in outcome.promoted] == [local.id]
    assert Registration.get_by_id(local.id).status == "pending"
    assert Registration.get_by_id(samarinda.id).status == "waitlisted"
    assert held("kota-balikpapan") == 1
    assert OutboxMessage.select().where(OutboxMessage.kind == "promoted").count() == 1


def test_lifecycle_approve_enrol(core_app):
    reg = register(1).registration
    assert quota.approve(reg, "staff:v").ok
    assert not quota.approve(reg, "staff:v").ok  # already approved
    assert quota.record_membership(reg, "12345678901", "staff:a").ok
    reg = Registration.get_by_id(reg.id)
    assert reg.status == "enrolled" and reg.kpj == "12345678901"
    assert not quota.cancel(reg, "worker:web").ok
    assert held("kota-balikpapan") == 1
    actions = [e.action for e in AuditEvent.select().order_by(AuditEvent.id)]
    assert actions == ["register", "approve", "enroll"]


def test_reject_frees_the_seat_and_promotes_then_reopen_waits(core_app):
    capacity("kota-balikpapan", 1)
    capacity("prov-kaltim", 0)
    first, second = register(1).registration, register(2).registration
    outcome = quota.reject(first, "staff:v", "not_resident", "alamat di luar kota")
    assert outcome.ok and [r.id for r in outcome.promoted] == [second.id]
    rejected = Registration.get_by_id(first.id)
    assert rejected.reject_reason == "not_resident" and rejected.pool_id is not None
    assert register(1).errors == {"nik": "nik_taken"}  # rejected NIK may not simply re-apply
    assert quota.reopen(rejected, "staff:admin").registration.status == "waitlisted"
    assert held("kota-balikpapan") == 1


def test_capacity_never_goes_below_seats_held_and_growth_promotes(core_app):
    capacity("kota-balikpapan", 2)
    capacity("prov-kaltim", 0)
    for i in range(4):
        register(i)
    assert quota.set_capacity("kota-balikpapan", 1, "admin").errors == {"capacity": "capacity_below_held"}
    grown = quota.set_capacity("kota-balikpapan", 3, "admin")
    assert grown.ok and len(grown.promoted) == 1 and held("kota-balikpapan") == 3


def test_web_registrations_queue_a_confirmation_and_sms_ones_do_not(core_app):
    register(1)
    register(2, channel="sms")
    kinds = [(m.kind, m.params["ref"]) for m in OutboxMessage.select()]
    assert len(kinds) == 1 and kinds[0][0] == "registered"


def test_a_worker_finds_their_own_registration_only_with_a_second_secret(core_app):
    reg = register(1).registration
    nik = reg.nik
    assert quota.find_own(nik, ref=reg.ref.lower()).id == reg.id
    assert quota.find_own(nik, ref=refs.format_ref(reg.ref)).id == reg.id
    assert quota.find_own(nik, birth_date=dt.date(1985, 3, 12)).id == reg.id
    assert quota.find_own(nik, ref="AAAAAAAA") is None
    assert quota.find_own(nik, birth_date=dt.date(1985, 3, 13)) is None
    assert quota.find_own(nik) is None


def test_held_counter_matches_the_registrations(core_app):
    capacity("kota-balikpapan", 3)
    regs = [register(i).registration for i in range(6)]
    quota.cancel(regs[0], "w")
    quota.reject(regs[1], "s", "other")
    for pool in Pool.select():
        assert pool.held == Registration.count_held(pool) <= pool.capacity
