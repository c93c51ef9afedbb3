"""Races the core must win, on SQLite and PostgreSQL: paused transactions, real threads.

Each race runs with the city's seats on its pool row (1 share) and split over 4 share rows.
"""
import functools
import itertools
import random
import threading
import time

import pytest

from config import DEFAULT_RULES
from core import pools, program_year, quota, seats
from core.seats import seat_problems
from models import AuditEvent, Pool, ProgramYear, Registration, db
from peewee import OperationalError
from tests.factories import applicant

SHARES = [1, 4]


def capacities(city, province, shares=1):
    Pool.update(capacity=city).where(Pool.code == "kota-balikpapan").execute()
    Pool.update(capacity=province).where(Pool.code == "prov-kaltim").execute()
    assert pools.set_shares("kota-balikpapan", shares, "test").ok


def pause_before_last_try(monkeypatch):
    """Hold the thread named "newcomer" once, where it found no seat and is about to lock the
    pools for its last try before the waiting list (seats.lock_to_wait): (reached, resume)."""
    reached, resume = threading.Event(), threading.Event()
    original = seats.lock_to_wait

    def paused(pools):
        if threading.current_thread().name == "newcomer" and not reached.is_set():
            reached.set()
            resume.wait(10)
        return original(pools)

    monkeypatch.setattr(seats, "lock_to_wait", paused)
    return reached, resume


def city():
    return Pool.get(Pool.code == "kota-balikpapan")


def no_free_seat_beside_a_waiter():
    """Every open pool with a free seat has no one waiting that it could take."""
    return all(not (p.is_open and p.seats_held < p.capacity and Registration.waiting_for(p).exists())
               for p in Pool.select())


def in_thread(app, work, out, name=None):
    def run():
        with app.app_context():
            db.connect(reuse_if_open=True)
            out.append(work())
            db.close()
    thread = threading.Thread(target=run, name=name)
    thread.start()
    return thread


@pytest.mark.parametrize("shares", SHARES)
def test_a_seat_freed_while_a_newcomer_is_joining_the_waiting_list_goes_to_them(
        core_app, monkeypatch, shares):
    capacities(1, 0, shares)
    holder = quota.register(applicant(1), "web", DEFAULT_RULES).registration
    inserted, resume = threading.Event(), threading.Event()
    original = quota.insert_registration

    def paused(*args, **kwargs):
        row = original(*args, **kwargs)
        inserted.set()
        resume.wait(10)
        return row

    monkeypatch.setattr(quota, "insert_registration", paused)
    out = []
    late = in_thread(core_app, lambda: quota.register(applicant(2), "web", DEFAULT_RULES), out)
    assert inserted.wait(10)
    monkeypatch.setattr(quota, "insert_registration", original)
    threading.Timer(0.5, resume.set).start()  # the newcomer commits while the cancel waits
    cancelled = quota.cancel(holder, "worker:web")
    late.join()
    newcomer = Registration.get_by_id(out[0].registration.id)
    assert [r.id for r in cancelled.promoted] == [newcomer.id] and newcomer.status == "pending"
    assert newcomer.share == holder.share and city().seats_held == 1 and seat_problems() == []


@pytest.mark.parametrize("shares", SHARES)
def test_a_seat_freed_in_one_share_while_a_newcomer_finds_the_others_full_is_theirs(
        core_app, monkeypatch, shares):
    capacities(4, 0, shares)  # 4 shares: one seat each
    holders = [quota.register(applicant(n), "web", DEFAULT_RULES).registration for n in range(4)]
    assert city().seats_held == 4
    leaving = holders[2]
    reached, resume = pause_before_last_try(monkeypatch)  # every share full
    out = []
    late = in_thread(core_app, lambda: quota.register(applicant(10), "web", DEFAULT_RULES), out,
                     name="newcomer")
    assert reached.wait(10)
    # Where the cancellation must wait (SQLite's one writer, a pool row locked first), the
    # newcomer goes on after 0.5 s, joins the list, and the cancellation promotes them; where it
    # need not, it frees the seat first and the newcomer's last try takes it.
    threading.Timer(0.5, resume.set).start()
    cancelled = quota.cancel(leaving, "worker:web")
    late.join()
    newcomer = Registration.get_by_id(out[0].registration.id)
    assert newcomer.status == "pending" and newcomer.share == leaving.share
    assert [r.id for r in cancelled.promoted] in ([newcomer.id], [])
    assert (out[0].registration.status == "pending") == (cancelled.promoted == [])
    assert city().seats_held == 4 and seat_problems() == [] and no_free_seat_beside_a_waiter()


