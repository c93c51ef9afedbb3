"""A tiny season over real gunicorn processes (web, signed SMS, staff): every invariant holds."""
from bench import season_checks
from bench.bench_season import STAFF_KINDS, play, prepare
from models import Registration, db

SIZE = 160


def test_a_small_season_keeps_every_invariant(database_url):
    prepare(database_url, SIZE)
    records, acknowledged, staff, _ = play(database_url, SIZE)
    assert not [k for k, v in records.items() if k not in STAFF_KINDS for _, ok in v if not ok]
    assert len(records["web registration"]) + len(records["sms message"]) > SIZE
    assert staff.promoted > 0 and records["capacity change"]
    assert season_checks.violations() == dict.fromkeys(season_checks.violations(), 0)
    with db.connection_context():
        assert Registration.select().count() == acknowledged
        assert Registration.select().where(Registration.channel == "sms").exists()
        assert Registration.select().where(Registration.status == "waitlisted").exists()
    db.close()
