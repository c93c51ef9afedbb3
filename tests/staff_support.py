"""Helpers for the staff page tests: accounts with a cheap hash, logging in, registrations."""
import re

import pytest

from config import DEFAULT_RULES
from core import quota
from models import Registration, StaffUser
from staff import users
from tests.factories import applicant

PASSWORD = "kata-sandi-yang-panjang"
# argon2id at its lowest cost: the tests are about behaviour, not hash strength.
CHEAP_HASH = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def staff_app(app):
    """The test app with cheap password hashing."""
    app.config["STAFF_ARGON2"] = CHEAP_HASH
    return app


@pytest.fixture
def uploads(tmp_path):
    """Where the staff imports keep their uploads in a test."""
    return tmp_path / "uploads"


@pytest.fixture
def admin(staff_app, uploads):
    """An admin's browser, the uploads kept in the test's own folder."""
    staff_app.config["KPJ_UPLOAD_DIR"] = str(uploads)
    return logged_in(staff_app, "ana", "admin")


def make_staff(app, username, role, **place):
    """An account made through the same code as the CLI and the accounts page."""
    with app.app_context():
        errors, user = users.create(username, role, PASSWORD, "test", **place)
    assert not errors, errors
    return user


def login(client, username, password=PASSWORD):
    """Log in through the form; return the response."""
    return client.post("/staff/masuk", data={"username": username, "password": password})


def logged_in(app, username, role, **place):
    """A new browser (test client) logged in as a new account of role."""
    make_staff(app, username, role, **place)
    client = app.test_client()
    assert login(client, username).status_code == 303
    return client


def registered(n, status="pending", **overrides):
    """A registration made through the core (web channel), moved on to status."""
    outcome = quota.register(applicant(n, **overrides), "web", DEFAULT_RULES)
    assert outcome.ok, outcome.errors
    reg = outcome.registration
    if status == "approved":
        assert quota.approve(reg, "staff:test").ok
    if status == "rejected":
        assert quota.reject(reg, "staff:test", "income").ok
    return Registration.get_by_id(reg.id)


def text(response):
    """The response body as text."""
    return response.get_data(as_text=True)


def token_of(response):
    """The CSRF token in a page."""
    return TOKEN.search(text(response)).group(1)


def staff(username):
    """An account by name, fresh from the database."""
    return StaffUser.get(StaffUser.username == username)
