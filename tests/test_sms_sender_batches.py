"""The outbox sender claims rows a batch per transaction: on SQLite and PostgreSQL, two senders at
once still send each row once, a stopped or failing sender gives its batch back, a slow one claims
again rather than outlive its lease, and without credentials a batch ends logged, skipped or
failed together."""
import datetime as dt
import threading
import time
from collections import Counter

import pytest
from twilio.rest import Client

from models import OutboxMessage, SmsOptOut, db
from sms import sender
from sms.sender import Pacer, claim_due, drain
from tests.test_sms_support import ACCOUNT, BASE, CITY_NUMBER, TOKEN, RecordingHttpClient

ROWS = 120


def queue(n, kind="approved", first=0):
    """n due notices, one per phone; their phones."""
    phones = [f"+62812{first + k:08d}" for k in range(n)]
    OutboxMessage.insert_many([{"phone": p, "kind": kind, "params": {"ref": "K7P3QX9M"}}
                               for p in phones]).execute()
    return phones


def twilio_config(app, rate=1000):
    app.config.update(TWILIO_ACCOUNT_SID=ACCOUNT, TWILIO_AUTH_TOKEN=TOKEN, TWILIO_FROM=CITY_NUMBER,
                      PUBLIC_BASE_URL=BASE, SMS_RATE_PER_SECOND=rate)


class SlowHttpClient(RecordingHttpClient):
    """Twilio answering after 2 ms, so two senders' batches overlap in time."""

    def request(self, *args, **kwargs):
        time.sleep(0.002)
        return super().request(*args, **kwargs)


