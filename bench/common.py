"""Benchmark helpers: percentiles, a table, a keep-alive HTTP client and a multi-process load driver."""
import http.client
import math
import multiprocessing
import os
import socket
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


class Headers(dict):
    """A response's headers by lower-case name (the last value of a repeated one)."""

    def get(self, name, default=None):
        """The header's value, whatever the case of name; default when absent."""
        return super().get(name.lower(), default)

    def __getitem__(self, name):
        return super().__getitem__(name.lower())

    def __contains__(self, name):
        return super().__contains__(name.lower())


class Client:
    """One keep-alive HTTP/1.1 connection to a loopback server, with a small cookie jar.

    Written on a bare socket: http.client parses headers with the email package, ~0.3 ms of
    the load generator's CPU a request, which on a 2-core machine the server under test needs.
    Answers with Content-Length, chunked, or read to the close; nothing else HTTP/1.1 allows
    is needed against our own server (no 1xx, no trailers).
    """

    def __init__(self, base_url, timeout=30):
        parts = urlsplit(base_url)
        if parts.hostname not in LOOPBACK:
            raise ValueError(f"benchmarks only load loopback servers, not {parts.hostname}")
        self.host, self.port, self.timeout = parts.hostname, parts.port, timeout
        self.cookies = {}
        self.sock, self.buffer = None, b""

    def request(self, method, path, form=None, headers=None):
        """Send one request; return (status, headers, body bytes). Reconnects once if the server
        hung up before answering (an idle keep-alive connection it closed)."""
        body = urlencode(form).encode() if form is not None else b""
        # What http.client sent, then the caller's headers in place of any of the same name.
        sent = {"host": ("Host", f"{self.host}:{self.port}"),
                "accept-encoding": ("Accept-Encoding", "identity")}
        if form is not None:
            sent["content-type"] = ("Content-Type", "application/x-www-form-urlencoded")
        if form is not None or method in ("POST", "PUT", "PATCH"):
            sent["content-length"] = ("Content-Length", str(len(body)))
        if self.cookies:
            sent["cookie"] = ("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        sent.update((name.lower(), (name, value)) for name, value in (headers or {}).items())
        lines = [f"{method} {path} HTTP/1.1", *(f"{n}: {v}" for n, v in sent.values())]
        data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
        for attempt in (1, 2):
            if self.sock is None:
                self.sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
                self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self.buffer = b""
            try:
                self.sock.sendall(data)
                status, found, payload = self._response(method)
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt == 2:
                    raise
        return status, found, payload

    def _response(self, method):
        head = self._until(b"\r\n\r\n", first=True)
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        found = Headers()
        for line in header_lines:
            name, _, value = line.partition(":")
            name, value = name.strip().lower(), value.strip()
            found[name] = value
            if name == "set-cookie":
                key, _, kept = value.split(";", 1)[0].partition("=")
                self.cookies[key.strip()] = kept
        if method == "HEAD" or status in (204, 304):
            payload = b""
        elif "content-length" in found:
            payload = self._exactly(int(found["content-length"]))
        elif found.get("transfer-encoding", "").lower() == "chunked":
            payload = self._chunked()
        else:
            payload = self._to_close()
        if found.get("connection", "").lower() == "close":
            self.close()
        return status, found, payload

    def _fill(self, first=False):
        chunk = self.sock.recv(65536)
        if not chunk:
            if first and not self.buffer:
                raise http.client.RemoteDisconnected("the server closed the connection")
            raise http.client.IncompleteRead(self.buffer)
        self.buffer += chunk

    def _until(self, marker, first=False):
        while marker not in self.buffer:
            self._fill(first)
        found, _, self.buffer = self.buffer.partition(marker)
        return found

    def _exactly(self, size):
        while len(self.buffer) < size:
            self._fill()
        found, self.buffer = self.buffer[:size], self.buffer[size:]
        return found

    def _chunked(self):
        parts = []
        while True:
            size = int(self._until(b"\r\n").split(b";")[0], 16)
            if size == 0:
                self._until(b"\r\n")
                return b"".join(parts)
            parts.append(self._exactly(size))
            self._exactly(2)

    def _to_close(self):
        while True:
            chunk = self.sock.recv(65536)
            if not chunk:
                found, self.buffer = self.buffer, b""
                self.close()
                return found
            self.buffer += chunk

    def close(self):
        """Close the connection."""
        if self.sock is not None:
            self.sock.close()
            self.sock = None


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
