"""A pool's seats split over K counter rows (shares): the same seat rule, counted per share."""
import pytest

from config import DEFAULT_RULES
from core import pools, quota, seats
from core.seats import seat_problems, spread
from models import AuditEvent, Pool, PoolShare, Registration
from tests.factories import applicant
from tests.staff_support import logged_in, staff_app, text  # noqa: F401

CITY = "kota-balikpapan"


def register(n, **kw):
    return quota.register(applicant(n, **kw), "web", DEFAULT_RULES)


def city():
    return Pool.get(Pool.code == CITY)


def counters(code=CITY):
    """[(share, capacity, held)] of a pool's shares, in share order."""
    pool = Pool.get(Pool.code == code)
    return [(s.share, s.capacity, s.held) for s in
            PoolShare.select().where(PoolShare.pool == pool).order_by(PoolShare.share)]


def only_city(capacity, shares):
    """Balikpapan's pool with `capacity` seats over `shares` counters; the province's pool empty."""
    Pool.update(capacity=0).where(Pool.code == "prov-kaltim").execute()
    Pool.update(capacity=capacity).where(Pool.code == CITY).execute()
    assert pools.set_shares(CITY, shares, "test").ok


@pytest.mark.parametrize("held, capacity, capacities", [
    ([0], 7, [7]),
    ([0, 0, 0, 0], 10, [3, 3, 2, 2]),
    ([0, 0, 0, 0], 3, [1, 1, 1, 0]),
    ([0, 0, 0, 0], 0, [0, 0, 0, 0]),
    ([5, 0, 0, 0], 9, [6, 1, 1, 1]),  # the free seats are spread, not the held ones
    ([2, 2], 4, [2, 2]),  # exactly full
    ([3, 0, 1], 6, [4, 1, 1]),
    ([1, 1, 1, 1, 1, 1, 1, 1], 17, [3, 2, 2, 2, 2, 2, 2, 2]),
])
def test_capacities_spread_the_free_seats_evenly_and_never_below_a_share_held(held, capacity, capacities):
    assert spread(held, capacity) == capacities
    assert sum(capacities) == capacity and all(c >= h for c, h in zip(capacities, held))


@pytest.mark.parametrize("held, capacity", [([1], 0), ([3, 1], 3), ([0, 5, 0], 4)])
def test_capacities_below_the_seats_held_are_refused(held, capacity):
    with pytest.raises(ValueError):
        spread(held, capacity)


@pytest.mark.parametrize("shares, errors", [
    (1, {}), (4, {}), (64, {}),
    (0, {"shares": "shares_format"}), (65, {"shares": "shares_format"}),
    (-1, {"shares": "shares_format"}), ("4", {"shares": "shares_format"}),
    (4.0, {"shares": "shares_format"}), (True, {"shares": "shares_format"}),
])
def test_shares_must_be_a_whole_number_from_1_to_64(shares, errors):
    assert pools.check_shares(shares) == errors


def test_the_first_share_tried_depends_on_the_nik_and_spreads_over_every_share():
    pool = Pool(id=1, shares=8)
    firsts = [seats.first_share(pool, applicant(n).nik) for n in range(400)]
    assert firsts == [seats.first_share(pool, applicant(n).nik) for n in range(400)]
    assert set(firsts) == set(range(8))
    assert seats.first_share(Pool(id=1, shares=1), applicant(1).nik) == 0


def test_a_pool_made_in_shares_keeps_its_seats_in_them_and_its_own_row_at_zero(core_app):
    outcome = pools.create_pool("kota-samarinda", "Kuota Kota Samarinda", "64.72", 10, 1, False,
                                "test", provinces=["64"], shares=4)
    assert outcome.ok and outcome.pool.shares == 4
    assert counters("kota-samarinda") == [(0, 3, 0), (1, 3, 0), (2, 2, 0), (3, 2, 0)]
    regs = [register(n, nik=applicant(n).nik.replace("647101", "647201", 1),
                     kelurahan="64.72.01.1001").registration for n in range(6)]
    pool = Pool.get(Pool.code == "kota-samarinda")
    assert all(r.pool_id == pool.id and r.share in range(4) for r in regs)
    assert pool.held == 0 and pool.seats_held == 6 and pool.left == 4
    assert sum(h for _s, _c, h in counters("kota-samarinda")) == 6 and seat_problems() == []
    event = AuditEvent.get(AuditEvent.action == "create_pool")
    assert event.detail["shares"] == 4


