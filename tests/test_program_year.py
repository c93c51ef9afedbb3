"""The program year: a new year with its pools, members carried to re-verification, the window."""
import datetime as dt
import threading

import pytest

from config import DEFAULT_RULES
from core import program_year, quota, reverification
from core.reverification import Reverification
from database import migrate
from models import (
    AuditEvent,
    OutboxMessage,
    Pool,
    ProgramYear,
    Registration,
    SchemaMigration,
    db,
)
from tests.factories import applicant

TODAY = dt.date(2025, 10, 15)


def registered(n, status="pending"):
    """A registration through the core, taken on to status (approved or enrolled)."""
    reg = quota.register(applicant(n), "web", DEFAULT_RULES).registration
    if status in ("approved", "enrolled"):
        assert quota.approve(reg, "staff:test").ok
    if status == "enrolled":
        assert quota.record_membership(reg, f"2600000000{n}", "staff:test").ok
    return Registration.get_by_id(reg.id)


def this_year():
    return ProgramYear.current().year


def test_a_new_year_gets_last_years_pools_empty_and_becomes_current(core_app):
    old = this_year()
    Pool.update(capacity=7500).where(Pool.code == "kota-balikpapan").execute()
    registered(1)
    outcome = program_year.open_year(old + 1, "staff:admin", closes_on=dt.date(old, 11, 30))
    assert outcome.ok and outcome.pools == 2
    assert this_year() == old + 1 and not ProgramYear.get_by_id(old).is_open
    pools = [(p.code, p.capacity, p.held, p.priority, p.region_prefix) for p in Pool.of_year(old + 1)]
    assert pools == [("kota-balikpapan", 7500, 0, 1, "64.71"), ("prov-kaltim", 12000, 0, 2, "64")]
    assert Pool.get((Pool.year == old) & (Pool.code == "kota-balikpapan")).held == 1
    event = AuditEvent.get(AuditEvent.action == "open_year")
    assert (event.actor, event.before, event.after) == ("staff:admin", str(old), str(old + 1))
    assert quota.register(applicant(2), "web", DEFAULT_RULES).registration.year_id == old + 1


@pytest.mark.parametrize("offset, kwargs, error", [
    (0, {}, {"year": "year_exists"}),
    (1, dict(copy_from=1999), {"copy_from": "year_unknown"}),
    (1, dict(opens_on=dt.date(2030, 9, 1), closes_on=dt.date(2030, 8, 31)),
     {"closes_on": "window_order"}),
])
def test_opening_a_year_is_refused_with_a_reason(core_app, offset, kwargs, error):
    outcome = program_year.open_year(this_year() + offset, "cli", **kwargs)
    assert outcome.errors == error
    assert ProgramYear.select().count() == 1 and Pool.select().count() == 2


def test_last_years_members_go_to_re_verification_not_to_a_new_registration(core_app):
    old = this_year()
    members = [registered(n, "enrolled") for n in (1, 2)]
    registered(3, "approved"), registered(4)
    outcome = program_year.open_year(old + 1, "cli")
    assert outcome.carried == 2
    listed = list(Reverification.of_year(old + 1))
    assert [(r.previous_id, r.nik, r.kpj, r.status) for r in listed] == [
        (m.id, m.nik, m.kpj, "open") for m in members]
    assert Registration.select().where(Registration.year == old + 1).count() == 0
    assert reverification.carry_over(old, old + 1) == 0


def test_confirming_a_member_gives_an_approved_seat_in_the_new_year(core_app):
    old = this_year()
    member = registered(1, "enrolled")
    program_year.open_year(old + 1, "cli")
    rev = Reverification.of_year(old + 1).get()
    outcome = reverification.confirm(rev.id, "staff:verifier")
    reg = outcome.registration
    assert outcome.ok and (reg.year_id, reg.status, reg.nik, reg.channel) == (
        old + 1, "approved", member.nik, "reverify")
    assert reg.ref != member.ref and reg.pool.code == "kota-balikpapan"
    assert Pool.get_by_id(reg.pool_id).held == Registration.count_held(reg.pool_id) == 1
    assert OutboxMessage.get(OutboxMessage.registration == reg).kind == "approved"
    assert Reverification.get_by_id(rev.id).status == "confirmed"
    assert reverification.confirm(rev.id, "staff:verifier").errors == {"form": "cannot_reverify"}
    again = quota.register(applicant(1), "web", DEFAULT_RULES)
    assert again.errors == {"nik": "nik_taken"}


def test_confirming_without_a_free_seat_changes_nothing(core_app):
    old = this_year()
    registered(1, "enrolled")
    program_year.open_year(old + 1, "cli")
    Pool.update(capacity=0).where(Pool.year == old + 1).execute()
    rev = Reverification.of_year(old + 1).get()
    assert reverification.confirm(rev.id, "cli").errors == {"form": "no_seat"}
    assert Reverification.get_by_id(rev.id).status == "open"
    assert Registration.select().where(Registration.year == old + 1).count() == 0
    assert [p.held for p in Pool.of_year(old + 1)] == [0, 0]


def test_a_member_who_registered_again_cannot_also_be_confirmed(core_app):
    old = this_year()
    registered(1, "enrolled")
    program_year.open_year(old + 1, "cli")
    registered(1)
    rev = Reverification.of_year(old + 1).get()
    assert reverification.confirm(rev.id, "cli").errors == {"nik": "registered_again"}
    assert reverification.drop(rev.id, "staff:verifier", "registered_again").ok
    assert Reverification.get_by_id(rev.id).status == "dropped"
    assert AuditEvent.get(AuditEvent.action == "reverify_drop").detail["reason"] == "registered_again"
    assert reverification.drop(rev.id, "cli", "again").errors == {"form": "cannot_reverify"}