def test_four_senders_at_once_send_each_row_once(core_app):
    twilio_config(core_app)
    phones = queue(ROWS)
    db.close()
    sent, errors = [], []

    def sender():
        http = SlowHttpClient()
        try:
            with core_app.app_context(), db.connection_context():
                while drain(Client(ACCOUNT, TOKEN, http_client=http), limit=3):
                    pass
        except Exception as e:  # noqa: BLE001 - reported below, in the test's thread
            errors.append(e)
        sent.extend(r["data"]["To"] for r in http.requests)

    threads = [threading.Thread(target=sender) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    db.connect(reuse_if_open=True)
    assert errors == []
    assert sorted(sent) == sorted(phones)  # each once: none lost, none twice
    assert Counter(OutboxMessage.select(OutboxMessage.status).tuples()) == {("queued",): ROWS}
    assert {r.attempts for r in OutboxMessage.select()} == {1}


def test_a_claimed_row_is_not_claimed_again_until_its_lease_runs_out(core_app):
    queue(3)
    first = claim_due(2)
    assert [r.attempts for r in first] == [1, 1]
    rest = claim_due(10)
    assert [r.id for r in rest] == [max(r.id for r in first) + 1] and claim_due(10) == []
    assert {r.status for r in OutboxMessage.select()} == {"claimed"}


def test_a_stopped_sender_gives_back_the_rest_of_its_batch(core_app):
    twilio_config(core_app)
    queue(4)
    http = RecordingHttpClient()
    # The second send must wait; told to stop then (sleep answers True), as by SIGTERM.
    pacer = Pacer(1.0, clock=lambda: 0.0, sleep=lambda seconds: True)
    assert drain(Client(ACCOUNT, TOKEN, http_client=http), pacer=pacer) == {"sent": 1, "released": 3}
    rows = list(OutboxMessage.select().order_by(OutboxMessage.id))
    assert [(r.status, r.attempts) for r in rows] == [("queued", 1)] + [("pending", 0)] * 3
    assert drain(Client(ACCOUNT, TOKEN, http_client=http)) == {"sent": 3} and len(http.requests) == 4


def test_a_batch_is_as_long_as_the_pace_sends_in_ten_seconds(core_app):
    twilio_config(core_app, rate=1.0)
    queue(25)
    http = RecordingHttpClient()
    clock = [0.0]

    def sleep(seconds):  # the pace's wait passes at once, until three are sent: then SIGTERM
        clock[0] += seconds
        return len(http.requests) >= 3

    pacer = Pacer(1.0, clock=lambda: clock[0], sleep=sleep)
    # Stopped during the fourth wait: of the ten claimed (1/s x 10 s), seven go back.
    assert drain(Client(ACCOUNT, TOKEN, http_client=http), pacer=pacer) == {"sent": 3, "released": 7}
    assert Counter(r.status for r in OutboxMessage.select()) == {"queued": 3, "pending": 22}


def test_without_credentials_a_batch_is_logged_skipped_or_failed_at_once(core_app):
    core_app.config.update(TWILIO_ACCOUNT_SID="", TWILIO_FROM="")
    logged = queue(3)
    skipped = queue(2, first=100)
    failed = queue(1, kind="no_such_kind", first=200)
    SmsOptOut.insert_many([{"phone": p} for p in skipped]).execute()
    assert drain() == {"logged": 3, "skipped": 2, "failed": 1}
    status = {r.phone: (r.status, r.attempts, r.sent_at is not None) for r in OutboxMessage.select()}
    assert status == {**{p: ("logged", 1, True) for p in logged},
                      **{p: ("skipped", 1, False) for p in skipped},
                      **{p: ("failed", 1, False) for p in failed}}
    assert OutboxMessage.get(OutboxMessage.phone == failed[0]).error == "no template for kind no_such_kind"
    assert drain() == {}


def test_an_error_in_a_batch_gives_back_the_rows_not_reached(core_app, monkeypatch):
    twilio_config(core_app)
    queue(4)
    http = RecordingHttpClient()
    original = sender.finish

    def finish(row, status, **kwargs):  # the database fails as the second row's SID is written
        if row.id == second:
            raise RuntimeError("database gone")
        return original(row, status, **kwargs)

    second = OutboxMessage.select().order_by(OutboxMessage.id)[1].id
    monkeypatch.setattr(sender, "finish", finish)
    with pytest.raises(RuntimeError):
        drain(Client(ACCOUNT, TOKEN, http_client=http))
    rows = [(r.status, r.attempts) for r in OutboxMessage.select().order_by(OutboxMessage.id)]
    # Sent; the one Twilio took keeps its lease (sent again only if this sender never returns);
    # the rest go back, their try not counted.
    assert rows == [("queued", 1), ("claimed", 1), ("pending", 0), ("pending", 0)]
    assert len(http.requests) == 2


@pytest.mark.parametrize("credentials", [True, False])
def test_a_row_that_cannot_be_worded_fails_alone(core_app, monkeypatch, credentials):
    if credentials:
        twilio_config(core_app)
    else:
        core_app.config.update(TWILIO_ACCOUNT_SID="", TWILIO_FROM="")
    queue(3)
    bad = OutboxMessage.select().order_by(OutboxMessage.id)[1].id
    original = sender.render
    monkeypatch.setattr(sender, "render", lambda row, lang=None: (
        (_ for _ in ()).throw(ValueError("broken")) if row.id == bad else original(row, lang)))
    http = RecordingHttpClient()
    counts = drain(Client(ACCOUNT, TOKEN, http_client=http) if credentials else None)
    assert counts == ({"sent": 2, "failed": 1} if credentials else {"logged": 2, "failed": 1})
    assert OutboxMessage.get_by_id(bad).status == "failed"
    assert OutboxMessage.get_by_id(bad).error == "cannot render (ValueError)"


def test_a_batch_slower_than_its_lease_allows_is_claimed_again_not_sent_twice(core_app, monkeypatch):
    twilio_config(core_app)
    phones = queue(5)
    monkeypatch.setattr(sender, "LEASE", dt.timedelta(microseconds=2))  # half of it passes at once
    claims, original = [], sender.claim_due
    monkeypatch.setattr(sender, "claim_due", lambda limit: claims.append(limit) or original(limit))
    http = SlowHttpClient()
    assert drain(Client(ACCOUNT, TOKEN, http_client=http)) == {"sent": 5}
    # One row a batch: after it, half the lease has passed, and the rest go back to be claimed
    # again (with the real 5 minutes, a second sender could take them otherwise).
    assert len(claims) == 6 and sorted(r["data"]["To"] for r in http.requests) == phones
    assert {(r.status, r.attempts) for r in OutboxMessage.select()} == {("queued", 1)}


def test_giving_back_leaves_a_row_ended_meanwhile_alone(core_app):
    queue(2)
    rows = claim_due(2)
    OutboxMessage.update(status="skipped").where(OutboxMessage.id == rows[0].id).execute()  # purged
    sender.release(rows)
    assert [(r.status, r.attempts) for r in OutboxMessage.select().order_by(OutboxMessage.id)] == [
        ("skipped", 1), ("pending", 0)]