@pytest.mark.parametrize("shares", [1, 4])
def test_a_full_pool_of_shares_takes_every_seat_then_the_waiting_list(core_app, shares):
    only_city(6, shares)
    outcomes = [register(n) for n in range(9)]
    assert [o.registration.status for o in outcomes] == ["pending"] * 6 + ["waitlisted"] * 3
    assert [o.position for o in outcomes[6:]] == [1, 2, 3]
    assert city().seats_held == 6 and seat_problems() == []
    if shares > 1:
        assert [h for _s, _c, h in counters()] == [c for _s, c, _h in counters()]  # all full


@pytest.mark.parametrize("shares", [1, 4])
def test_a_cancellation_promotes_the_oldest_waiter_into_the_share_it_freed(core_app, shares):
    only_city(4, shares)  # 4 shares of one seat each
    holders = [register(n).registration for n in range(4)]
    waiters = [register(n).registration for n in range(4, 7)]
    leaving = holders[2]
    outcome = quota.cancel(leaving, "worker:web")
    [moved] = outcome.promoted
    assert moved.id == waiters[0].id and moved.status == "pending"
    assert moved.share == leaving.share and (moved.share is None) == (shares == 1)
    assert Registration.get_by_id(waiters[1].id).status == "waitlisted"
    assert city().seats_held == 4 and seat_problems() == []


@pytest.mark.parametrize("shares", [1, 4])
def test_a_rejection_frees_the_seat_and_a_reopened_registration_takes_one_again(core_app, shares):
    only_city(3, shares)
    holders = [register(n).registration for n in range(3)]
    assert quota.reject(holders[0], "staff:v", "other").ok
    assert city().seats_held == 2
    reopened = quota.reopen(holders[0], "staff:admin").registration
    assert reopened.status == "pending" and (reopened.share is None) == (shares == 1)
    assert city().seats_held == 3 and seat_problems() == []


CAPACITY_CASES = [  # (capacity, registered, new capacity, refused, promoted)
    (5, 8, 12, False, 3),  # 5 held, 3 waiting: more seats take the waiting
    (5, 8, 6, False, 1),
    (5, 8, 5, False, 0),
    (5, 8, 4, True, 0),  # below the seats held: refused, nothing changed
    (10, 5, 6, False, 0),  # a decrease takes only free seats
    (10, 5, 5, False, 0),  # down to exactly the seats held: every share full
    (10, 5, 4, True, 0),
    (0, 2, 0, False, 0),
]


@pytest.mark.parametrize("shares", [1, 4])
@pytest.mark.parametrize("capacity, registered, new, refused, promoted", CAPACITY_CASES)
def test_capacity_changes_spread_over_the_shares_and_never_go_below_the_seats_held(
        core_app, shares, capacity, registered, new, refused, promoted):
    only_city(capacity, shares)
    for n in range(registered):
        register(n)
    before = counters()
    outcome = quota.set_capacity(CITY, new, "test")
    pool = city()
    if refused:
        assert outcome.errors == {"capacity": "capacity_below_held"}
        assert counters() == before and pool.capacity == capacity
    else:
        assert outcome.ok and len(outcome.promoted) == promoted and pool.capacity == new
    assert pool.seats_held == min(registered, pool.capacity) and seat_problems() == []
    if shares > 1:
        assert sum(c for _s, c, _h in counters()) == pool.capacity
        free = [c - h for _s, c, h in counters()]
        assert promoted or max(free) - min(free) <= 1  # the free seats spread evenly


@pytest.mark.parametrize("steps", [(1, 4), (4, 1), (4, 8), (8, 3), (1, 64, 2, 1)])
def test_changing_the_shares_with_seats_held_rebuilds_the_counters_from_the_registrations(
        core_app, steps):
    only_city(20, steps[0])
    regs = [register(n).registration for n in range(13)]
    quota.cancel(regs[3], "worker:web")  # a seat freed and not taken: one free seat fewer held
    for shares in steps[1:]:
        outcome = pools.set_shares(CITY, shares, "test")
        assert outcome.ok and outcome.pool.shares == shares
        pool = city()
        assert (pool.capacity, pool.seats_held) == (20, 12) and seat_problems() == []
        assert len(counters()) == (shares if shares > 1 else 0)
        assert pool.held == (12 if shares == 1 else 0)
        # seats taken and given back in the new shares keep every counter right
        more = register(100 + shares).registration
        quota.cancel(more, "worker:web")
        assert seat_problems() == []
    assert [e.after for e in AuditEvent.select().where(AuditEvent.action == "set_shares")
            .order_by(AuditEvent.id)] == [str(k) for k in steps]  # only_city made the first


