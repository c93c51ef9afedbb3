"""The outbox sender through twilio-python's real Client, with Twilio's HTTP layer recorded."""
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from twilio.rest import Client

from core import quota, refs
from models import OutboxMessage, Pool, Registration, SmsOptOut, db, now
from sms.gsm import fits
from sms.sender import claim_due, drain
from tests.factories import form, make_nik
from tests.test_sms_support import (  # noqa: F401 - fixtures
    ACCOUNT,
    BASE,
    CITY_NUMBER,
    PHONE,
    TOKEN,
    RecordingHttpClient,
    db_context,
    handset,
    signed_post,
    sms_app,
    status_form,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def twilio(sms_app):
    """A Twilio REST client whose HTTP layer records requests and answers as scripted."""
    sms_app.config.update(TWILIO_ACCOUNT_SID=ACCOUNT, TWILIO_FROM=CITY_NUMBER, SMS_MAX_ATTEMPTS=3)
    http = RecordingHttpClient()
    return http, Client(ACCOUNT, TOKEN, http_client=http)


def register_on_web(sms_app, n=1, phone="081234567890"):
    """Register through the public form; return the registration."""
    response = sms_app.test_client().post("/daftar", data=form(n, phone=phone))
    assert response.status_code == 303
    db.connect(reuse_if_open=True)
    return Registration.get(Registration.nik == make_nik(n))


def push_clock(row):
    """Make a row due now, as if its back-off time had passed."""
    OutboxMessage.update(next_attempt_at=now() - dt.timedelta(seconds=1)).where(
        OutboxMessage.id == row.id).execute()


def test_a_web_registration_is_confirmed_by_sms(sms_app, db_context, twilio):
    http, client = twilio
    reg = register_on_web(sms_app)
    assert drain(client) == {"sent": 1}
    [call] = http.requests
    assert call["method"] == "POST" and call["uri"].endswith(f"/Accounts/{ACCOUNT}/Messages.json")
    assert call["auth"] == (ACCOUNT, TOKEN)
    assert call["data"]["To"] == PHONE and call["data"]["From"] == CITY_NUMBER
    assert call["data"]["StatusCallback"] == BASE + "/sms/twilio/status"
    assert f"Kode: {refs.format_ref(reg.ref)}" in call["data"]["Body"] and fits(call["data"]["Body"])
    row = OutboxMessage.get()
    assert (row.status, row.sid, row.attempts) == ("queued", "SM" + "1".zfill(32), 1)
    assert row.sent_at is not None


def test_a_failed_send_is_tried_again_later_and_then_sent(sms_app, db_context, twilio):
    http, client = twilio
    http.answers = [500, 201]
    register_on_web(sms_app)
    assert drain(client) == {"retry": 1}
    row = OutboxMessage.get()
    assert (row.status, row.attempts, row.error) == ("pending", 1, "HTTP 500 code 20500")
    assert dt.timedelta(seconds=25) < row.next_attempt_at - now() <= dt.timedelta(seconds=30)
    assert drain(client) == {} and len(http.requests) == 1
    push_clock(row)
    assert drain(client) == {"sent": 1}
    row = OutboxMessage.get()
    assert (row.status, row.attempts, len(http.requests)) == ("queued", 2, 2)


def test_back_off_doubles_and_the_sender_gives_up(sms_app, db_context, twilio):
    http, client = twilio
    http.answers = [503, requests.ConnectionError("network down"), 503]
    register_on_web(sms_app)
    waits = []
    for expected in ("retry", "retry", "failed"):
        assert drain(client) == {expected: 1}
        row = OutboxMessage.get()
        waits.append((row.next_attempt_at - now()).total_seconds())
        push_clock(row)
    assert 50 < waits[1] <= 60 and waits[0] <= 30
    row = OutboxMessage.get()
    assert (row.status, row.attempts, row.error) == ("failed", 3, "HTTP 503 code 20500")
    assert drain(client) == {}


def test_a_number_twilio_refuses_fails_at_once(sms_app, db_context, twilio):
    http, client = twilio
    http.answers = [(400, 21211)]
    register_on_web(sms_app)
    assert drain(client) == {"failed": 1}
    assert OutboxMessage.get().error == "HTTP 400 code 21211"


def test_a_phone_twilio_knows_as_unsubscribed_is_opted_out(sms_app, db_context, twilio):
    http, client = twilio
    http.answers = [(400, 21610)]
    register_on_web(sms_app)
    assert drain(client) == {"skipped": 1}
    assert SmsOptOut.get_or_none(SmsOptOut.phone == PHONE) is not None


def test_an_opted_out_phone_gets_no_notification_until_it_starts_again(
        sms_app, db_context, twilio, handset):
    http, client = twilio
    handset.send("STOP")
    reg = register_on_web(sms_app)
    assert drain(client) == {"skipped": 1} and http.requests == []
    handset.send("MULAI")
    quota.approve(reg, "staff:test")
    assert drain(client) == {"sent": 1}
    assert "DISETUJUI" in http.requests[0]["data"]["Body"]


def test_without_credentials_the_sender_logs_ids_and_kinds_only(sms_app, db_context, caplog):
    reg = register_on_web(sms_app)
    caplog.set_level("INFO", logger="jaring.sms")
    assert drain() == {"logged": 1}
    row = OutboxMessage.get()
    assert row.status == "logged" and row.sent_at is not None
    assert f"outbox {row.id} kind registered" in caplog.text
    for secret in ("81234567890", reg.nik, reg.name, reg.ref):
        assert secret not in caplog.text


def test_status_callbacks_move_the_row_forward_only(sms_app, db_context, twilio):
    http, client = twilio
    register_on_web(sms_app)
    drain(client)
    sid = OutboxMessage.get().sid
    web = sms_app.test_client()
    for status, expected in (("sent", "sent"), ("delivered", "delivered"), ("sent", "delivered")):
        assert signed_post(web, "/sms/twilio/status", status_form(sid, status)).status_code == 204
        assert OutboxMessage.get().status == expected


def test_an_undelivered_report_keeps_twilios_error_code(sms_app, db_context, twilio):
    http, client = twilio
    register_on_web(sms_app)
    drain(client)
    sid = OutboxMessage.get().sid
    signed_post(sms_app.test_client(), "/sms/twilio/status", status_form(sid, "undelivered", "30006"))
    row = OutboxMessage.get()
    assert (row.status, row.error) == ("undelivered", "code 30006")
    push_clock(row)
    assert drain(client) == {} and len(http.requests) == 1  # a landline: never sent again


def test_a_message_twilio_dropped_from_its_queue_is_sent_again(sms_app, db_context, twilio):
    http, client = twilio
    register_on_web(sms_app)
    drain(client)
    sid = OutboxMessage.get().sid
    signed_post(sms_app.test_client(), "/sms/twilio/status", status_form(sid, "failed", "30001"))
    row = OutboxMessage.get()
    assert (row.status, row.sid, row.error) == ("pending", None, "code 30001")
    push_clock(row)
    assert drain(client) == {"sent": 1} and len(http.requests) == 2
    late = signed_post(sms_app.test_client(), "/sms/twilio/status", status_form(sid, "failed", "30001"))
    assert late.status_code == 204 and OutboxMessage.get().status == "queued"  # the old SID is gone


def test_unsigned_or_unknown_status_reports_change_nothing(sms_app, db_context, twilio):
    http, client = twilio
    register_on_web(sms_app)
    drain(client)
    sid = OutboxMessage.get().sid
    web = sms_app.test_client()
    assert web.post("/sms/twilio/status", data=status_form(sid, "failed")).status_code == 403
    assert signed_post(web, "/sms/twilio/status", status_form("SMnope", "failed")).status_code == 204
    assert OutboxMessage.get().status == "queued"


def test_every_kind_of_notice_is_worded_and_fits(sms_app, db_context, twilio):
    http, client = twilio
    Pool.update(capacity=1).where(Pool.code == "kota-balikpapan").execute()
    Pool.update(capacity=0).where(Pool.code == "prov-kaltim").execute()
    first = register_on_web(sms_app, 1)
    second = register_on_web(sms_app, 2, "081234567891")
    third = register_on_web(sms_app, 3, "081234567892")
    quota.cancel(first, "worker:web")
    quota.approve(second, "staff:test")
    quota.record_membership(second, "23011234567", "staff:test")
    quota.reject(third, "staff:test", "not_resident", "Alamat KTP di Samarinda")
    drain(client)
    bodies = {}
    for call, row in zip(http.requests, OutboxMessage.select().order_by(OutboxMessage.id)):
        bodies[row.kind] = call["data"]["Body"]
        assert fits(call["data"]["Body"]) and call["data"]["To"] == row.phone
    assert "Anda dapat tempat" in bodies["registered"]
    assert "daftar tunggu no. 2" in bodies["waitlisted"]
    assert "kabar baik" in bodies["promoted"] and "dibatalkan" in bodies["cancelled"]
    assert "DISETUJUI" in bodies["approved"] and "No. KPJ: 23011234567" in bodies["enrolled"]
    assert "ditolak: bukan warga sesuai KTP. Alamat KTP di Samarinda" in bodies["rejected"]


def test_a_row_is_claimed_by_one_sender_only(sms_app, db_context):
    register_on_web(sms_app)
    row = OutboxMessage.get()
    assert [r.id for r in claim_due(10)] == [row.id] and claim_due(10) == []


def test_flask_sms_send_drains_the_outbox_once(sms_app, db_context, runner):
    register_on_web(sms_app)
    result = runner.invoke(args=["sms", "send"])
    assert result.exit_code == 0 and "1 logged" in result.output
    assert runner.invoke(args=["sms", "send"]).output.strip() == "nothing due"


@pytest.mark.slow
def test_flask_sms_worker_keeps_sending_and_stops_on_sigterm(sms_app, db_context, sqlite_url):
    register_on_web(sms_app)
    env = dict(os.environ, DATABASE_URL=sqlite_url, TWILIO_ACCOUNT_SID="", TWILIO_AUTH_TOKEN="",
               TWILIO_FROM="", FLASK_APP="app")
    worker = subprocess.Popen([sys.executable, "-m", "flask", "sms", "worker", "--interval", "0.2"],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 30
        while OutboxMessage.get().status != "logged" and time.time() < deadline:
            time.sleep(0.1)
        assert OutboxMessage.get().status == "logged"
        worker.send_signal(signal.SIGTERM)
        output = worker.communicate(timeout=20)[0].decode()
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0 and "sms worker stopped" in output
    assert "81234567890" not in output


def test_a_sender_told_to_stop_while_pacing_gives_the_row_back_unsent(sms_app, db_context, twilio):
    from sms.sender import Pacer
    http, client = twilio
    register_on_web(sms_app, 1)
    register_on_web(sms_app, 2, "081234567891")
    # The second send must wait a second; SIGTERM (sleep answers True) arrives during that wait.
    pacer = Pacer(1.0, clock=lambda: 0.0, sleep=lambda seconds: True)
    assert drain(client, pacer=pacer) == {"sent": 1, "released": 1}
    second = OutboxMessage.select().order_by(OutboxMessage.id.desc()).get()
    assert (second.status, second.attempts, len(http.requests)) == ("pending", 0, 1)
    assert drain(client) == {"sent": 1} and len(http.requests) == 2


def test_a_pacing_wait_that_ends_early_waits_again_rather_than_stopping():
    from sms.sender import Pacer
    now, waits = [0.0], []

    def short_sleep(seconds):  # wakes after half the time asked, never told to stop
        waits.append(seconds)
        now[0] += seconds / 2
        return False

    pacer = Pacer(1.0, clock=lambda: now[0], sleep=short_sleep)
    assert pacer.wait() and pacer.wait() and not pacer.stopped
    assert now[0] >= 1.0 - 1e-6 and len(waits) > 1
