"""What every request does, done once where it can be: a session cookie is trusted only as
Flask trusts it (signature, age), a changed session is sent again and an unchanged one is not,
and the CSRF token a page carries belongs to its own session and is checked on every POST."""
import datetime as dt
import re

import pytest
from flask import session

from tests.conftest import make_app

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def app(sqlite_url):
    """The app with CSRF on and two test routes that read and change the session."""
    application = make_app(sqlite_url, WTF_CSRF_ENABLED=True)

    @application.get("/test/session")
    def _read():
        return {"seen": session.get("seen", []), "csrf": "csrf_token" in session}

    @application.get("/test/session/add")
    def _add():
        session["seen"] = [*session.get("seen", []), len(session.get("seen", []))]
        return {"seen": session["seen"]}

    @application.get("/test/session/touch-in-place")
    def _touch():
        # Changed in place without telling Flask: not saved, and the next request must not see it.
        session.get("seen", []).append("lost")
        return {}

    return application


def cookie_of(response):
    """The session cookie a response sets, or None."""
    found = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    return found[0].split(";")[0].split("=", 1)[1] if found else None


def token_of(response):
    """The CSRF token in a page."""
    return TOKEN.search(response.get_data(as_text=True)).group(1)


def test_an_unchanged_session_is_not_sent_again_and_a_changed_one_is(app):
    client = app.test_client()
    first = client.get("/status")
    assert cookie_of(first)  # the first visit gets its CSRF session
    again = client.get("/status")
    assert cookie_of(again) is None
    assert "Cookie" in again.headers["Vary"]
    added = client.get("/test/session/add")
    assert cookie_of(added) and cookie_of(added) != cookie_of(first)
    assert client.get("/test/session").json == {"seen": [0], "csrf": True}
    client.get("/test/session/add")
    assert client.get("/test/session").json == {"seen": [0, 1], "csrf": True}


def test_a_change_made_in_place_and_not_saved_is_not_seen_by_the_next_request(app):
    client = app.test_client()
    client.get("/test/session/add")
    for _ in range(2):
        assert client.get("/test/session/touch-in-place").status_code == 200
        assert client.get("/test/session").json["seen"] == [0]


@pytest.mark.parametrize("tamper", [
    lambda c: c[:-2] + ("AA" if not c.endswith("AA") else "BB"),  # the signature
    lambda c: c.replace(".", "x.", 1),                             # the payload
    lambda c: c + "x",
], ids=["signature", "payload", "appended"])
def test_a_tampered_cookie_is_an_empty_session_even_after_the_real_one_was_seen(app, tamper):
    client = app.test_client()
    real = cookie_of(client.get("/test/session/add"))
    assert client.get("/test/session").json["seen"] == [0]  # the real cookie checked and kept
    client.set_cookie("session", tamper(real))
    assert client.get("/test/session").json == {"seen": [], "csrf": False}
    client.set_cookie("session", real)
    assert client.get("/test/session").json["seen"] == [0]


def test_a_cookie_seen_before_is_refused_once_older_than_the_lifetime(app):
    client = app.test_client()
    client.get("/test/session/add")
    assert client.get("/test/session").json["seen"] == [0]
    app.permanent_session_lifetime = dt.timedelta(seconds=-1)  # every cookie is now too old
    assert client.get("/test/session").json["seen"] == []
    app.permanent_session_lifetime = dt.timedelta(days=31)
    assert client.get("/test/session").json["seen"] == [0]


def test_a_cookie_signed_with_another_key_is_refused_after_this_one_was_seen(app, sqlite_url):
    other = make_app(sqlite_url, WTF_CSRF_ENABLED=True, SECRET_KEY="another")
    foreign = cookie_of(other.test_client().get("/status"))
    client = app.test_client()
    client.get("/status")
    client.set_cookie("session", foreign)
    assert client.get("/test/session").json == {"seen": [], "csrf": False}


def test_each_session_gets_its_own_token_and_only_its_own_is_accepted(app):
    alice, bob = app.test_client(), app.test_client()
    alice_token, bob_token = token_of(alice.get("/status")), token_of(bob.get("/status"))
    assert alice_token != bob_token
    # A second page within the minute carries the same signed token, in shells and full pages.
    assert token_of(alice.get("/status")) == alice_token
    assert token_of(alice.get("/daftar")) == alice_token
    form = {"nik": "6471010101900001", "ref": "NOPE1234"}
    assert alice.post("/status", data={**form, "csrf_token": bob_token}).status_code == 400
    assert alice.post("/status", data=form).status_code == 400
    answered = alice.post("/status", data={**form, "csrf_token": alice_token})
    assert answered.status_code != 400


def test_a_new_session_after_the_old_one_was_cleared_gets_a_new_token(app):
    client = app.test_client()
    old = token_of(client.get("/status"))
    client.delete_cookie("session")
    new = token_of(client.get("/status"))
    assert new != old
    assert client.post("/status", data={"csrf_token": old, "nik": "1", "ref": "x"}).status_code == 400


def test_hooks_made_per_request_are_not_kept_by_the_sync_cache(app):
    """app.Jaring.ensure_sync remembers functions weakly: a closure per request goes with it."""
    import gc

    from flask import after_this_request

    @app.get("/_closure")
    def closure():
        secret = "3171234567890001"  # stands for what a request's closure may capture

        @after_this_request
        def _after(response):
            response.headers["X-Len"] = str(len(secret))
            return response
        return "ok"

    client = app.test_client()
    before = len(app._sync) if "_sync" in app.__dict__ else 0
    for _ in range(50):
        assert client.get("/_closure").headers["X-Len"] == "16"
    gc.collect()
    assert len(app._sync) - before < 10
