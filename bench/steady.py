"""Open-loop load: requests sent on a fixed schedule, whatever the server's speed.

A closed loop (bench/common.py `drive`) waits for each answer before the next request, so a slow
server is asked less and its queueing never shows. Here request k of a stream is due at
start + k / rate; a pool of threads takes the due times in turn, and a request's latency is
counted from its due time, not from when a thread got round to it (no coordinated omission).
"""
import http.client
import multiprocessing
import threading
import time

from bench.common import Client

GIVE_UP = 10.0  # seconds behind schedule after which a request is dropped (and counted failed)


def run_streams(base_url, streams, seconds, start_in=8.0):
    """Run streams [(name, job, rate/s, threads)] at once, each in its own process.

    job(client, slot) sets up one client (e.g. fetch a CSRF token), then job_instance(k) makes
    the k-th request and returns True when the answer was the expected one; a request more than
    GIVE_UP seconds behind its due time is not sent (ok None) and counts as failed. Returns
    {name: [(latency s, ok, due s after start), ...]}, one per request due in `seconds`.
    """
    ctx = multiprocessing.get_context("spawn")
    results = ctx.Queue()
    start_at = time.time() + start_in
    procs = [ctx.Process(target=_stream, args=(base_url, name, job, rate, threads, seconds,
                                               start_at, results), daemon=True)
             for name, job, rate, threads in streams]
    for p in procs:
        p.start()
    out = {}
    for _ in procs:
        name, payload = results.get(timeout=start_in + seconds + 300)
        if isinstance(payload, str):
            raise RuntimeError(f"stream {name} failed: {payload}")
        out[name] = payload
    for p in procs:
        p.join(timeout=30)
    return out


def _stream(base_url, name, job, rate, threads, seconds, start_at, results):
    """One stream's process: set up `threads` clients, then send on schedule until `seconds`."""
    total = int(rate * seconds)
    lock, counter, records, failures = threading.Lock(), iter(range(total)), [], []
    ready = threading.Barrier(threads + 1)

    def worker(slot):
        try:
            client = Client(base_url)
            work = job(client, slot)
        except Exception as exc:  # noqa: BLE001 - a set-up failure must reach the parent
            failures.append(f"{type(exc).__name__}: {exc}")
            ready.abort()
            return
        try:
            ready.wait()
        except threading.BrokenBarrierError:
            # Some client was not ready by the start: say so rather than report nothing sent.
            failures.append(f"set-up took longer than {start_in:.0f} s (start_in)")
            return
        mine = []
        while True:
            with lock:
                k = next(counter, None)
            if k is None:
                break
            due = start_at + k / rate
            pause = due - time.time()
            if pause > 0:
                time.sleep(pause)
            elif -pause > GIVE_UP:
                # So far behind that a visitor would have left: counted as a failure, not sent,
                # so an overloaded server does not stretch the run without end.
                mine.append((-pause, None, due - start_at))
                continue
            try:
                ok = work(k)
            except (OSError, http.client.HTTPException):
                ok = False
                client.close()
            mine.append((time.time() - due, ok, due - start_at))
        client.close()
        with lock:
            records.extend(mine)

    pool = [threading.Thread(target=worker, args=(slot,)) for slot in range(threads)]
    for t in pool:
        t.start()
    try:
        ready.wait(timeout=max(start_at - time.time(), 1))
    except threading.BrokenBarrierError:
        pass
    for t in pool:
        t.join()
    results.put((name, failures[0] if failures else records))
