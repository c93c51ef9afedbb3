"""What register() locks: one phone at a time, and only the pool whose seat it takes."""
import threading

import psycopg2
import pytest

from config import DEFAULT_RULES
from core import quota
from core.seats import seat_problems
from models import Pool, Registration, db
from tests.factories import applicant, make_phone
from tests.test_quota_races import in_thread

ONE_PER_PHONE = dict(DEFAULT_RULES, max_niks_per_phone=1)
SAMARINDA = "64.72.01.1001"


def paused_after_insert(monkeypatch):
    """Make the next insert_registration wait (inside its transaction) until `resume` is set."""
    inserted, resume = threading.Event(), threading.Event()
    original = quota.insert_registration

    def paused(*args, **kwargs):
        monkeypatch.setattr(quota, "insert_registration", original)  # only the first waits
        row = original(*args, **kwargs)
        inserted.set()
        resume.wait(10)
        return row

    monkeypatch.setattr(quota, "insert_registration", paused)
    return inserted, resume


def test_one_phone_registering_in_two_regencies_at_once_keeps_its_limit(core_app, monkeypatch):
    # Balikpapan takes a city seat, Samarinda a provincial one: two pool rows, one phone.
    inserted, resume = paused_after_insert(monkeypatch)
    out = []
    first = in_thread(core_app, lambda: quota.register(applicant(1), "web", ONE_PER_PHONE), out)
    assert inserted.wait(10)
    threading.Timer(0.5, resume.set).start()  # the first commits while the second waits
    second = quota.register(applicant(2, kelurahan=SAMARINDA, decl_dtks=True, phone=make_phone(1)),
                            "web", ONE_PER_PHONE)
    first.join()
    assert out[0].ok and second.errors == {"phone": "phone_limit"}
    assert Registration.select().count() == 1 and seat_problems() == []


@pytest.mark.parametrize("database_url", [pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_a_city_seat_is_taken_while_the_province_row_is_locked(core_app):
    # On DTKS, a Balikpapan resident is served by both pools; the city's seat is free.
    province = Pool.get(Pool.code == "prov-kaltim")
    other = psycopg2.connect(core_app.config["DATABASE_URL"])
    try:
        with other.cursor() as cur:  # another transaction holds the province's row
            cur.execute("SELECT id FROM pool WHERE id = %s FOR UPDATE", (province.id,))
            out = []
            work = lambda: quota.register(applicant(1, decl_dtks=True), "web", DEFAULT_RULES)  # noqa: E731
            worker = in_thread(core_app, work, out)
            worker.join(30)
            finished = not worker.is_alive()
        other.rollback()
        worker.join()
    finally:
        other.close()
    assert finished and out[0].registration.pool.code == "kota-balikpapan"
    db.close()