@pytest.mark.parametrize("shares", SHARES)
def test_two_admins_reopening_one_registration_take_one_seat(core_app, shares):
    capacities(2, 0, shares)
    reg = quota.register(applicant(1), "web", DEFAULT_RULES).registration
    quota.reject(reg, "staff:v", "other")
    start, out = threading.Barrier(2), []

    def reopen():
        start.wait()
        return quota.reopen(reg, "staff:admin").ok

    threads = [in_thread(core_app, reopen, out) for _ in range(2)]
    for t in threads:
        t.join()
    assert sorted(out) == [False, True]
    assert city().seats_held == Registration.count_held(city()) == 1 and seat_problems() == []


def test_opening_a_closed_pool_first_seats_those_already_waiting(core_app):
    capacities(5, 0)
    quota.set_pool_open("kota-balikpapan", False, "admin")
    # On DTKS: the open provincial pool (no seat) takes them onto the waiting list.
    waiting = quota.register(applicant(1, decl_dtks=True), "web", DEFAULT_RULES).registration
    assert waiting.status == "waitlisted"
    opened = quota.set_pool_open("kota-balikpapan", True, "admin")
    assert [r.id for r in opened.promoted] == [waiting.id]
    assert Registration.get_by_id(waiting.id).status == "pending"


def race(app, registrants, admin, applicants=48, threads=6, admins=1, returned=None):
    """`threads` threads register `applicants` people while `admin()` runs again and again in
    `admins` more threads until the registrations are done; every registration must be accepted.
    returned: filled with {registration id: time.monotonic() once its register() returned}."""
    start, done, refs, lock = (threading.Barrier(threads + admins), threading.Event(), [],
                               threading.Lock())

    def registering(worker):
        start.wait()
        for n in range(worker, applicants, threads):
            with db.connection_context():
                outcome = quota.register(registrants(n), "web", DEFAULT_RULES)
            assert outcome.ok, outcome.errors
            with lock:
                refs.append(outcome.registration)
                if returned is not None:
                    returned[outcome.registration.id] = time.monotonic()

    def administering():
        start.wait()
        while not done.is_set():
            with db.connection_context():
                admin(refs)
            # Dozens of changes a second, not hundreds: each one moves the reference generation
            # (core/refcache.py), and a registration starts again at most a few times.
            done.wait(0.02)

    workers = [threading.Thread(target=registering, args=(w,)) for w in range(threads)]
    bosses = [threading.Thread(target=administering) for _ in range(admins)]
    for t in workers + bosses:
        t.start()
    for t in workers:
        t.join()
    done.set()
    for t in bosses:
        t.join()
    db.connect(reuse_if_open=True)
    assert len(refs) == applicants
    return refs


@pytest.mark.slow
@pytest.mark.parametrize("shares", SHARES)
def test_capacity_going_up_and_down_while_registrations_race_never_oversells(core_app, shares):
    capacities(6, 0, shares)
    sizes = itertools.cycle([3, 10, 6, 14, 8, 2, 12])
    changes = []

    def admin(refs):
        changes.append(quota.set_capacity("kota-balikpapan", next(sizes), "admin").ok)
        pool = city()  # held ≤ capacity at every instant seen from outside
        assert pool.seats_held <= pool.capacity

    race(core_app, applicant, admin)
    assert True in changes
    pool = city()
    assert pool.seats_held <= pool.capacity and seat_problems() == []
    assert no_free_seat_beside_a_waiter()


@pytest.mark.slow
def test_shares_changed_while_registrations_and_cancellations_race_keep_every_counter(
        core_app, monkeypatch):
    capacities(20, 0, 4)
    ks = itertools.cycle([1, 8, 2, 4, 16, 3])
    rng = random.Random(13)
    made = []

    def admin(refs):
        made.append(pools.set_shares("kota-balikpapan", next(ks), "admin").ok)
        seated = [r for r in refs if r.status == "pending"]
        if seated and rng.random() < 0.5:  # a cancellation frees a seat in some share
            quota.cancel(seated[rng.randrange(len(seated))], "worker:web")

    race(core_app, applicant, admin, applicants=40)
    assert all(made) and len(made) > 1
    pool = city()
    assert pool.seats_held == Registration.count_held(pool) <= pool.capacity == 20
    assert seat_problems() == [] and no_free_seat_beside_a_waiter()


