"""Odd bodies, however long or strange, always get one short GSM-7 reply and never an error."""
import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import Registration, SmsSession
from sms.gsm import fits
from tests.factories import make_nik
from tests.test_sms_support import (  # noqa: F401 - fixtures
    db_context,
    reply_of,
    signed_post,
    sms_app,
    twilio_form,
)

PIECES = ["DAFTAR", "daftar", "CEK", "BATAL", "KUOTA", "YA", "TIDAK", "INFO", "REG", "#", "*", ",",
          " ", "  ", "\n", make_nik(1), "6471", "K7P3-QX9M", "Budi", "Santoso", "1", "9", "99",
          "Manggar", "gunung", "sari", "😀", "\u201c", "\u200b", "\x00", "é", "ß", "\ufdfd", "€",
          "{"]
SLOW = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


def assert_short_reply(app, body):
    """Send body; the reply is 200, TwiML and one SMS of GSM-7."""
    response = signed_post(app.test_client(), "/sms/twilio",
                           twilio_form(body, sid="SM" + uuid.uuid4().hex))
    text = reply_of(response)
    assert text and fits(text), text


@SLOW
@given(body=st.text(max_size=2000))
def test_any_unicode_body_gets_a_short_reply(sms_app, body):
    assert_short_reply(sms_app, body)


@SLOW
@given(body=st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_any_mix_of_keywords_and_separators_gets_a_short_reply(sms_app, body):
    assert_short_reply(sms_app, body)


@SLOW
@given(answers=st.lists(st.one_of(st.text(max_size=300), st.sampled_from(PIECES)), max_size=6))
def test_any_answers_in_a_conversation_get_short_replies(sms_app, answers):
    assert_short_reply(sms_app, "DAFTAR")
    for answer in answers:
        assert_short_reply(sms_app, answer)


def test_a_body_of_twilios_maximum_length_and_more_is_answered(sms_app):
    assert_short_reply(sms_app, "DAFTAR#" + "9" * 5000)
    assert_short_reply(sms_app, "😀" * 1600)


def test_odd_bodies_store_nothing_half_done(sms_app, db_context):
    for body in ["DAFTAR#\x00#\x00#\x00#\x00", "DAFTAR####", "DAFTAR#" + "#" * 1000, "YA" * 800,
                 f"DAFTAR {make_nik(1)} " + "ojol " * 300, "DAFTAR " + "1 " * 800]:
        assert_short_reply(sms_app, body)
    assert Registration.select().count() == 0
    assert all(s.step in ("nik", "name", "job", "place") for s in SmsSession.select())
