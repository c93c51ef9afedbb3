"""Demo data: realistic, valid-looking registrations in bulk that keep the seat rule."""
from collections import Counter

import pytest

from core.identity import normalize_phone, parse_nik
from core.seats import seat_problems
from models import (
    SEAT_STATUSES,
    AuditEvent,
    Pool,
    ProgramYear,
    Region,
    Registration,
    db,
)
from ops import demo_data

CHANNELS = {"web", "sms", "assisted"}


def small_pools(city=300, province=100):
    Pool.update(capacity=city).where(Pool.code == "kota-balikpapan").execute()
    Pool.update(capacity=province).where(Pool.code == "prov-kaltim").execute()


def test_registrations_look_real_and_keep_the_seat_rule(core_app):
    small_pools()
    made = demo_data.generate(1_000, seed=7)
    assert sum(made.values()) == 1_000 == Registration.select().count()
    assert set(made) == {"waitlisted", "pending", "approved", "enrolled", "rejected", "cancelled"}
    assert seat_problems() == []
    assert [p.held for p in Pool.of_year(ProgramYear.current())] == [300, 100]
    places = {r.code: r for r in Region.select()}
    for reg in Registration.select():
        nik = parse_nik(reg.nik)
        assert (nik.birth_date, nik.sex) == (reg.birth_date, reg.sex)
        assert normalize_phone(reg.phone) == reg.phone
        assert places[reg.region_id].level in ("village", "regency")
        assert reg.channel in CHANNELS and len(reg.ref) == 8
        assert (reg.pool_id is not None) == (reg.status in SEAT_STATUSES) or reg.status == "rejected"
        assert (reg.kpj is not None) == (reg.status == "enrolled")
        assert (reg.nik_active is None) == (reg.status == "cancelled")
    regions = Counter(r.region_id[:5] for r in Registration.select(Registration.region))
    assert regions["64.71"] > 0.4 * 1_000 and len(regions) == 10  # Balikpapan first, every regency


def test_nobody_waits_while_a_pool_that_serves_them_has_a_seat(core_app):
    small_pools(city=50, province=0)
    demo_data.generate(300, seed=1)
    waiting = Registration.select().where(Registration.status == "waitlisted")
    assert waiting.count() > 0
    assert Pool.get(Pool.code == "kota-balikpapan").left == 0
    residents = waiting.where(Registration.region.startswith("64.71."))
    first_wait = residents.order_by(Registration.id).first()
    later_seats = Registration.select().where(
        Registration.status.in_(SEAT_STATUSES) & (Registration.id > first_wait.id)
        & Registration.region.startswith("64.71."))
    assert later_seats.count() == 0


def test_a_second_run_adds_more_without_repeating_a_code_or_nik(app):
    with app.app_context(), db.connection_context():
        demo_data.generate(500, seed=3)
        demo_data.generate(500, seed=3)
        regs = list(Registration.select(Registration.ref, Registration.nik))
        assert len(regs) == 1_000
        assert len({r.ref for r in regs}) == 1_000 and len({r.nik for r in regs}) == 1_000
        assert seat_problems() == []
        assert AuditEvent.select().where(AuditEvent.action == "demo_data").count() == 2


def test_a_status_mix_for_benchmarks(app):
    with app.app_context(), db.connection_context():
        made = demo_data.generate(2_000, seed=5, mix={"approved": 1}, rejected=0, cancelled=0)
        assert made == {"approved": 2_000}


def test_cli_adds_registrations_with_a_progress_bar_and_a_summary(app, runner):
    result = runner.invoke(args=["demo-data", "--registrations", "250", "--seed", "2"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("demo-data: 250 registrations added (")
    assert result.stdout.rstrip().endswith("seat rule ok.") and "250/250" in result.stderr
    with app.app_context(), db.connection_context():
        assert Registration.select().count() == 250
        shown = result.output
        assert not any(r.nik in shown or r.phone[3:] in shown for r in Registration.select())
    bad = runner.invoke(args=["demo-data", "-n", "5", "--mix", "paid=1"])
    assert bad.exit_code == 2 and "--mix" in bad.output


@pytest.mark.slow
def test_one_hundred_thousand_registrations_keep_the_seat_rule(app):
    with app.app_context(), db.connection_context():
        made = demo_data.generate(100_000, seed=11)
        assert sum(made.values()) == Registration.select().count() == 100_000
        assert made["waitlisted"] > 70_000  # 19,100 places for 100,000 applicants
        assert seat_problems() == []
        assert sum(p.held for p in Pool.select()) == 19_100
