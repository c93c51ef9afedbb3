"""register() without a savepoint: a row refused by a unique key gives its seat back itself."""
from config import DEFAULT_RULES
from core import quota, refs
from models import AuditEvent, OutboxMessage, Pool, Registration
from tests.factories import applicant


def register(n, **kw):
    return quota.register(applicant(n, **kw), "web", DEFAULT_RULES)


def seats_agree():
    return all(Registration.count_held(p) == p.held for p in Pool.select())


def test_a_taken_code_is_drawn_again_and_the_seat_is_held_once(core_app, monkeypatch):
    first = register(1).registration
    codes = iter([first.ref, first.ref, "KKKKKKKK"])
    monkeypatch.setattr(refs, "new_ref", lambda: next(codes))
    outcome = register(2)
    assert outcome.ok and outcome.registration.ref == "KKKKKKKK"
    assert Pool.get(Pool.code == "kota-balikpapan").held == 2 and seats_agree()


def test_a_twin_nik_refused_by_the_index_gives_its_seat_back(core_app, monkeypatch):
    first = register(1).registration
    real = refs.nik_counts
    calls = []

    def late_twin(year, nik):  # the twin is not seen before the insert, only after it
        calls.append(nik)
        return len(calls) > 1 and real(year, nik)

    monkeypatch.setattr(refs, "nik_counts", late_twin)
    outcome = register(1, phone="081377776666")
    assert outcome.errors == {"nik": "nik_taken"} and len(calls) == 2
    assert Pool.get(Pool.code == "kota-balikpapan").held == 1 and seats_agree()
    assert Registration.select().count() == 1 and first.id == Registration.get().id
    assert AuditEvent.select().count() == 1 and OutboxMessage.select().count() == 1


def test_the_registration_returned_is_the_row_stored(core_app):
    for outcome in (register(1), register(2, decl_dtks=True)):
        stored = Registration.get_by_id(outcome.registration.id)
        returned = outcome.registration
        assert {k: returned.__data__.get(k) for k in stored.__data__} == stored.__data__
        assert returned.pool.code == stored.pool.code and returned.region.code == stored.region.code
