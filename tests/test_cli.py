"""The command line: init-db, pool list, set-capacity, open/close."""
from config import DEFAULT_RULES
from core import quota
from models import Pool, ProgramYear, Region, Registration, db
from tests.factories import applicant


def test_init_db_is_repeatable_and_seeds_once(runner):
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0 and "0 migration(s) applied" in result.output
    with db.connection_context():
        assert Region.select().count() == 1 + 10 + 105 + 1038 and Pool.select().count() == 2
        assert ProgramYear.select().count() == 1


def test_pool_list_prints_capacity_held_and_waiting(runner):
    with db.connection_context():
        Pool.update(capacity=1).where(Pool.code == "kota-balikpapan").execute()
        Pool.update(capacity=0).where(Pool.code == "prov-kaltim").execute()
        for n in range(3):  # on DTKS: the provincial pool's waiting list counts them too
            quota.register(applicant(n, decl_dtks=True), "web", DEFAULT_RULES)
    out = runner.invoke(args=["pool", "list"]).output.splitlines()
    assert out[0].split() == ["code", "open", "capacity", "held", "waiting", "shares"]
    assert out[1].split() == ["kota-balikpapan", "yes", "1", "1", "2", "1"]
    assert out[2].split() == ["prov-kaltim", "yes", "0", "0", "2", "1"]


def test_set_capacity_refuses_to_go_below_seats_held(runner):
    with db.connection_context():
        Pool.update(capacity=2).where(Pool.code == "kota-balikpapan").execute()
        Pool.update(capacity=0).where(Pool.code == "prov-kaltim").execute()
        for n in range(3):  # on DTKS: the provincial pool's waiting list counts them too
            quota.register(applicant(n, decl_dtks=True), "web", DEFAULT_RULES)
    refused = runner.invoke(args=["pool", "set-capacity", "kota-balikpapan", "1"])
    assert refused.exit_code != 0 and "below the seats already held" in refused.output
    grown = runner.invoke(args=["pool", "set-capacity", "kota-balikpapan", "5"])
    assert grown.exit_code == 0 and "1 promoted" in grown.output
    with db.connection_context():
        assert Registration.select().where(Registration.status == "waitlisted").count() == 0


def test_unknown_pool_is_an_error(runner):
    assert runner.invoke(args=["pool", "close", "nope"]).exit_code != 0


def test_close_and_open_a_pool(runner):
    assert runner.invoke(args=["pool", "close", "kota-balikpapan"]).exit_code == 0
    with db.connection_context():
        assert not Pool.get(Pool.code == "kota-balikpapan").is_open
    assert runner.invoke(args=["pool", "open", "kota-balikpapan"]).exit_code == 0
    with db.connection_context():
        assert Pool.get(Pool.code == "kota-balikpapan").is_open
