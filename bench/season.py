"""A registration season played against a running server: applicants over web and SMS, staff.

Applicant n (0 <= n < size) is deterministic: where they live (Balikpapan villages, Samarinda,
other regencies), how they register (a quarter by SMS, through the signed Twilio webhook),
whether they try again with the same NIK, whether they check their status. Client processes
play the applicants; meanwhile `Staff` (in the caller's process, through the core functions)
approves and rejects pending registrations, cancels some, and raises one pool's capacity once.
"""
import datetime as dt
import multiprocessing
import re
import threading
import time
import uuid
from collections import defaultdict

from twilio.request_validator import RequestValidator

from bench.common import Client
from core import quota
from models import Pool, Registration, db
from tests.factories import make_nik

TWILIO_TOKEN = "season-auth-token"
TOKEN = re.compile(rb'name="csrf_token" value="([^"]+)"')
CODE = re.compile(r"Kode: ([A-Z0-9]{4}-[A-Z0-9]{4})")
VILLAGES = ("64.71.01.1001", "64.71.02.1004", "64.71.03.1004", "64.71.04.1003", "64.71.05.1002",
            "64.71.06.1001", "64.71.05.1010", "64.71.02.1001")
SAMARINDA = "64.72"
SAMARINDA_VILLAGES = ("64.72.01.1001", "64.72.01.1002", "64.72.01.1003")
OTHERS = ("64.01.01.2009", "64.02.01.2001", "64.74.01.1001")  # Paser, Kutai Barat, Bontang
EXTRA_POOL = ("kota-samarinda", "Kuota Kota Samarinda", SAMARINDA)


