"""A decree-day burst: 20,000 queued notifications through twilio-python's real Client, paced on
an injected clock, with Twilio answering some sends with its error codes."""
import datetime as dt
import json
import logging
import os
import time
from collections import defaultdict

import pytest
import requests
from peewee import fn
from twilio.http import HttpClient
from twilio.http.response import Response
from twilio.rest import Client

from models import OutboxMessage, SmsOptOut, db
from sms import sender
from sms.gsm import segments
from tests.test_sms_support import ACCOUNT, CITY_NUMBER, TOKEN, db_context, sms_app  # noqa: F401

pytestmark = pytest.mark.slow
MESSAGES = int(os.environ.get("BURST_MESSAGES", 20_000))
RATE = 1.0  # messages per second: one Indonesian long code
START = dt.datetime(2026, 12, 1, 8, 0)
DEFINITE = {101: "21211", 103: "21614", 107: "21610"}  # every n-th phone: invalid, landline, STOP
FIGURES = {}


class FakeClock:
    """Seconds since START; sleeping moves it forward at once."""

    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t

    def sleep(self, seconds):
        self.t += max(seconds, 0.0)
        return False

    def now(self):
        return START + dt.timedelta(seconds=self.t)


def phone(n):
    return f"+62812{n:08d}"


class ScriptedTwilio(HttpClient):
    """Twilio's HTTP layer: records each send with the fake time, answers by phone and attempt."""

    def __init__(self, clock):
        super().__init__(logging.getLogger("tests.twilio"), is_async=False)
        self.clock, self.sends, self.tries = clock, [], defaultdict(int)

    def answer(self, n, attempt):
        for every, code in DEFINITE.items():
            if n % every == 0:
                return 400, code
        if n % 11 == 0 and attempt < 2:
            return ((429, "30001"), (503, "20503"))[attempt]  # queue overflow, then Twilio down
        if n % 13 == 0 and attempt == 0:
            return requests.ConnectionError("connection refused")
        if n % 7 == 0 and attempt == 0:
            return 429, "20429"
        if n % 17 == 0 and attempt == 0:
            return 400, "30003"
        return 201, None

    def request(self, method, uri, params=None, data=None, headers=None, auth=None,
                timeout=None, allow_redirects=False):
        to = data["To"]
        n = int(to[-8:])
        answer = self.answer(n, self.tries[to])
        self.tries[to] += 1
        self.sends.append((self.clock(), to, data["Body"], answer))
        if isinstance(answer, Exception):
            raise answer
        status, code = answer
        if status >= 400:
            return Response(status, json.dumps({"code": int(code), "message": "refused",
                                                "status": status}))
        sid = f"SM{len(self.sends):032d}"
        return Response(201, json.dumps({"sid": sid, "status": "queued", "to": to,
                                         "account_sid": ACCOUNT, "num_segments": "1"}))


def queue(n_messages):
    """The burst: one 'approved' notice per phone, all due at once."""
    rows = [{"phone": phone(n), "kind": "approved", "params": {"ref": "K7P3QX9M"},
             "next_attempt_at": START, "created_at": START} for n in range(1, n_messages + 1)]
    with db.atomic():
        for i in range(0, len(rows), 500):
            OutboxMessage.insert_many(rows[i:i + 500]).execute()


def run_sender(clock, client):
    """The worker's loop on the fake clock: drain, and when nothing is due wait for the next row."""
    pacer = sender.Pacer(RATE, clock=clock, sleep=clock.sleep)
    while True:
        if not sender.drain(client, limit=500, pacer=pacer):
            due = OutboxMessage.select(fn.MIN(OutboxMessage.next_attempt_at)).where(
                OutboxMessage.status.in_(("pending", "claimed"))).scalar()
            if due is None:
                return
            clock.sleep(max((due - clock.now()).total_seconds(), 0) + 1)


def test_a_burst_of_20000_is_paced_and_none_is_lost_doubled_or_resent_after_a_definite_failure(
        sms_app, db_context, monkeypatch):
    sms_app.config.update(TWILIO_ACCOUNT_SID=ACCOUNT, TWILIO_FROM=CITY_NUMBER, SMS_MAX_ATTEMPTS=5,
                          SMS_RATE_PER_SECOND=RATE)
    clock = FakeClock()
    monkeypatch.setattr(sender, "now", clock.now)  # back-off and leases on the same fake time
    twilio = ScriptedTwilio(clock)
    queue(MESSAGES)
    started = time.perf_counter()
    run_sender(clock, Client(ACCOUNT, TOKEN, http_client=twilio))
    elapsed = time.perf_counter() - started

    rows = {r.phone: r for r in OutboxMessage.select()}
    by_phone = defaultdict(list)
    for at, to, body, answer in twilio.sends:
        by_phone[to].append((at, body, answer))
    # None lost: every row ended, and every row Twilio did not refuse for good was accepted.
    assert len(rows) == MESSAGES
    assert {r.status for r in rows.values()} <= {"queued", "failed", "skipped"}
    for to, row in rows.items():
        tries = by_phone[to]
        accepted = [t for t in tries if not isinstance(t[2], Exception) and t[2][0] == 201]
        definite = [t for t in tries if not isinstance(t[2], Exception) and t[2][1] in DEFINITE.values()]
        if definite:
            # None sent after a definite failure: that answer was the phone's last request.
            assert tries[-1] is definite[0] and not accepted
            assert row.status == ("skipped" if definite[0][2][1] == "21610" else "failed")
        else:
            # None sent twice: exactly one accepted send, recorded with its segments.
            assert len(accepted) == 1 and tries[-1] is accepted[0]
            assert row.status == "queued" and row.sid is not None
            assert row.segments == segments(accepted[0][1])[0] and row.attempts == len(tries)
    opted_out = [n for n in range(1, MESSAGES + 1)
                 if n % 107 == 0 and n % 101 and n % 103]  # 101 and 103 answer first
    assert SmsOptOut.select().count() == len(opted_out)
    # The pace: no two sends closer than 1/RATE seconds on the injected clock.
    times = [s[0] for s in twilio.sends]
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert min(gaps) >= 1 / RATE - 1e-9
    FIGURES.update(messages=MESSAGES, requests=len(times), span_hours=round(times[-1] / 3600, 2),
                   accepted=sum(r.status == "queued" for r in rows.values()),
                   failed=sum(r.status == "failed" for r in rows.values()),
                   skipped=sum(r.status == "skipped" for r in rows.values()),
                   min_gap_s=round(min(gaps), 3), wall_seconds=round(elapsed, 1))
    print("burst figures:", FIGURES)
