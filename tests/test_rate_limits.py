"""Public limits per address sized for an office behind one address; staff are never limited."""
from tests.conftest import make_app
from tests.factories import form
from tests.staff_support import CHEAP_HASH, logged_in

LOOKUP = {"nik": "6471011203850001", "ref": "X"}


def test_status_lookups_are_limited_per_address_and_the_page_says_when_to_try_again(sqlite_url):
    client = make_app(sqlite_url, RATELIMIT_ENABLED=True, LIMIT_STATUS_LOOKUP="3/minute").test_client()
    codes = [client.post("/status", data=LOOKUP).status_code for _ in range(4)]
    refused = client.post("/status", data=LOOKUP)
    assert codes == [422, 422, 422, 429] and refused.status_code == 429
    assert "Coba lagi dalam 1 menit" in refused.get_data(as_text=True)
    assert 0 < int(refused.headers["Retry-After"]) <= 60


def test_logged_in_staff_are_never_limited(sqlite_url):
    app = make_app(sqlite_url, RATELIMIT_ENABLED=True, LIMIT_STATUS_LOOKUP="2/minute",
                   LIMIT_REGISTER="2/minute", STAFF_ARGON2=CHEAP_HASH)
    officer = logged_in(app, "olga", "operator", kelurahan="64.71.01.1001")
    assert {officer.post("/status", data=LOOKUP).status_code for _ in range(6)} == {422}
    assert {officer.post("/daftar", data=form(n)).status_code for n in range(1, 6)} == {303}
    stranger = app.test_client()
    assert [stranger.post("/status", data=LOOKUP).status_code for _ in range(3)][-1] == 429


def test_a_logged_out_officer_is_limited_again(sqlite_url):
    app = make_app(sqlite_url, RATELIMIT_ENABLED=True, LIMIT_STATUS_LOOKUP="2/minute",
                   STAFF_ARGON2=CHEAP_HASH)
    officer = logged_in(app, "olga", "operator", kelurahan="64.71.01.1001")
    officer.post("/staff/keluar")
    assert [officer.post("/status", data=LOOKUP).status_code for _ in range(3)][-1] == 429