def applicant(n):
    """(NIK, name, birth date, web phone, SMS phone, kelurahan code, on DTKS?, by SMS?, again?,
    check status?). Seven in ten live in Balikpapan, 15 % in Samarinda, the rest in three other
    regencies; two in five declare DTKS (so the province's DTKS-only pool fills too)."""
    birth = dt.date(1970, 1, 1) + dt.timedelta(days=n // 9999 * 7)
    place = n % 20
    region = (VILLAGES[n % len(VILLAGES)] if place < 14
              else SAMARINDA_VILLAGES[n % len(SAMARINDA_VILLAGES)] if place < 17
              else OTHERS[n % len(OTHERS)])
    return dict(nik=make_nik(n, birth=birth), name="Sari Wulandari", birth=birth.isoformat(),
                phone=f"0815{n:08d}", e164=f"+62815{n:08d}", region=region, dtks=n % 5 in (1, 3),
                sms=n % 4 == 3,
                again=n % 50 == 7, check=n % 5 == 0)


class Player:
    """One client thread's applicants (every slots-th from its slot), with timings per kind."""

    def __init__(self, base_url, slot, slots, size):
        self.client, self.base_url = Client(base_url), base_url
        self.numbers = range(slot, size, slots)
        self.validator = RequestValidator(TWILIO_TOKEN)
        self.records = defaultdict(list)  # kind -> [(seconds, ok)]
        self.acknowledged = 0
        status, _, body = self.client.request("GET", "/daftar")
        self.token = TOKEN.search(body).group(1).decode()

    def timed(self, kind, call):
        started = time.perf_counter()
        try:
            ok, result = call()
        except OSError:
            ok, result = False, None
            self.client.close()
        self.records[kind].append((time.perf_counter() - started, ok))
        return result

    def web(self, a, again=False):
        form = {"csrf_token": self.token, "nik": a["nik"], "name": a["name"], "birth_date": a["birth"],
                "phone": a["phone"], "occupation": "ojol", "kelurahan": a["region"],
                "decl_not_participant": "1", "decl_income": "1"}
        if a["dtks"]:
            form["decl_dtks"] = "1"
        status = self.client.request("POST", "/daftar", form=form)[0]
        # Taken (303), unless refused on purpose (422): a repeated NIK, or no DTKS where the
        # province's DTKS-only pool is the only one serving.
        refusable = again or (a["region"] in OTHERS and not a["dtks"])
        return status == 303 or (refusable and status == 422), status

    def sms(self, a, body):
        form = {"MessageSid": "SM" + uuid.uuid4().hex, "From": a["e164"], "To": "+6281100001234",
                "Body": body, "NumMedia": "0", "AccountSid": "AC" + "0" * 32}
        signature = self.validator.compute_signature(self.base_url + "/sms/twilio", form)
        status, _, data = self.client.request("POST", "/sms/twilio", form=form,
                                              headers={"X-Twilio-Signature": signature})
        return status == 200, data.decode(errors="replace")

    def status(self, a):
        form = {"csrf_token": self.token, "nik": a["nik"], "birth_date": a["birth"]}
        status = self.client.request("POST", "/status", form=form)[0]
        return status == 303 and self.client.request("GET", "/status?lihat=1")[0] == 200, None

    def play(self):
        """Every applicant of this thread, in order; returns nothing (see records, acknowledged)."""
        for n in self.numbers:
            a = applicant(n)
            if a["sms"]:
                place, dtks = a["region"], "DTKS" if a["dtks"] else "TIDAK"
                self.timed("sms message", lambda: self.sms(a, f"DAFTAR#{a['nik']}#{a['name']}#1#{place}#{dtks}"))
                reply = self.timed("sms message", lambda: self.sms(a, "YA")) or ""
                self.acknowledged += bool(CODE.search(reply))
                if a["again"]:  # refused, unless a worker's cancel came first (then it counts)
                    self.timed("sms message", lambda: self.sms(a, f"DAFTAR#{a['nik']}#{a['name']}#1#{place}#{dtks}"))
                    reply = self.timed("sms message", lambda: self.sms(a, "YA")) or ""
                    self.acknowledged += bool(CODE.search(reply))
                if a["check"]:
                    self.timed("sms message", lambda: self.sms(a, "CEK"))
            else:
                status = self.timed("web registration", lambda: self.web(a))
                self.acknowledged += status == 303
                if a["again"]:  # refused (422), unless a worker's cancel came first (303)
                    status = self.timed("web registration (NIK again)", lambda: self.web(a, again=True))
                    self.acknowledged += status == 303
                if a["check"]:
                    self.timed("web status look-up", lambda: self.status(a))
        self.client.close()


def play_all(base_url, size, processes=2, threads=4):
    """Play `size` applicants over processes x threads clients.

    Returns (records by kind, registrations acknowledged, seconds from the first client's start
    to the last one's end, set-up excluded).
    """
    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    procs = [ctx.Process(target=_process, args=(base_url, p, processes, threads, size, results),
                         daemon=True) for p in range(processes)]
    for p in procs:
        p.start()
    records, acknowledged, spans = defaultdict(list), 0, []
    for _ in procs:
        payload = results.get(timeout=3600)
        if isinstance(payload, str):
            raise RuntimeError(payload)
        for kind, values in payload[0].items():
            records[kind] += values
        acknowledged += payload[1]
        spans.append(payload[2:])
    for p in procs:
        p.join(timeout=30)
    seconds = max(end for _, end in spans) - min(start for start, _ in spans)
    return records, acknowledged, seconds


def _process(base_url, index, processes, threads, size, results):
    try:
        slots = processes * threads
        players = [Player(base_url, index * threads + t, slots, size) for t in range(threads)]
    except Exception as exc:  # noqa: BLE001 - a set-up failure must reach the parent
        results.put(f"{type(exc).__name__}: {exc}")
        return
    pool = [threading.Thread(target=p.play) for p in players]
    began = time.time()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    records = defaultdict(list)
    for p in players:
        for kind, values in p.records.items():
            records[kind] += values
    results.put((dict(records), sum(p.acknowledged for p in players), began, time.time()))


class Staff(threading.Thread):
    """Verifiers and workers' cancellations through the core, while the applicants play.

    Each round: the oldest pending registrations are decided (one in ten rejected), and one in
    twenty-five registrations seen so far is cancelled by its worker; once `raise_after`
    registrations exist, the provincial pool grows by a tenth (promoting the waiting).
    """

    def __init__(self, raise_after, batch=40, pause=0.5):
        super().__init__(daemon=True)
        self.raise_after, self.batch, self.pause = raise_after, batch, pause
        self.stop, self.raised = threading.Event(), False
        self.records, self.promoted, self.last_seen = defaultdict(list), 0, 0
        self.error = None

    def timed(self, kind, call):
        started = time.perf_counter()
        outcome = call()
        self.records[kind].append((time.perf_counter() - started, outcome.ok))
        self.promoted += len(outcome.promoted)

    def run(self):
        try:
            with db.connection_context():
                # Verifiers work in rounds, a pause apart, not as fast as the database allows.
                while not self.stop.wait(self.pause):
                    self.round()
                self.round()
        except Exception as exc:  # noqa: BLE001 - reported by the benchmark
            self.error = exc

    def round(self):
        """One round of decisions; True if there was work."""
        pending = list(Registration.select().where(Registration.status == "pending")
                       .order_by(Registration.id).limit(self.batch))
        for reg in pending:
            if reg.id % 10 == 0:
                self.timed("verifier reject", lambda: quota.reject(reg, "staff:verifier", "other"))
            else:
                self.timed("verifier approve", lambda: quota.approve(reg, "staff:verifier"))
        newer = list(Registration.select().where(Registration.id > self.last_seen)
                     .order_by(Registration.id).limit(500))
        for reg in newer:
            if reg.id % 25 == 3:
                self.timed("worker cancel", lambda: quota.cancel(reg, "worker:web"))
        if newer:
            self.last_seen = newer[-1].id
        if not self.raised and self.last_seen >= self.raise_after:
            pool = Pool.get(Pool.code == "prov-kaltim")
            self.timed("capacity change", lambda: quota.set_capacity(
                "prov-kaltim", pool.capacity + pool.capacity // 10, "staff:admin"))
            self.raised = True
        return bool(pending or newer)
