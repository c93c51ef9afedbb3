"""Staff login: argon2 hashes, lockout per account, a limit per address, sessions that end, the CLI."""
import datetime as dt
import time

import pytest

from models import AuditEvent, StaffUser, now
from tests.conftest import make_app
from tests.staff_support import (  # noqa: F401
    CHEAP_HASH,
    PASSWORD,
    logged_in,
    login,
    make_staff,
    staff,
    staff_app,
    text,
)


def test_passwords_are_stored_as_argon2id_hashes_never_as_given(staff_app):
    make_staff(staff_app, "vera", "verifier")
    stored = staff("vera").password_hash
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_the_right_password_logs_in_and_lands_on_the_queue(staff_app):
    make_staff(staff_app, "vera", "verifier")
    client = staff_app.test_client()
    response = login(client, "vera")
    assert response.status_code == 303 and response.headers["Location"] == "/staff"
    assert "Antrean pemeriksaan" in text(client.get("/staff"))
    assert AuditEvent.get(AuditEvent.action == "login").actor == "staff:vera"


def test_a_wrong_password_and_an_unknown_name_get_the_same_answer(staff_app):
    make_staff(staff_app, "vera", "verifier")
    client = staff_app.test_client()
    wrong, unknown = login(client, "vera", "salah-salah-salah"), login(client, "nobody", "whatever-it-is")
    assert wrong.status_code == unknown.status_code == 422
    assert "Nama pengguna atau kata sandi salah." in text(wrong)
    assert "Nama pengguna atau kata sandi salah." in text(unknown)
    assert client.get("/staff").status_code == 303


def test_five_failures_lock_the_account_even_for_the_right_password(staff_app):
    make_staff(staff_app, "vera", "verifier")
    client = staff_app.test_client()
    for _ in range(5):
        assert login(client, "vera", "tebakan-yang-salah").status_code == 422
    response = login(client, "vera")
    assert response.status_code == 422 and "dikunci sementara" in text(response)
    assert staff("vera").locked_until > now() + dt.timedelta(minutes=14)
    assert AuditEvent.select().where(AuditEvent.action == "login_failed").count() == 5
    assert AuditEvent.select().where(AuditEvent.action == "lockout").count() == 1


def test_the_lock_ends_after_its_time(staff_app):
    make_staff(staff_app, "vera", "verifier")
    StaffUser.update(locked_until=now() - dt.timedelta(seconds=1)).execute()
    assert login(staff_app.test_client(), "vera").status_code == 303
    assert staff("vera").failed_logins == 0 and staff("vera").locked_until is None


def test_a_success_resets_the_failure_count(staff_app):
    make_staff(staff_app, "vera", "verifier")
    client = staff_app.test_client()
    for _ in range(4):
        login(client, "vera", "tebakan-yang-salah")
    assert login(client, "vera").status_code == 303
    assert staff("vera").failed_logins == 0


def test_login_posts_are_rate_limited_per_address(sqlite_url):
    limited = make_app(sqlite_url, RATELIMIT_ENABLED=True, STAFF_LOGIN_LIMIT="3/minute",
                       STAFF_ARGON2=CHEAP_HASH)
    client = limited.test_client()
    statuses = [login(client, f"user{i}", "whatever-it-is").status_code for i in range(4)]
    assert statuses == [422, 422, 422, 429]


def test_logout_ends_the_session(staff_app):
    client = logged_in(staff_app, "vera", "verifier")
    response = client.post("/staff/keluar")
    assert response.status_code == 303 and response.headers["Location"] == "/staff/masuk"
    assert client.get("/staff").status_code == 303
    assert AuditEvent.select().where(AuditEvent.action == "logout").count() == 1


@pytest.mark.parametrize("key, age", [("staff_seen", 31 * 60), ("staff_login", 8 * 3600 + 1)])
def test_a_session_ends_when_idle_or_too_old(staff_app, key, age):
    client = logged_in(staff_app, "vera", "verifier")
    with client.session_transaction() as session:
        session[key] = int(time.time()) - age
    response = client.get("/staff")
    assert response.status_code == 303 and response.headers["Location"].startswith("/staff/masuk")
    assert "Sesi Anda berakhir" in text(client.get(response.headers["Location"]))


def test_the_session_cookie_is_httponly_and_samesite(staff_app):
    make_staff(staff_app, "vera", "verifier")
    cookie = login(staff_app.test_client(), "vera").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie


def test_disabling_an_account_or_changing_its_password_ends_its_sessions(staff_app):
    client = logged_in(staff_app, "vera", "verifier")
    StaffUser.update(password_hash=StaffUser.password_hash + "x").execute()
    assert client.get("/staff").status_code == 303
    client = logged_in(staff_app, "olga", "operator", kelurahan="64.71.01.1001")
    StaffUser.update(active=False).where(StaffUser.username == "olga").execute()
    assert client.get("/staff").status_code == 303


def test_a_disabled_account_cannot_log_in(staff_app):
    make_staff(staff_app, "vera", "verifier")
    StaffUser.update(active=False).execute()
    assert login(staff_app.test_client(), "vera").status_code == 422


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "/daftar"])
def test_login_never_redirects_off_the_staff_pages(staff_app, target):
    make_staff(staff_app, "vera", "verifier")
    client = staff_app.test_client()
    response = client.post("/staff/masuk", data={"username": "vera", "password": PASSWORD, "next": target})
    assert response.headers["Location"] == "/staff"


def test_login_returns_to_the_page_asked_for(staff_app):
    make_staff(staff_app, "vera", "verifier")
    client = staff_app.test_client()
    asked = client.get("/staff/dasbor")
    assert asked.headers["Location"] == "/staff/masuk?next=/staff/dasbor"
    response = client.post("/staff/masuk", data={"username": "vera", "password": PASSWORD,
                                                 "next": "/staff/dasbor"})
    assert response.headers["Location"] == "/staff/dasbor"


def test_cli_creates_an_account_with_the_password_from_stdin(staff_app):
    staff_app.config["STAFF_ARGON2"] = CHEAP_HASH
    runner = staff_app.test_cli_runner()
    result = runner.invoke(args=["staff", "create", "Admin1", "--role", "admin", "--password-stdin"],
                           input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "Account 'admin1' created (admin)." in result.output
    assert login(staff_app.test_client(), "admin1").status_code == 303


def test_cli_asks_twice_for_the_password_without_stdin(staff_app):
    runner = staff_app.test_cli_runner()
    result = runner.invoke(args=["staff", "create", "vera", "--role", "verifier", "--agency", "DPPP"],
                           input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert staff("vera").agency == "DPPP"


@pytest.mark.parametrize("args, message", [
    (["staff", "create", "olga", "--role", "operator", "--password-stdin"], "kelurahan: An operator must be tied"),
    (["staff", "create", "x", "--role", "admin", "--password-stdin"], "username: Username: 3-64"),
    (["staff", "create", "vera", "--role", "verifier", "--agency", "Polisi", "--password-stdin"],
     "agency: Choose an agency"),
])
def test_cli_refuses_a_bad_account(staff_app, args, message):
    result = staff_app.test_cli_runner().invoke(args=args, input=PASSWORD + "\n")
    assert result.exit_code == 1 and message in result.output
    assert StaffUser.select().count() == 0


def test_cli_refuses_a_short_password_and_a_taken_name(staff_app):
    runner = staff_app.test_cli_runner()
    short = runner.invoke(args=["staff", "create", "vera", "--role", "verifier", "--password-stdin"],
                          input="pendek\n")
    assert short.exit_code == 1 and "at least 12" in short.output
    make_staff(staff_app, "vera", "verifier")
    taken = runner.invoke(args=["staff", "create", "vera", "--role", "admin", "--password-stdin"],
                          input=PASSWORD + "\n")
    assert taken.exit_code == 1 and "already taken" in taken.output


def test_cli_unlocks_and_sets_a_password(staff_app):
    make_staff(staff_app, "vera", "verifier")
    StaffUser.update(locked_until=now() + dt.timedelta(minutes=10), failed_logins=3).execute()
    runner = staff_app.test_cli_runner()
    assert runner.invoke(args=["staff", "unlock", "vera"]).exit_code == 0
    assert staff("vera").locked_until is None
    new = "sandi-baru-yang-panjang"
    assert runner.invoke(args=["staff", "set-password", "vera", "--password-stdin"], input=new + "\n").exit_code == 0
    assert login(staff_app.test_client(), "vera", new).status_code == 303
    listing = runner.invoke(args=["staff", "list"]).output
    assert "vera" in listing and "verifier" in listing
