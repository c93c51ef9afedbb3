"""The Twilio webhook itself: signatures, TwiML, retries by MessageSid, timing, limits."""
import pytest
from twilio.request_validator import RequestValidator

from models import Registration, SmsInbound, SmsSession
from tests.conftest import make_app
from tests.factories import make_nik
from tests.test_sms_support import (  # noqa: F401 - fixtures
    BASE,
    PHONE,
    TOKEN,
    Handset,
    db_context,
    handset,
    reply_of,
    signed_post,
    sms_app,
    status_form,
    twilio_form,
)


def test_signed_message_is_answered_with_twiml(sms_app):
    response = signed_post(sms_app.test_client(), "/sms/twilio", twilio_form("KUOTA"))
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/xml")
    assert response.data.startswith(b"<?xml")
    assert "Sisa tempat" in reply_of(response)


@pytest.mark.parametrize("headers", [{}, {"X-Twilio-Signature": ""},
                                     {"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"}])
def test_unsigned_or_badly_signed_message_is_refused_and_nothing_stored(sms_app, headers, db_context):
    client = sms_app.test_client()
    form = twilio_form(f"DAFTAR#{make_nik(1)}#Budi Santoso#1#Manggar")
    response = client.post("/sms/twilio", data=form, headers=headers)
    # Nobody reads a page here: an empty body, never an English (or any) HTML error page.
    assert response.status_code == 403 and response.data == b""
    status = client.post("/sms/twilio/status", data={"MessageSid": "SM1", "MessageStatus": "sent"},
                         headers=headers)
    assert status.status_code == 403 and status.data == b""
    assert SmsInbound.select().count() == 0 and SmsSession.select().count() == 0


def test_message_changed_after_signing_is_refused(sms_app, db_context):
    form = twilio_form("CEK")
    signature = RequestValidator(TOKEN).compute_signature(BASE + "/sms/twilio", form)
    form["Body"] = "BATAL K7P3QX9M"
    response = sms_app.test_client().post("/sms/twilio", data=form,
                                          headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403
    assert SmsInbound.select().count() == 0


def test_message_signed_with_another_token_is_refused(sms_app):
    response = signed_post(sms_app.test_client(), "/sms/twilio", twilio_form("INFO"), token="other")
    assert response.status_code == 403


def test_signature_is_checked_against_the_public_url_not_the_proxied_one(sms_app):
    client = sms_app.test_client()
    local = signed_post(client, "/sms/twilio", twilio_form("INFO"), url="http://localhost/sms/twilio")
    public = signed_post(client, "/sms/twilio", twilio_form("INFO"))
    assert local.status_code == 403 and public.status_code == 200


def test_without_an_auth_token_every_webhook_is_refused(sms_app):
    sms_app.config["TWILIO_AUTH_TOKEN"] = ""
    response = signed_post(sms_app.test_client(), "/sms/twilio", twilio_form("INFO"), token="")
    assert response.status_code == 403


def test_sha256_signatures_named_in_the_settings_header_are_accepted(sms_app):
    form = twilio_form("INFO")
    signature = RequestValidator(TOKEN).compute_signature(BASE + "/sms/twilio", form, "HMAC_SHA256")
    headers = {"X-Twilio-Signature": signature,
               "X-Twilio-Webhooks-Signature-Settings": "key=k1,algorithm=HMAC_SHA256"}
    assert sms_app.test_client().post("/sms/twilio", data=form, headers=headers).status_code == 200


def test_status_callback_needs_a_signature_too(sms_app):
    client = sms_app.test_client()
    form = status_form("SM1", "delivered")
    assert client.post("/sms/twilio/status", data=form).status_code == 403
    assert signed_post(client, "/sms/twilio/status", form).status_code == 204


def test_csrf_protection_does_not_stand_in_the_way_of_twilio(sqlite_url):
    app = make_app(sqlite_url, WTF_CSRF_ENABLED=True, TWILIO_AUTH_TOKEN=TOKEN, PUBLIC_BASE_URL=BASE)
    assert "DAFTAR" in Handset(app.test_client()).send("INFO")


def test_twilio_retry_gets_the_same_reply_and_changes_nothing(handset, db_context):
    handset.send(f"DAFTAR#{make_nik(1)}#Budi Santoso#1#Manggar#TIDAK")
    first = handset.send("YA", sid="SM" + "a" * 32)
    again = handset.send("YA", sid="SM" + "a" * 32)
    assert again == first and "Kode:" in first
    assert Registration.select().count() == 1
    assert SmsInbound.select().where(SmsInbound.sid == "SM" + "a" * 32).count() == 1


def test_retry_of_a_question_does_not_move_the_conversation_on(handset, db_context):
    handset.send("DAFTAR", sid="SM1")
    handset.send(make_nik(1), sid="SM2")
    asked = handset.send("Budi Santoso", sid="SM3")
    assert handset.send("Budi Santoso", sid="SM3") == asked
    assert SmsSession.get_by_id(PHONE).step == "job"


def test_reply_says_how_long_the_app_took(sms_app):
    response = signed_post(sms_app.test_client(), "/sms/twilio", twilio_form("KUOTA"))
    name, duration = response.headers["Server-Timing"].split(";dur=")
    assert name == "app" and 0 < float(duration) < 10_000


def test_a_phone_that_floods_the_door_is_answered_with_silence(sqlite_url):
    app = make_app(sqlite_url, RATELIMIT_ENABLED=True, TWILIO_AUTH_TOKEN=TOKEN, PUBLIC_BASE_URL=BASE)
    flooder, neighbour = Handset(app.test_client()), Handset(app.test_client(), "+6285298765432")
    replies = [flooder.send("KUOTA") for _ in range(11)]
    assert all(replies[:10]) and replies[10] == ""
    assert neighbour.send("KUOTA")


def test_unsigned_floods_do_not_use_up_a_phones_share(sqlite_url):
    app = make_app(sqlite_url, RATELIMIT_ENABLED=True, TWILIO_AUTH_TOKEN=TOKEN, PUBLIC_BASE_URL=BASE)
    client = app.test_client()
    for _ in range(15):
        assert client.post("/sms/twilio", data=twilio_form("KUOTA")).status_code == 403
    assert Handset(client).send("KUOTA")


def test_a_message_without_body_or_sender_is_answered_not_an_error(sms_app):
    form = twilio_form("")
    del form["Body"]
    form["From"] = ""
    assert "DAFTAR" in reply_of(signed_post(sms_app.test_client(), "/sms/twilio", form))


def test_a_fault_inside_the_door_still_gets_a_polite_reply(sms_app, monkeypatch):
    import sms.door

    def broken(phone, body):
        raise RuntimeError("database on fire")
    monkeypatch.setattr(sms.door, "dispatch", broken)
    reply = reply_of(signed_post(sms_app.test_client(), "/sms/twilio", twilio_form("KUOTA")))
    assert reply == "Maaf, data tidak dapat diproses. Ketik INFO untuk bantuan."
