"""Races the core must win, on SQLite and PostgreSQL: paused transactions, real threads."""
import threading

from config import DEFAULT_RULES
from core import quota
from models import Pool, Registration, db
from tests.factories import applicant


def capacities(city, province):
    Pool.update(capacity=city).where(Pool.code == "kota-balikpapan").execute()
    Pool.update(capacity=province).where(Pool.code == "prov-kaltim").execute()


def in_thread(app, work, out):
    def run():
        with app.app_context():
            db.connect(reuse_if_open=True)
            out.append(work())
            db.close()
    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_seat_freed_while_a_newcomer_is_joining_the_waiting_list_goes_to_them(core_app, monkeypatch):
    capacities(1, 0)
    holder = quota.register(applicant(1), "web", DEFAULT_RULES).registration
    inserted, resume = threading.Event(), threading.Event()
    original = quota.insert_registration

    def paused(*args, **kwargs):
        row = original(*args, **kwargs)
        inserted.set()
        resume.wait(10)
        return row

    monkeypatch.setattr(quota, "insert_registration", paused)
    out = []
    late = in_thread(core_app, lambda: quota.register(applicant(2), "web", DEFAULT_RULES), out)
    assert inserted.wait(10)
    monkeypatch.setattr(quota, "insert_registration", original)
    threading.Timer(0.5, resume.set).start()  # the newcomer commits while the cancel waits
    cancelled = quota.cancel(holder, "worker:web")
    late.join()
    newcomer = Registration.get_by_id(out[0].registration.id)
    assert [r.id for r in cancelled.promoted] == [newcomer.id] and newcomer.status == "pending"
    assert Pool.get(Pool.code == "kota-balikpapan").held == 1


def test_two_admins_reopening_one_registration_take_one_seat(core_app):
    capacities(2, 0)
    reg = quota.register(applicant(1), "web", DEFAULT_RULES).registration
    quota.reject(reg, "staff:v", "other")
    start, out = threading.Barrier(2), []

    def reopen():
        start.wait()
        return quota.reopen(reg, "staff:admin").ok

    threads = [in_thread(core_app, reopen, out) for _ in range(2)]
    for t in threads:
        t.join()
    assert sorted(out) == [False, True]
    pool = Pool.get(Pool.code == "kota-balikpapan")
    assert pool.held == Registration.count_held(pool) == 1


def test_opening_a_closed_pool_first_seats_those_already_waiting(core_app):
    capacities(5, 0)
    quota.set_pool_open("kota-balikpapan", False, "admin")
    # On DTKS: the open provincial pool (no seat) takes them onto the waiting list.
    waiting = quota.register(applicant(1, decl_dtks=True), "web", DEFAULT_RULES).registration
    assert waiting.status == "waitlisted"
    opened = quota.set_pool_open("kota-balikpapan", True, "admin")
    assert [r.id for r in opened.promoted] == [waiting.id]
    assert Registration.get_by_id(waiting.id).status == "pending"
