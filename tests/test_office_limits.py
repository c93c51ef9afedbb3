"""A kelurahan office behind one address: its expected hour passes the public limits, staff are
never limited, and a stranger hammering from one address still is."""
import pytest

from models import Registration
from tests.conftest import make_app
from tests.factories import form, make_nik
from tests.staff_support import CHEAP_HASH, login, make_staff
from web import limit_store

OFFICE = {"REMOTE_ADDR": "203.0.113.7"}


class Clock:
    """time.time() for the rate-limit store, moved by hand."""

    def __init__(self):
        self.now = 1_800_000_000.0

    def time(self):
        return self.now


@pytest.fixture
def limited_app(sqlite_url, monkeypatch):
    clock = Clock()
    monkeypatch.setattr(limit_store, "time", clock)
    app = make_app(sqlite_url, RATELIMIT_ENABLED=True, STAFF_ARGON2=CHEAP_HASH)
    app.clock = clock
    return app


def test_an_offices_busy_hour_of_200_registrations_and_200_look_ups_all_pass(limited_app):
    client = limited_app.test_client()
    codes = []
    for n in range(200):  # one worker every 18 seconds, each checks the result afterwards
        codes.append(client.post("/daftar", data=form(n, phone=f"0812{n:08d}"),
                                 environ_base=OFFICE).status_code)
        ref = Registration.get(Registration.nik == make_nik(n)).ref
        codes.append(client.post("/status", data={"nik": make_nik(n), "ref": ref},
                                 environ_base=OFFICE).status_code)
        limited_app.clock.now += 18
    assert codes.count(303) == 400


def test_logged_in_staff_are_never_limited_but_strangers_are(limited_app):
    make_staff(limited_app, "siti", "admin")
    staff = limited_app.test_client()
    assert login(staff, "siti").status_code == 303
    stranger = limited_app.test_client()
    data = {"nik": "6471011203850001", "ref": "AAAA-AAAA"}
    staff_codes = [staff.post("/status", data=data, environ_base=OFFICE).status_code
                   for _ in range(90)]
    stranger_codes = [stranger.post("/status", data=data, environ_base=OFFICE).status_code
                      for _ in range(90)]
    assert staff_codes == [422] * 90
    assert stranger_codes.count(429) == 30  # the same address, anonymous: its 60/minute
    staff.post("/staff/keluar")
    assert staff.post("/status", data=data, environ_base=OFFICE).status_code == 429
