"""register()'s cheaper path: no savepoint (a refused row gives its seat back), prebuilt INSERTs."""
import pytest

from config import DEFAULT_RULES
from core import dtks, hotsql, quota, refcache, refs
from core.journal import audit, queue_sms
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
    real = hotsql.registration_facts
    calls = []

    def twin_unseen(year, phone, nik):  # as if the twin committed just after this check
        calls.append(nik)
        return real(year, phone, nik)._replace(nik_taken=False)

    monkeypatch.setattr(quota, "registration_facts", twin_unseen)
    outcome = register(1, phone="081377776666")
    assert outcome.errors == {"nik": "nik_taken"} and len(calls) == 1
    assert Pool.get(Pool.code == "kota-balikpapan").held == 1 and seats_agree()
    assert Registration.select().count() == 1 and first.id == Registration.get().id
    assert AuditEvent.select().count() == 1 and OutboxMessage.select().count() == 1


def test_one_statement_counts_the_phone_finds_the_nik_and_the_dtks_list(core_app):
    first = register(1).registration
    generation = refcache.read_generation()

    def facts(phone, nik):
        found = hotsql.registration_facts(first.year, phone, nik)
        assert found.generation == generation
        return found[:3]

    assert facts(first.phone, first.nik) == (1, True, False)
    assert facts("081300000000", "6471010101010001") == (0, False, False)
    dtks.replace_list([first.nik], "staff:admin")
    assert facts(first.phone, first.nik) == (1, True, True)
    quota.cancel(first, "worker:web")
    assert facts(first.phone, first.nik) == (0, False, True)


def test_prebuilt_inserts_write_what_peewee_would(core_app):
    reg = register(1).registration
    audit("staff:siti", "note", reg, "a", "b", pool="kota", n=2)
    audit("system", "bare")
    queue_sms(reg, "reminder", pool="kota")
    note = AuditEvent.get(AuditEvent.action == "note")
    assert (note.actor, note.registration_id, note.before, note.after, note.detail) == (
        "staff:siti", reg.id, "a", "b", {"pool": "kota", "n": 2})
    assert note.at is not None and AuditEvent.get(AuditEvent.action == "bare").detail is None
    sms = OutboxMessage.get(OutboxMessage.kind == "reminder")
    assert (sms.phone, sms.params, sms.registration_id, sms.status, sms.attempts) == (
        reg.phone, {"pool": "kota", "ref": reg.ref}, reg.id, "pending", 0)
    assert sms.created_at is not None and sms.next_attempt_at is not None and sms.sid is None
    with pytest.raises(TypeError):
        hotsql.insert(AuditEvent, {"actor": "x", "action": "y", "nonsense": 1})


def test_the_registration_returned_is_the_row_stored(core_app):
    for outcome in (register(1), register(2, decl_dtks=True)):
        stored = Registration.get_by_id(outcome.registration.id)
        returned = outcome.registration
        assert {k: returned.__data__.get(k) for k in stored.__data__} == stored.__data__
        assert returned.pool.code == stored.pool.code and returned.region.code == stored.region.code
