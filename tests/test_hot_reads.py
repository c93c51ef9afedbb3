"""core/hotread.py's prebuilt SELECTs give what peewee's own queries give, on SQLite and PostgreSQL."""
import datetime as dt

import pytest

from config import DEFAULT_RULES
from core import hotread, quota
from models import Pool, ProgramYear, Registration
from tests.factories import applicant


def same(found, expected):
    """Two instances (or None) hold the same row, field by field, with the same Python types."""
    if expected is None:
        return found is None
    return (type(found) is type(expected) and found.__data__ == expected.__data__
            and {k: type(v) for k, v in found.__data__.items()}
            == {k: type(v) for k, v in expected.__data__.items()} and not found._dirty)


def registrations():
    """A seat, a cancelled one and a new one for the same NIK, a waiting place (no pool)."""
    first = quota.register(applicant(1), "web", DEFAULT_RULES).registration
    quota.cancel(first, "test")
    again = quota.register(applicant(1, phone="081300000001"), "web", DEFAULT_RULES).registration
    Pool.update(capacity=Pool.held).execute()
    waiting = quota.register(applicant(2, birth=dt.date(1990, 1, 31)), "web", DEFAULT_RULES).registration
    return first, again, waiting


def test_a_registration_and_its_pool_as_peewee_reads_them(core_app):
    for reg in registrations():
        found, expected = hotread.registration_with_pool(reg.id), Registration.get_by_id(reg.id)
        assert same(found, expected)
        assert same(found.pool, expected.pool)  # None on the waiting list
    assert hotread.registration_with_pool(10**9) is None


@pytest.mark.parametrize("which, ref, birth", [
    ("again", "own", None),  # the counting one, by its code
    ("first", "own", None),  # the cancelled one, by its own code
    ("again", None, dt.date(1985, 3, 12)),  # NIK + birth date: the counting one first
    ("waiting", None, dt.date(1990, 1, 31)),
    (None, None, dt.date(1985, 3, 13)),  # another birth date
    (None, "XXXXXXXX", None),  # another code
    (None, "", dt.date(1985, 3, 12)),  # a code given but empty: never the birth-date look-up
])
def test_own_registration_as_the_peewee_query_finds_it(core_app, which, ref, birth):
    first, again, waiting = registrations()
    regs = {"first": first, "again": again, "waiting": waiting}
    nik = (regs[which] if which else again).nik
    code = regs[which].ref if ref == "own" else ref
    query = Registration.select().where(Registration.nik == nik)
    query = query.where(Registration.ref == code) if code is not None else query.where(
        Registration.birth_date == birth)
    expected = query.order_by(Registration.nik_active.is_null(), Registration.id.desc()).first()
    found = hotread.own_registration(nik, code, birth)
    assert same(found, expected) and (found.id if found else None) == (regs[which].id if which else None)


def test_the_current_year_and_its_pools_as_peewee_reads_them(core_app):
    year, pools = hotread.current_year_and_pools()
    assert same(year, ProgramYear.current())
    expected = list(Pool.of_year(year))
    assert len(pools) == len(expected) >= 2
    assert all(same(p, e) and same(p.year, year) for p, e in zip(pools, expected))
    Pool.update(priority=9).where(Pool.id == expected[0].id).execute()  # the order follows
    assert [p.id for p in hotread.current_year_and_pools()[1]] == [p.id for p in Pool.of_year(year)]
    Pool.delete().execute()
    assert same(hotread.current_year_and_pools()[0], year) and hotread.current_year_and_pools()[1] == []
    ProgramYear.update(is_current=False).execute()
    assert hotread.current_year_and_pools() == (None, [])