def lock_timeout(ms):
    """This connection's lock waits end in an error after ms (0: never): blocking shows as a
    failure, not as a slow test. The connection goes back to a pool: set 0 when done."""
    db.execute_sql(f"SET lock_timeout = {int(ms)}")


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
@pytest.mark.parametrize("shares", SHARES)
def test_newcomers_to_a_full_pool_wait_for_each_other_only_if_it_is_one_share_and_a_release_waits_for_them(
        core_app, monkeypatch, shares):
    capacities(1, 0, shares)
    holder = quota.register(applicant(1), "web", DEFAULT_RULES).registration
    assert holder.status == "pending"
    inserted, resume = threading.Event(), threading.Event()
    original = quota.insert_registration

    def paused(*args, **kwargs):  # newcomer A: on the waiting list, its locks held, not committed
        row = original(*args, **kwargs)
        if threading.current_thread().name == "A":
            inserted.set()
            resume.wait(10)
        return row

    monkeypatch.setattr(quota, "insert_registration", paused)
    out = []
    first = in_thread(core_app, lambda: quota.register(applicant(2), "web", DEFAULT_RULES), out,
                      name="A")
    try:
        assert inserted.wait(10)
        lock_timeout(100)
        if shares > 1:  # a second newcomer joins the list beside A
            second = quota.register(applicant(3), "web", DEFAULT_RULES)
            assert second.ok and second.registration.status == "waitlisted"
        else:  # the pool row: the second newcomer waits for A
            with pytest.raises(OperationalError):
                quota.register(applicant(3), "web", DEFAULT_RULES)
        with pytest.raises(OperationalError):  # a release waits for A (its gate or its row)
            quota.cancel(holder, "worker:web")
    finally:
        lock_timeout(0)
        resume.set()
        first.join()
    waiting = out[0].registration
    assert waiting.status == "waitlisted"
    if shares == 1:
        second = quota.register(applicant(3), "web", DEFAULT_RULES)
        assert second.registration.status == "waitlisted"
    lock_timeout(2000)
    try:
        cancelled = quota.cancel(holder, "worker:web")
    finally:
        lock_timeout(0)
    assert [r.id for r in cancelled.promoted] == [waiting.id]  # A came first
    assert Registration.get_by_id(second.registration.id).status == "waitlisted"
    assert city().seats_held == 1 and seat_problems() == [] and no_free_seat_beside_a_waiter()


@pytest.mark.slow
# On DTKS, the full one-share provincial pool serves them too: a split pool's gate and a one-share
# pool's row locked by every newcomer, in one order.
@pytest.mark.parametrize("shares, dtks", [(1, False), (4, False), (4, True)])
def test_newcomers_joining_a_full_pool_while_seats_are_cancelled_keep_every_rule(
        core_app, shares, dtks):
    capacities(8, 0, shares)
    registrant = functools.partial(applicant, decl_dtks=dtks)
    for n in range(1000, 1008):
        assert quota.register(registrant(n), "web", DEFAULT_RULES).registration.status == "pending"
    returned, cancels, lock = {}, [], threading.Lock()

    def admin(refs):
        with lock:
            if len(cancels) >= 30:
                return
        seated = list(Registration.select().where(Registration.status == "pending"))
        started = time.monotonic()
        outcome = quota.cancel(random.choice(seated), "worker:web")
        with lock:
            cancels.append((started, outcome.promoted if outcome.ok else []))

    refs = race(core_app, registrant, admin, applicants=60, threads=8, admins=3, returned=returned)
    pool = city()
    assert pool.seats_held == Registration.count_held(pool) <= pool.capacity == 8
    assert seat_problems() == [] and no_free_seat_beside_a_waiter()
    assert sum(len(p) for _, p in cancels) > 0
    # First come, first served: a promotion skips no one who was waiting (committed, on the list)
    # when the cancellation that made it began. Promotions in one pool happen one at a time: the
    # audit trail's order is theirs.
    promoted_at = {e.registration_id: e.id
                   for e in AuditEvent.select().where(AuditEvent.action == "promote")}
    joined = [r for r in refs if r.status == "waitlisted"]
    for started, promoted in cancels:
        for y in promoted:
            skipped = [x.id for x in joined if x.id < y.id and returned[x.id] < started
                       and promoted_at.get(x.id, float("inf")) > promoted_at[y.id]]
            assert skipped == [], (y.id, skipped)