@pytest.mark.parametrize("shares", [0, 65, -2, "8"])
def test_a_bad_number_of_shares_is_refused_and_changes_nothing(core_app, shares):
    only_city(10, 4)
    register(1)
    before = counters()
    assert pools.set_shares(CITY, shares, "test").errors == {"shares": "shares_format"}
    assert pools.update_pool(CITY, "Kuota", 10, 1, False, "test", shares=shares).errors == {
        "shares": "shares_format"}
    assert counters() == before and city().shares == 4


def test_the_seat_check_finds_a_share_whose_counter_is_off(core_app):
    only_city(8, 4)
    for n in range(4):
        register(n)
    assert seat_problems() == []
    pool = city()
    PoolShare.update(held=PoolShare.held + 1).where(
        (PoolShare.pool == pool) & (PoolShare.share == 2)).execute()
    [(_, counter, held, counted, _cap)] = seat_problems()
    assert counter == f"{CITY}#2" and held == counted + 1
    PoolShare.update(held=PoolShare.held - 1).where(
        (PoolShare.pool == pool) & (PoolShare.share == 2)).execute()
    PoolShare.update(capacity=PoolShare.capacity + 1).where(
        (PoolShare.pool == pool) & (PoolShare.share == 0)).execute()
    assert [p[1] for p in seat_problems()] == [CITY]  # shares no longer add up to the capacity


def test_a_pool_read_before_it_was_split_takes_its_seat_in_a_share(core_app):
    only_city(2, 1)
    stale = city()
    assert pools.set_shares(CITY, 4, "test").ok
    # register() reads the pools before its transaction: what it read may be a K = 1 pool.
    assert seats.take_seat(stale) is None  # never on the pool row again
    seat = seats.hold_seat([stale], applicant(1).nik)
    assert seat is not None and seat.share in range(4)
    seats.give_back_seat(*seat)
    assert seat_problems() == []


def test_a_new_year_copies_the_shares_of_each_pool(core_app):
    from core import program_year
    only_city(10, 4)
    register(1)
    assert program_year.open_year(2099, "test").ok
    pool = Pool.get((Pool.code == CITY) & (Pool.year == 2099))
    assert (pool.shares, pool.capacity, pool.seats_held) == (4, 10, 0) and seat_problems() == []


def test_pool_create_and_edit_on_the_command_line_take_shares(runner):
    made = runner.invoke(args=["pool", "create", "kota-samarinda", "--name", "Kuota Kota Samarinda",
                               "--region", "64.72", "--capacity", "5000", "--priority", "1",
                               "--shares", "8"])
    assert made.exit_code == 0 and "in 8 shares" in made.output, made.output
    for bad in ("0", "65"):
        refused = runner.invoke(args=["pool", "create", "kota-bontang", "--name", "Kuota Bontang",
                                      "--region", "64.74", "--capacity", "5", "--priority", "1",
                                      "--shares", bad])
        assert refused.exit_code != 0 and "shares: Write the number of counter shares" in refused.output
        kept = runner.invoke(args=["pool", "edit", "kota-samarinda", "--shares", bad])
        assert kept.exit_code != 0 and "1 to 64" in kept.output
    assert runner.invoke(args=["pool", "edit", "kota-samarinda", "--shares", "2"]).exit_code == 0
    listed = [line.split() for line in runner.invoke(args=["pool", "list"]).output.splitlines()]
    assert ["kota-samarinda", "yes", "5000", "0", "0", "2"] in listed
    assert not any(row[0] == "kota-bontang" for row in listed)


def test_the_pools_page_edits_the_shares_and_refuses_a_bad_number(staff_app):  # noqa: F811
    admin = logged_in(staff_app, "ana", "admin")
    form = {"name": "Kuota Kota Balikpapan", "capacity": "7100", "priority": "1"}
    assert admin.post(f"/staff/kuota/{CITY}/ubah", data={**form, "shares": "16"}).status_code == 303
    page = text(admin.get("/staff/kuota"))
    assert "16 bagian penghitung" in page and 'name="shares"' in page
    for bad in ("0", "65", "dua", ""):
        refused = admin.post(f"/staff/kuota/{CITY}/ubah", data={**form, "shares": bad})
        assert refused.status_code == 422 and "1 sampai 64" in text(refused)
    with staff_app.app_context():
        assert city().shares == 16 and seat_problems() == []
    # a form without the field (an older page) leaves the shares as they are
    assert admin.post(f"/staff/kuota/{CITY}/ubah", data=form).status_code == 303
    with staff_app.app_context():
        assert city().shares == 16
