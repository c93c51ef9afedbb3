"""PostgreSQL's own log, with its default settings, never receives personal data or password hashes.

A refused statement is written whole to the server log (log_min_error_statement = error, the
default), so no normal path may end in a constraint violation that quotes what it inserts.
"""
import itertools

import pytest

from app import create_app
from core import quota
from database import migrate
from models import Registration, StaffUser, db
from ops.seed import seed
from staff import users
from tests.conftest import need
from tests.factories import applicant, make_nik
from tests.pgserver import PgServer
from tests.staff_support import CHEAP_HASH

pytestmark = pytest.mark.postgres

NAME = "Wiwik Lestarinah"
PHONE = "081377712345"
_databases = itertools.count()


@pytest.fixture(scope="module")
def logged_server():
    """Our own PostgreSQL server with PostgreSQL's default logging, writing its log to a file."""
    server = PgServer()
    need(server.available(), "PostgreSQL server programs (Debian package postgresql)")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def pg_app(logged_server):
    """The app on a fresh database of that server, with a connection open."""
    url = logged_server.create_database(f"jaring_log_{next(_databases)}")
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test",
                      "RATELIMIT_ENABLED": False, "STAFF_ARGON2": CHEAP_HASH})
    migrate()
    seed()
    with app.app_context():
        db.connect(reuse_if_open=True)
        yield app
        db.close()


def server_log(server):
    """Everything the server wrote to its log file so far."""
    with open(f"{server.dir}/log", encoding="utf-8", errors="replace") as f:
        return f.read()


def test_a_repeated_nik_and_a_taken_username_leave_nothing_personal_in_the_server_log(
        pg_app, logged_server):
    nik = make_nik(4242)
    first = quota.register(applicant(4242, name=NAME, phone=PHONE), "web")
    again = quota.register(applicant(4242, name=NAME, phone="081377754321"), "web")
    assert first.ok and not again.ok and again.errors == {"nik": "nik_taken"}
    assert Registration.select().where(Registration.nik == nik).count() == 1
    errors, user = users.create("siti.admin", "admin", "kata-sandi-panjang-1", "test")
    assert not errors and user is not None
    errors, user = users.create("siti.admin", "admin", "kata-sandi-panjang-2", "test")
    assert errors == {"username": "username_taken"} and user is None
    assert StaffUser.select().count() == 1
    log = server_log(logged_server)
    for secret in (nik, NAME, "81377712345", "81377754321", "$argon2"):
        assert secret not in log, f"{secret[:6]}… reached PostgreSQL's log"


def test_a_twilio_retry_stored_twice_is_skipped_without_a_refused_statement(pg_app, logged_server):
    from sms.door import keep
    sid = "SM" + "7" * 32
    assert keep(sid, "+6281377700001", "Balasan untuk Wiwik Lestarinah") is True
    assert keep(sid, "+6281377700001", "Balasan untuk Wiwik Lestarinah") is False
    log = server_log(logged_server)
    assert "81377700001" not in log and "Wiwik" not in log


def test_a_registration_that_times_out_on_its_phone_lock_leaves_no_phone_in_the_server_log(
        pg_app, logged_server):
    import psycopg2
    from peewee import OperationalError
    from core.hotsql import PHONE_LOCKS, phone_lock_key
    phone = "081377798765"
    # Another session holds the phone's lock, so the registration's lock statement fails and
    # PostgreSQL writes that statement to its log (log_min_error_statement = error).
    holder = psycopg2.connect(dbname=db.obj.database, **db.obj.connect_params)
    try:
        with holder.cursor() as cur:
            cur.execute("SELECT pg_advisory_lock(%s, %s)", (PHONE_LOCKS, phone_lock_key("+6281377798765")))
        db.execute_sql("SET lock_timeout = '50ms'")
        with pytest.raises(OperationalError):
            quota.register(applicant(4343, name=NAME, phone=phone), "web")
    finally:
        holder.close()
        db.execute_sql("RESET lock_timeout")
    log = server_log(logged_server)
    assert "lock timeout" in log and "pg_advisory_xact_lock" in log
    assert "81377798765" not in log and make_nik(4343) not in log