def test_a_pool_opened_while_a_newcomer_is_joining_the_waiting_list_seats_them(core_app, monkeypatch):
    capacities(1, 0)
    quota.set_pool_open("kota-balikpapan", False, "admin")
    reached, resume = pause_before_last_try(monkeypatch)  # the open pools full
    out = []
    # On DTKS: the open provincial pool (no seat) would take them onto the waiting list.
    late = in_thread(core_app, lambda: quota.register(applicant(1, decl_dtks=True), "web",
                                                      DEFAULT_RULES), out, name="newcomer")
    assert reached.wait(10)
    # SQLite: the opening waits for the newcomer (one writer) and promotes them; PostgreSQL: it
    # commits first, and the newcomer's last try reads the city pool open and takes its seat.
    threading.Timer(0.5, resume.set).start()
    opened = quota.set_pool_open("kota-balikpapan", True, "admin")
    late.join()
    newcomer = Registration.get_by_id(out[0].registration.id)
    assert newcomer.status == "pending" and newcomer.pool_id == city().id
    assert (out[0].registration.status == "pending") == (opened.promoted == [])
    assert seat_problems() == [] and no_free_seat_beside_a_waiter()


def extra_city_pool():
    """A second pool for Balikpapan, created by an admin while the city's own is full."""
    return pools.create_pool("bpp-tambahan", "Balikpapan tambahan", "64.71", 5, 5, False, "admin")


def test_a_pool_created_while_a_newcomer_is_joining_the_waiting_list_seats_them(core_app, monkeypatch):
    capacities(1, 0)
    assert quota.register(applicant(1), "web", DEFAULT_RULES).registration.status == "pending"
    reached, resume = pause_before_last_try(monkeypatch)  # the city's pool full
    out = []
    late = in_thread(core_app, lambda: quota.register(applicant(2), "web", DEFAULT_RULES), out,
                     name="newcomer")
    assert reached.wait(10)
    # SQLite: the creation waits for the newcomer (one writer) and seats them from the waiting
    # list. PostgreSQL: it commits first; behind the reference gate the newcomer finds the
    # generation moved and a new pool serving them, starts over and takes a seat in it.
    threading.Timer(0.5, resume.set).start()
    created = extra_city_pool()
    late.join()
    assert created.ok
    newcomer = Registration.get_by_id(out[0].registration.id)
    assert newcomer.status == "pending" and newcomer.pool_id == created.pool.id
    assert seat_problems() == [] and no_free_seat_beside_a_waiter()


def pause_newcomer(monkeypatch, name):
    """Hold the thread named "newcomer" once, after quota.<name> returns: (reached, resume)."""
    reached, resume = threading.Event(), threading.Event()
    original = getattr(quota, name)

    def paused(*args, **kwargs):
        result = original(*args, **kwargs)
        if threading.current_thread().name == "newcomer" and not reached.is_set():
            reached.set()
            resume.wait(10)
        return result

    monkeypatch.setattr(quota, name, paused)
    return reached, resume


def once(work):
    """work() as the thread's result, or the exception it raised (a deadlock, not retried)."""
    def run():
        try:
            return work()
        except Exception as error:  # noqa: BLE001 - the test looks at it
            return error
    return run


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_a_pool_created_once_a_newcomer_holds_the_reference_gate_waits_for_them_and_seats_them(
        core_app, monkeypatch):
    capacities(1, 0)
    assert quota.register(applicant(1), "web", DEFAULT_RULES).registration.status == "pending"
    reached, resume = pause_newcomer(monkeypatch, "gate_reference")  # held
    out, created = [], []
    late = in_thread(core_app, lambda: quota.register(applicant(2), "web", DEFAULT_RULES), out,
                     name="newcomer")
    assert reached.wait(10)
    admin = in_thread(core_app, extra_city_pool, created, name="admin")
    assert waiting_for_a_lock() and admin.is_alive()  # the creation waits for the newcomer's commit
    resume.set()
    late.join()
    admin.join()
    newcomer = Registration.get_by_id(out[0].registration.id)
    assert out[0].registration.status == "waitlisted" and created[0].ok
    assert [r.id for r in created[0].promoted] == [newcomer.id] and newcomer.status == "pending"
    assert seat_problems() == [] and no_free_seat_beside_a_waiter()


ADMIN_CHANGES = {
    "more seats": lambda: pools.update_pool.__wrapped__(
        "kota-balikpapan", "Kota Balikpapan", 2, 10, False, "admin"),
    "opened again": lambda: quota.set_pool_open.__wrapped__("kota-balikpapan", True, "admin"),
}


