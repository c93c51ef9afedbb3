"""SMS webhook under load: 100 concurrent senders post Twilio-signed messages to gunicorn.

Server time is what the app reports in `Server-Timing: app;dur=…` (set by the sms blueprint:
from its before_request to its after_request, so signature check, parsing, the core's
transaction and TwiML are in; gunicorn, WSGI and opening the connection are not). Client
latency, measured around each request, is reported beside it for comparison.
"""
import re
import tempfile
import threading
import time
import uuid
from pathlib import Path

from twilio.request_validator import RequestValidator

from bench.common import Client, percentile, row
from database import open_database
from models import Registration, SmsInbound, db
from tests.factories import make_nik
from tests.live_server import LiveServer, prepare_database

SENDERS = 100
TIME_LIMIT = 120.0  # seconds; a sender stops its script when this has passed
TOKEN = "bench-auth-token"
CODE = re.compile(r"Kode: ([A-Z0-9]{4}-[A-Z0-9]{4})")
TIMING = re.compile(r"app;dur=([\d.]+)")


def script(slot):
    """What one worker's phone texts: help, places, two registrations, checks, a retry, a cancel."""
    first, second = make_nik(2 * slot), make_nik(2 * slot + 1)
    return ["INFO", "KUOTA", f"DAFTAR#{first}#Budi Santoso#1#Manggar#TIDAK", "YA", "CEK",
            "DAFTAR", second, "Siti Aminah", "3", "Sepinggan", "2", "YA", "RETRY", "CEK {code}",
            "BATAL {code}", "TIDAK", "halo apa kabar", "KUOTA", "CEK"]


class Sender:
    """One phone texting the city's number through a keep-alive connection."""

    def __init__(self, base_url, slot):
        self.client, self.slot = Client(base_url), slot
        self.url, self.phone = base_url + "/sms/twilio", f"+62812{slot:08d}"
        self.validator = RequestValidator(TOKEN)
        self.records, self.code, self.last = [], "", None

    def send(self, body, sid=None):
        """Post one signed message; record (client seconds, server ms, status)."""
        sid = sid or "SM" + uuid.uuid4().hex
        form = {"MessageSid": sid, "SmsSid": sid, "SmsMessageSid": sid, "AccountSid": "AC" + "0" * 32,
                "MessagingServiceSid": "MG" + "0" * 32, "From": self.phone, "To": "+6281100001234",
                "Body": body, "NumMedia": "0", "NumSegments": "1", "FromCity": "", "FromState": "",
                "FromCountry": "ID", "FromZip": "", "ToCity": "", "ToState": "", "ToCountry": "ID",
                "ToZip": "", "SmsStatus": "received", "ApiVersion": "2010-04-01"}
        signature = self.validator.compute_signature(self.url, form)
        started = time.perf_counter()
        try:
            status, headers, data = self.client.request(
                "POST", "/sms/twilio", form=form, headers={"X-Twilio-Signature": signature})
        except OSError:
            status, headers, data = 0, {}, b""
            self.client.close()
        timing = TIMING.search(headers.get("Server-Timing", "")) if headers else None
        self.records.append((time.perf_counter() - started,
                             float(timing.group(1)) if timing else None, status))
        self.last = (body, sid)
        return data.decode(errors="replace")

    def run(self, barrier, deadline):
        """Wait for every sender, then text the script (a Twilio-style retry included)."""
        barrier.wait(timeout=60)
        confirmed = 0
        for body in script(self.slot):
            if time.time() > deadline:
                break
            if body == "RETRY":
                reply = self.send(*self.last)
                continue
            reply = self.send(body.format(code=self.code))
            if body == "YA" and CODE.search(reply):
                self.code, confirmed = CODE.search(reply).group(1), confirmed + 1
        self.confirmed = confirmed
        self.client.close()


def load(base_url):
    """Run SENDERS senders at once; return them and the wall-clock seconds taken."""
    senders = [Sender(base_url, slot) for slot in range(SENDERS)]
    barrier = threading.Barrier(SENDERS + 1)
    deadline = time.time() + TIME_LIMIT
    threads = [threading.Thread(target=s.run, args=(barrier, deadline)) for s in senders]
    for t in threads:
        t.start()
    barrier.wait(timeout=60)
    started = time.perf_counter()
    for t in threads:
        t.join(timeout=TIME_LIMIT + 60)
    return senders, time.perf_counter() - started


def run():
    """Start gunicorn on a fresh SQLite file, load it, report throughput and server time."""
    with tempfile.TemporaryDirectory(prefix="jaring-bench-sms-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'jaring.sqlite3'}"
        prepare_database(url)
        env = {"TWILIO_AUTH_TOKEN": TOKEN, "TWILIO_ACCOUNT_SID": "", "TWILIO_FROM": ""}
        with LiveServer(url, workers=2, env=env) as server:
            senders, seconds = load(server.base_url)
        records = [r for s in senders for r in s.records]
        confirmed = sum(getattr(s, "confirmed", 0) for s in senders)
        stored, inbound = audit(url)
    server_ms = [r[1] for r in records if r[1] is not None]
    client_ms = [r[0] * 1000 for r in records]
    return [
        row("SMS webhook, 100 concurrent senders", len(records) / seconds, "req/s"),
        row("SMS webhook server time p50", percentile(server_ms, 50), "ms"),
        row("SMS webhook server time p99", percentile(server_ms, 99), "ms", "≤ 50"),
        row("SMS webhook client latency p99", percentile(client_ms, 99), "ms"),
        row("SMS webhook answered other than 200", sum(r[2] != 200 for r in records), "requests",
            "= 0"),
        row("SMS registrations stored minus confirmed", stored - confirmed, "rows", "= 0"),
        row("SMS messages stored minus sent (retries excluded)",
            inbound - (len(records) - SENDERS), "rows", "= 0"),
    ]


def audit(url):
    """(registrations stored, inbound messages stored) after the run."""
    open_database(url)
    with db.connection_context():
        counts = Registration.select().count(), SmsInbound.select().count()
    db.close()
    return counts
