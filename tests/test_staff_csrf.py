"""CSRF on every staff form: a POST without the token is refused and changes nothing."""
import re

import pytest

from models import AuditEvent, Registration, StaffUser
from tests.conftest import make_app
from tests.staff_support import (
    CHEAP_HASH,
    PASSWORD,
    make_staff,
    registered,
    text,
    token_of,
)

FORM = re.compile(r'<form\b[^>]*method="post"[^>]*>(.*?)</form>', re.S)


@pytest.fixture
def csrf_app(sqlite_url):
    """The app with CSRF protection on, as in production."""
    return make_app(sqlite_url, WTF_CSRF_ENABLED=True, STAFF_ARGON2=CHEAP_HASH)


def admin_client(app):
    """An admin logged in through the real form (token and all)."""
    make_staff(app, "admin", "admin")
    client = app.test_client()
    token = token_of(client.get("/staff/masuk"))
    response = client.post("/staff/masuk", data={"username": "admin", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303
    return client


def staff_post_urls(app):
    """Every POST address of the staff pages, with sample values for its parts."""
    values = {"reg_id": 1, "user_id": 1, "code": "kota-balikpapan"}
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("staff.") and "POST" in rule.methods:
            urls.append(re.sub(r"<(?:[^:>]+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule))
    return sorted(set(urls))


def test_the_login_form_needs_its_token(csrf_app):
    make_staff(csrf_app, "admin", "admin")
    client = csrf_app.test_client()
    response = client.post("/staff/masuk", data={"username": "admin", "password": PASSWORD})
    assert response.status_code == 400 and "kedaluwarsa" in text(response)
    assert not AuditEvent.select().where(AuditEvent.action == "login").exists()


def test_every_staff_post_without_a_token_is_refused(csrf_app):
    client = admin_client(csrf_app)
    registered(1)
    urls = staff_post_urls(csrf_app)
    assert len(urls) >= 13
    before = AuditEvent.select().count()
    for url in urls:
        data = {"reason": "income", "capacity": "1", "open": "0", "id": "1", "role": "admin",
                "username": "baru", "password": "x" * 20, "phone": "081234567890", "body": "INFO"}
        assert client.post(url, data=data).status_code == 400, url
        assert client.post(url, data=data, headers={"HX-Request": "true"}).status_code == 400, url
    assert Registration.get_by_id(1).status == "pending"
    assert StaffUser.select().count() == 1
    assert AuditEvent.select().count() == before


def test_a_post_with_the_token_goes_through(csrf_app):
    client = admin_client(csrf_app)
    registered(1)
    token = token_of(client.get("/staff"))
    assert client.post("/staff/r/1/setujui", data={"csrf_token": token}).status_code == 303
    assert Registration.get_by_id(1).status == "approved"


def test_every_form_on_every_staff_page_carries_the_token(csrf_app):
    client = admin_client(csrf_app)
    registered(1)
    registered(2, status="rejected")
    pages = ["/staff", "/staff/r/1", "/staff/r/2", "/staff/r/1/tolak", "/staff/daftar", "/staff/akun",
             "/staff/akun/1", "/staff/kuota", "/staff/simulator", "/staff/audit", "/staff/dasbor"]
    forms = 0
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
        for body in FORM.findall(text(response)):
            forms += 1
            assert 'name="csrf_token"' in body, page
    assert forms >= 15
