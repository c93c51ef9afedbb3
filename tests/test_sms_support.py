"""Helpers for the SMS tests (no tests here): signed requests, a handset, a fake Twilio HTTP layer."""
import json
import logging
import uuid
import xml.etree.ElementTree as ET

import pytest
from twilio.http import HttpClient
from twilio.http.response import Response
from twilio.request_validator import RequestValidator

TOKEN = "test-auth-token-7f3a9c"
ACCOUNT = "AC" + "1" * 32
# Twilio calls the public HTTPS address; the test client speaks http://localhost behind it.
BASE = "https://jaring.example.id"
PHONE = "+6281234567890"
OTHER_PHONE = "+6285298765432"
CITY_NUMBER = "+6281100001234"


def twilio_form(body, phone=PHONE, sid=None):
    """The form Twilio posts for an inbound SMS, with all its usual fields."""
    sid = sid or "SM" + uuid.uuid4().hex
    return {
        "MessageSid": sid, "SmsSid": sid, "SmsMessageSid": sid, "AccountSid": ACCOUNT,
        "MessagingServiceSid": "MG" + "2" * 32, "From": phone, "To": CITY_NUMBER, "Body": body,
        "NumMedia": "0", "NumSegments": "1", "FromCity": "BALIKPAPAN", "FromState": "KALIMANTAN TIMUR",
        "FromCountry": "ID", "FromZip": "", "ToCity": "", "ToState": "", "ToCountry": "ID",
        "ToZip": "", "SmsStatus": "received", "ApiVersion": "2010-04-01",
    }


def status_form(sid, status, error_code=None):
    """The form Twilio posts to a message's status callback."""
    form = {"MessageSid": sid, "SmsSid": sid, "MessageStatus": status, "SmsStatus": status,
            "AccountSid": ACCOUNT, "From": CITY_NUMBER, "To": PHONE, "ApiVersion": "2010-04-01"}
    if error_code:
        form["ErrorCode"] = error_code
    return form


def signed_post(client, path, form, token=TOKEN, url=None, headers=None):
    """POST form to path, signed exactly as Twilio signs it (public URL + sorted params)."""
    signature = RequestValidator(token).compute_signature(url or BASE + path, form)
    return client.post(path, data=form, headers={"X-Twilio-Signature": signature, **(headers or {})})


def reply_of(response):
    """The text of the TwiML <Message> in a response ('' when there is none)."""
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "text/xml"
    root = ET.fromstring(response.data)
    assert root.tag == "Response"
    return " ".join(m.text or "" for m in root.findall("Message"))


class Handset:
    """A worker's phone texting the city's number through Twilio."""

    def __init__(self, client, number=PHONE):
        self.client, self.number, self.sent = client, number, 0

    def send(self, body, sid=None):
        """Text body; return the reply."""
        self.sent += 1
        return reply_of(signed_post(self.client, "/sms/twilio", twilio_form(body, self.number, sid)))


@pytest.fixture
def sms_app(app):
    """The app on a temporary SQLite file, reachable by Twilio at BASE, with no REST credentials."""
    app.config.update(TWILIO_AUTH_TOKEN=TOKEN, PUBLIC_BASE_URL=BASE, TWILIO_ACCOUNT_SID="",
                      TWILIO_FROM="", SMS_RATE_PER_SECOND=1000)  # paced, but not 1/s of test time
    return app


@pytest.fixture
def handset(sms_app):
    """A worker's phone (+6281234567890)."""
    return Handset(sms_app.test_client())


@pytest.fixture
def db_context(sms_app):
    """An app context with the database open, for looking at what the door stored."""
    from models import db
    with sms_app.app_context():
        db.connect(reuse_if_open=True)
        yield
        if not db.is_closed():
            db.close()


class RecordingHttpClient(HttpClient):
    """Twilio's HTTP layer replaced: records each request, answers from a script.

    A script item is a status (201 sends), (status, Twilio error code) or an exception to raise."""

    def __init__(self, answers=()):
        super().__init__(logging.getLogger("tests.twilio"), is_async=False)
        self.requests, self.answers = [], list(answers)

    def request(self, method, uri, params=None, data=None, headers=None, auth=None,
                timeout=None, allow_redirects=False):
        self.requests.append({"method": method, "uri": uri, "data": dict(data or {}), "auth": auth})
        answer = self.answers.pop(0) if self.answers else 201
        if isinstance(answer, Exception):
            raise answer
        status, code = answer if isinstance(answer, tuple) else (answer, 20500)
        if status >= 400:  # Twilio's error body; `answers` may give (status, Twilio error code)
            return Response(status, json.dumps({"code": code, "message": "refused", "status": status}))
        sid = f"SM{len(self.requests):032d}"
        return Response(201, json.dumps({
            "sid": sid, "status": "queued", "to": data.get("To"), "from": data.get("From"),
            "body": data.get("Body"), "account_sid": ACCOUNT, "num_segments": "1",
            "api_version": "2010-04-01",
            "uri": f"/2010-04-01/Accounts/{ACCOUNT}/Messages/{sid}.json"}))
