"""Benchmark helpers: percentiles, a table, a keep-alive HTTP client and a multi-process load driver."""
import http.client
import math
import multiprocessing
import os
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def percentile(values, p):
    """The p-th percentile (0-100) of values, by linear interpolation; NaN when empty."""
    data = sorted(values)
    if not data:
        return math.nan
    rank = (len(data) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return data[low] + (data[high] - data[low]) * (rank - low)


def cpu_seconds(pid):
    """CPU seconds (user + system) used so far by a process and its living descendants (Linux).

    Unlike a rate or a latency, this hardly moves with what else runs on a shared machine: it
    says how much of the machine a server needed for the work it did.
    """
    total, stack = 0, [pid]
    while stack:
        process = stack.pop()
        try:
            # Fields after the command name (which may hold spaces): state is the first, then
            # utime and stime are the 12th and 13th.
            fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
            for task in Path(f"/proc/{process}/task").iterdir():
                stack += [int(child) for child in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue  # it ended meanwhile
    return total / os.sysconf("SC_CLK_TCK")


def row(metric, value, unit, goal=None):
    """One result, in the shape every bench module returns."""
    return {"metric": metric, "value": float(value), "unit": unit, "goal": goal}


def print_table(rows, columns=("module", "metric", "value", "unit", "goal", "ok")):
    """Print rows (dicts) as an aligned text table."""
    cells = [[format_cell(r.get(c)) for c in columns] for r in rows]
    widths = [max([len(c)] + [len(line[i]) for line in cells]) for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths)))
    print("  ".join("-" * w for w in widths))
    for line in cells:
        print("  ".join(v.rjust(w) if i == 2 else v.ljust(w) for i, (v, w) in enumerate(zip(line, widths))))


def format_cell(value):
    """A table cell: numbers to 4 significant figures, None as empty, booleans as ok/MISS."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ok" if value else "MISS"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"
    return str(value)


class Client:
    """One keep-alive HTTP/1.1 connection to a loopback server, with a small cookie jar."""

    def __init__(self, base_url, timeout=30):
        parts = urlsplit(base_url)
        if parts.hostname not in LOOPBACK:
            raise ValueError(f"benchmarks only load loopback servers, not {parts.hostname}")
        self.host, self.port, self.timeout = parts.hostname, parts.port, timeout
        self.cookies = {}
        self.conn = None

    def request(self, method, path, form=None, headers=None):
        """Send one request; return (status, headers, body bytes). Reconnects once if the server hung up."""
        body = urlencode(form).encode() if form is not None else None
        sent = dict(headers or {})
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=sent)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # An idle keep-alive connection the server closed; the request never reached it.
                self.close()
                if attempt == 2:
                    raise
        for cookie in response.headers.get_all("Set-Cookie") or ():
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value
        return response.status, response.headers, data

    def close(self):
        """Close the connection."""
        if self.conn is not None:
            self.conn.close()
            self.conn = None


@dataclass
class LoadResult:
    """What a load run measured: per-request latencies (s) and statuses, over a wall-clock span."""

    latencies: list = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def rps(self):
        """Completed requests per second."""
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def ms(self, p):
        """The p-th percentile latency in milliseconds."""
        return percentile(self.latencies, p) * 1000


def drive(base_url, job, processes=2, threads=4, seconds=8.0, count=None):
    """Run job (a picklable class: job(client, slot) then job_instance(k) -> status) under load.

    processes x threads clients each loop until `seconds` pass or `count` requests are done in
    all; every client does its set-up first, then all start together at a barrier.
    """
    ctx = multiprocessing.get_context("spawn")
    slots = processes * threads
    barrier, results = ctx.Barrier(slots), ctx.Queue()
    per_client = math.ceil(count / slots) if count else None
    workers = [ctx.Process(target=_process, args=(base_url, job, p * threads, threads, seconds,
                                                  per_client, barrier, results), daemon=True)
               for p in range(processes)]
    for w in workers:
        w.start()
    outcome, starts, ends = LoadResult(), [], []
    for _ in workers:
        kind, *payload = results.get(timeout=seconds + 180)
        if kind == "error":
            raise RuntimeError(f"a load client failed to start: {payload[0]}")
        latencies, statuses, start, end = payload
        outcome.latencies += latencies
        outcome.statuses.update(statuses)
        starts.append(start)
        ends.append(end)
    for w in workers:
        w.join(timeout=30)
    outcome.seconds = max(ends) - min(starts)
    return outcome


def _process(base_url, job, first_slot, threads, seconds, per_client, barrier, results):
    """One load process: its threads' clients, then their records sent back to the parent."""
    records, starts, failures = [], [], []
    lock = threading.Lock()

    def client_loop(slot):
        try:
            client = Client(base_url)
            work = job(client, slot)
            barrier.wait(timeout=120)
        except Exception as exc:  # noqa: BLE001 - a set-up failure must reach the parent
            barrier.abort()
            failures.append(f"{type(exc).__name__}: {exc}")
            return
        began, mine, k = time.time(), [], 0
        while time.time() < began + seconds and (per_client is None or k < per_client):
            t0 = time.perf_counter()
            try:
                status = work(k)
            except (OSError, http.client.HTTPException):
                status = 0
                client.close()
            mine.append((time.perf_counter() - t0, status))
            k += 1
        client.close()
        with lock:
            records.extend(mine)
            starts.append(began)

    pool = [threading.Thread(target=client_loop, args=(first_slot + t,)) for t in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    if failures:
        results.put(("error", failures[0]))
    else:
        results.put(("ok", [r[0] for r in records], Counter(r[1] for r in records),
                     min(starts), time.time()))
