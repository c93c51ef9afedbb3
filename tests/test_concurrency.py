"""Hundreds of registrations race for the last seats: real threads, real server processes.

Each race runs with every pool's seats on its row (1 share) and split over 4 share rows.
"""
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from config import DEFAULT_RULES
from core import pools, quota
from core.seats import seat_problems
from database import open_database
from models import Pool, Registration, db
from tests.factories import applicant, form, make_nik
from tests.live_server import LiveServer, prepare_database

RACERS = 200
# Three pools: Balikpapan's and Samarinda's for their residents, the province's for both after them.
CITY_SEATS, PROVINCE_SEATS, SAMARINDA_SEATS = 7, 5, 3
SEATS = CITY_SEATS + PROVINCE_SEATS + SAMARINDA_SEATS


def set_capacities(shares=1):
    Pool.update(capacity=CITY_SEATS).where(Pool.code == "kota-balikpapan").execute()
    Pool.update(capacity=PROVINCE_SEATS).where(Pool.code == "prov-kaltim").execute()
    for code in ("kota-balikpapan", "prov-kaltim"):
        assert pools.set_shares(code, shares, "test").ok
    assert pools.create_pool("kota-samarinda", "Kuota Kota Samarinda", "64.72", SAMARINDA_SEATS, 1,
                             False, "test", shares=shares).ok


def racer_applicant(n):
    """Every third racer lives in Samarinda; all are on DTKS, so the provincial pool takes them."""
    if n % 3 == 0:
        return dict(nik=make_nik(n, region="647201"), kelurahan="64.72.01.1001", decl_dtks=True)
    return dict(decl_dtks=True)


def check_invariants(acknowledged):
    """Seats held never exceed capacity; every acknowledged code exists; the list is in order."""
    for pool in Pool.select():
        assert pool.seats_held == Registration.count_held(pool) <= pool.capacity
    assert seat_problems() == []  # each share too: held ≤ its capacity, equal to its rows
    seated = Registration.select().where(Registration.pool.is_null(False)).count()
    assert seated == SEATS
    for pool in Pool.select():  # each pool seats only the residents it serves
        assert all(pool.serves(r.region_id) for r in Registration.select().where(Registration.pool == pool))
    assert Pool.get(Pool.code == "kota-samarinda").seats_held == SAMARINDA_SEATS
    stored = {r.ref for r in Registration.select(Registration.ref)}
    assert set(acknowledged) <= stored and len(stored) == len(acknowledged) == RACERS
    waiting = list(Registration.select().where(Registration.status == "waitlisted")
                   .order_by(Registration.id))
    assert [Registration.position_of(r) for r in waiting] == list(range(1, len(waiting) + 1))
    assert len(waiting) == RACERS - SEATS


@pytest.mark.slow
@pytest.mark.parametrize("shares", [1, 4])
def test_threads_racing_for_the_last_seats_never_oversell(core_app, shares):
    set_capacities(shares)
    start = threading.Barrier(20)
    refs, lock = [], threading.Lock()

    def racer(worker):
        start.wait()
        for n in range(worker, RACERS, 20):
            with db.connection_context():
                outcome = quota.register(applicant(n, **racer_applicant(n)), "web", DEFAULT_RULES)
            assert outcome.ok, outcome.errors
            with lock:
                refs.append(outcome.registration.ref)

    threads = [threading.Thread(target=racer, args=(w,)) for w in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    db.connect(reuse_if_open=True)
    check_invariants(refs)


def register_over_http(base_url, n):
    """One worker's browser: fetch the form (CSRF token), post it as htmx does, read the code."""
    with requests.Session() as s:
        page = s.get(f"{base_url}/daftar", timeout=60).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        reply = s.post(f"{base_url}/daftar", data={**form(n, **racer_applicant(n)), "csrf_token": token},
                       headers={"HX-Request": "true"}, timeout=60)
        assert reply.status_code == 200, reply.text[:500]
        return re.search(r'class="ref">([A-Z0-9]{4})-([A-Z0-9]{4})<', reply.text).group(1, 2)


@pytest.mark.slow
@pytest.mark.parametrize("shares", [1, 4])
def test_server_processes_racing_over_http_never_oversell(database_url, shares):
    prepare_database(database_url)
    open_database(database_url)
    with db.connection_context():
        set_capacities(shares)
    with LiveServer(database_url, workers=3) as server:
        with ThreadPoolExecutor(max_workers=50) as pool:
            codes = list(pool.map(lambda n: register_over_http(server.base_url, n), range(RACERS)))
    with db.connection_context():
        check_invariants(["".join(c) for c in codes])