def waiting_for_a_lock(seconds=10):
    """Once another session waits for a lock (PostgreSQL); SQLite: after 0.5 s (a writer
    waiting for the write lock is not seen from outside)."""
    if not db.for_update:
        time.sleep(0.5)
        return True
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if db.execute_sql("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                          "AND datname = current_database()").fetchone()[0]:
            return True
        time.sleep(0.02)
    return False


@pytest.mark.parametrize("shares", SHARES)
@pytest.mark.parametrize("change", ADMIN_CHANGES)
def test_an_admin_changing_the_pool_a_newcomer_has_locked_neither_deadlocks_nor_strands_them(
        core_app, monkeypatch, shares, change):
    # A split pool's newcomer holds its gate shared, then takes the reference gate; a change to
    # the pool that fired the generation trigger (reference gate exclusive) before it locked the
    # pool would wait for that gate while the newcomer waits for its trigger: a deadlock. Each
    # operation runs once, the inner ones too, so a deadlock would show as the error it raises.
    monkeypatch.setattr(quota, "set_capacity", quota.set_capacity.__wrapped__)
    monkeypatch.setattr(pools, "set_shares", pools.set_shares.__wrapped__)
    capacities(1, 0, shares)
    assert quota.register(applicant(1), "web", DEFAULT_RULES).registration.status == "pending"
    reached, resume = pause_newcomer(monkeypatch, "insert_registration")  # its pools locked
    out, changed = [], []
    late = in_thread(core_app, once(lambda: quota.register.__wrapped__(
        applicant(2), "web", DEFAULT_RULES)), out, name="newcomer")
    assert reached.wait(10)
    admin = in_thread(core_app, once(ADMIN_CHANGES[change]), changed, name="admin")
    assert waiting_for_a_lock()  # the admin waits for the newcomer's pool
    resume.set()
    admin.join()
    late.join()
    assert not isinstance(changed[0], Exception) and not isinstance(out[0], Exception), (changed, out)
    assert changed[0].ok and out[0].ok
    newcomer = Registration.get_by_id(out[0].registration.id)
    assert newcomer.status == ("pending" if change == "more seats" else "waitlisted")
    assert seat_problems() == [] and no_free_seat_beside_a_waiter()


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_a_year_opened_while_a_newcomer_waits_at_the_reference_gate_registers_them_in_it(
        core_app, monkeypatch):
    capacities(1, 0)
    assert quota.register(applicant(1), "web", DEFAULT_RULES).registration.status == "pending"
    year = Pool.get(Pool.code == "kota-balikpapan").year_id
    reached, resume = pause_newcomer(monkeypatch, "insert_registration")  # about to take the gate
    out, opened = [], []
    late = in_thread(core_app, lambda: quota.register(applicant(2), "web", DEFAULT_RULES), out,
                     name="newcomer")
    assert reached.wait(10)
    held, original = threading.Event(), program_year.carry_over

    def carry_over_slowly(*args):
        held.set()
        time.sleep(0.5)  # the newcomer reaches the gate meanwhile
        return original(*args)

    monkeypatch.setattr(program_year, "carry_over", carry_over_slowly)
    # The new year's pools are created: their trigger holds the gate until the year commits.
    admin = in_thread(core_app, lambda: program_year.open_year(year + 1, "admin"), opened,
                      name="admin")
    assert held.wait(10)
    resume.set()  # the newcomer waits at the gate for the year's commit, then starts over
    admin.join()
    late.join()
    assert opened[0].ok
    newcomer = Registration.get_by_id(out[0].registration.id)
    assert newcomer.year_id == year + 1 and newcomer.status == "pending"
    assert Registration.select().where(Registration.nik == newcomer.nik).count() == 1
    assert seat_problems() == []


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_a_year_opening_and_a_pool_opening_at_once_do_not_deadlock(core_app, monkeypatch):
    # Opening a year raises the generation (programyear) before it creates pools (the gated
    # trigger); opening a pool takes the gate, then the generation row. Unless the year takes the
    # gate first, each waits for the other.
    year = ProgramYear.current().year
    reached, resume = threading.Event(), threading.Event()
    original = program_year.copy_pools

    def copy_pools_later(*args):
        reached.set()
        resume.wait(10)
        return original(*args)

    monkeypatch.setattr(program_year, "copy_pools", copy_pools_later)
    opened_year, opened_pool = [], []
    first = in_thread(core_app, once(lambda: program_year.open_year.__wrapped__(year + 1, "admin")),
                      opened_year, name="year")
    assert reached.wait(10)
    second = in_thread(core_app, once(lambda: quota.set_pool_open.__wrapped__(
        "kota-balikpapan", True, "admin", year)), opened_pool, name="pool")
    assert waiting_for_a_lock()
    resume.set()
    first.join()
    second.join()
    assert not isinstance(opened_year[0], Exception), opened_year
    assert not isinstance(opened_pool[0], Exception), opened_pool
    assert opened_year[0].ok and opened_pool[0].ok