def test_two_clicks_on_confirm_at_once_confirm_once(core_app, monkeypatch):
    old = this_year()
    registered(1, "enrolled")
    program_year.open_year(old + 1, "cli")
    rev = Reverification.of_year(old + 1).get()
    both_inside, pools_for, outcomes = threading.Barrier(2, timeout=1), quota.pools_serving, []

    def slow_pools_for(*args):
        try:  # hold the first click here until the second catches up (or a second has passed)
            both_inside.wait()
        except threading.BrokenBarrierError:
            pass
        return pools_for(*args)

    def click():
        with core_app.app_context(), db.connection_context():
            outcomes.append(reverification.confirm(rev.id, "staff:verifier").errors)

    monkeypatch.setattr(quota, "pools_serving", slow_pools_for)
    clicks = [threading.Thread(target=click) for _ in range(2)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join()
    db.connect(reuse_if_open=True)
    assert sorted(outcomes, key=len) == [{}, {"form": "cannot_reverify"}]
    assert Registration.select().where(Registration.year == old + 1).count() == 1
    assert sum(p.held for p in Pool.of_year(old + 1)) == 1


def test_a_nik_registered_while_confirming_is_reported_as_taken(core_app, monkeypatch):
    old = this_year()
    registered(1, "enrolled")
    program_year.open_year(old + 1, "cli")
    rev = Reverification.of_year(old + 1).get()
    pools_for = quota.pools_serving

    def registering_meanwhile(*args):
        # The same NIK registers after confirm's check and before its insert.
        monkeypatch.setattr(quota, "pools_serving", pools_for)
        assert quota.register(applicant(1), "web", DEFAULT_RULES).ok
        return pools_for(*args)

    monkeypatch.setattr(quota, "pools_serving", registering_meanwhile)
    assert reverification.confirm(rev.id, "cli").errors == {"nik": "registered_again"}
    assert Reverification.get_by_id(rev.id).status == "open"


def test_closing_by_hand_stops_registration_and_reopening_starts_it(core_app):
    assert program_year.close_registration("staff:admin").ok
    refused = quota.register(applicant(1), "web", DEFAULT_RULES)
    assert refused.errors == {"form": "registration_closed"}
    assert program_year.window().state == "closed" and not program_year.window().is_open
    assert program_year.reopen_registration("staff:admin", until=dt.date(2099, 11, 30)).ok
    assert quota.register(applicant(1), "web", DEFAULT_RULES).ok
    assert [e.action for e in AuditEvent.select().where(AuditEvent.action.endswith("registration"))
            .order_by(AuditEvent.id)] == ["close_registration", "open_registration"]


@pytest.mark.parametrize("opens_on, closes_on, state, is_open", [
    (None, None, "open", True),
    (None, TODAY, "open", True),  # the last day is included
    (None, TODAY - dt.timedelta(days=1), "ended", False),
    (TODAY + dt.timedelta(days=1), None, "not_yet", False),
    (TODAY, TODAY + dt.timedelta(days=45), "open", True),
])
def test_the_window_says_whether_registration_is_open_and_until_when(core_app, opens_on, closes_on,
                                                                     state, is_open):
    ProgramYear.update(opens_on=opens_on, closes_on=closes_on).execute()
    window = program_year.window(TODAY)
    assert (window.state, window.is_open, window.opens_on, window.closes_on) == (
        state, is_open, opens_on, closes_on)
    registered_ok = quota.register(applicant(1), "web", DEFAULT_RULES, today=TODAY).ok
    assert registered_ok == is_open


def test_closing_by_date_keeps_registration_open_until_that_day(core_app):
    program_year.close_registration("cli", on=TODAY)
    assert program_year.window(TODAY).is_open
    assert program_year.window(TODAY + dt.timedelta(days=1)).state == "ended"


def test_no_current_year_means_closed(app):
    with app.app_context(), db.connection_context():
        ProgramYear.update(is_current=False).execute()
        assert program_year.window().state == "none"
        assert program_year.close_registration("cli").errors == {"year": "year_unknown"}


def test_cli_opens_lists_closes_and_re_verifies(app, runner):
    with app.app_context(), db.connection_context():
        registered(1, "enrolled")
        old = this_year()
    opened = runner.invoke(args=["year", "open", str(old + 1), "--closes-on", f"{old + 1}-11-30"])
    assert opened.exit_code == 0, opened.output
    assert "2 pools, 1 members to re-verify" in opened.output
    listing = runner.invoke(args=["year", "list"]).output.splitlines()
    assert listing[2].split() == [str(old + 1), "yes", "yes", "-", f"{old + 1}-11-30", "2", "0", "1"]
    assert runner.invoke(args=["year", "open", str(old + 1)]).exit_code == 1
    pending = runner.invoke(args=["year", "reverify"]).output.split()
    confirmed = runner.invoke(args=["year", "reverify", pending[0]])
    assert confirmed.exit_code == 0 and confirmed.output.startswith(f"{pending[0]}: ok ")
    closed = runner.invoke(args=["year", "close"])
    assert closed.exit_code == 0 and "closed" in closed.output
    with app.app_context(), db.connection_context():
        assert not ProgramYear.current().is_open
        assert Registration.select().where(Registration.year == old + 1).count() == 1


def test_migration_0003_adds_the_re_verification_table_to_an_older_database(app):
    with app.app_context(), db.connection_context():
        db.drop_tables([Reverification])
        SchemaMigration.delete().where(SchemaMigration.name == "0003_program_year").execute()
    assert migrate() == ["0003_program_year"]
    with app.app_context(), db.connection_context():
        assert "reverification" in db.get_tables() and Reverification.select().count() == 0
