"""The program year: open a new year with its pools, carry members over, close registration."""
import datetime as dt
from dataclasses import dataclass, fields

from core import clock
from core.hotsql import gate_reference
from core.journal import audit
from core.outcome import Outcome, retrying
from core.reverification import carry_over
from core.seats import set_counters
from models import Pool, ProgramYear, db

DEFAULT_POOLS = (
    # code, name, region prefix, capacity, priority, requires DTKS (docs/design.md, "Pools")
    ("kota-balikpapan", "Kuota Kota Balikpapan", "64.71", 7100, 1, False),
    ("prov-kaltim", "Kuota Provinsi Kalimantan Timur", "64", 12000, 2, True),
)
# What an SMS calls each default pool (Pool.sms_name: at most 20 characters, never cut).
SMS_NAMES = {"kota-balikpapan": "Kota Balikpapan", "prov-kaltim": "Prov. Kaltim"}


@retrying
def open_year(year, actor, copy_from=None, opens_on=None, closes_on=None):
    """Make `year` current with the pools of copy_from (default: current year) and its members."""
    if opens_on and closes_on and closes_on < opens_on:
        return Outcome(False, {"closes_on": "window_order"})
    with db.atomic():
        gate_reference(shared=False)  # its new pools may serve someone: before any trigger
        if ProgramYear.get_or_none(ProgramYear.year == year) is not None:
            return Outcome(False, {"year": "year_exists"})
        source = (ProgramYear.get_or_none(ProgramYear.year == copy_from) if copy_from
                  else ProgramYear.current())
        if copy_from and source is None:
            return Outcome(False, {"copy_from": "year_unknown"})
        ProgramYear.update(is_current=False, is_open=False).where(
            ProgramYear.is_current == True).execute()  # noqa: E712
        new = ProgramYear.create(year=year, is_open=True, is_current=True,
                                 opens_on=opens_on, closes_on=closes_on)
        pools = copy_pools(source, new)
        carried = carry_over(source, new) if source else 0
        audit(actor, "open_year", before=str(source.year) if source else None,
                    after=str(year), pools=pools, carried=carried)
    return Outcome(True, year=new, pools=pools, carried=carried)


def copy_pools(source, new):
    """Give the new year the source year's pools (capacity, region, priority, shares), none held."""
    if source is None:
        pools = [dict(code=c, name=n, region_prefix=p, capacity=cap, priority=pr, requires_dtks=d,
                      sms_name=SMS_NAMES.get(c, ""))
                 for c, n, p, cap, pr, d in DEFAULT_POOLS]
        shares = [1] * len(pools)
    else:
        old = list(Pool.of_year(source))
        pools = [dict(code=p.code, name=p.name, region_prefix=p.region_prefix, capacity=p.capacity,
                      priority=p.priority, requires_dtks=p.requires_dtks, sms_name=p.sms_name)
                 for p in old]
        shares = [p.shares for p in old]
    for values, k in zip(pools, shares):
        pool = Pool.create(year=new, held=0, is_open=True, **values)
        if k > 1:
            set_counters(pool, pool.capacity, k)
    return len(pools)


def year_number(year=None):
    """A program year's number: the one given, else the current one's (None if there is none)."""
    if isinstance(year, ProgramYear):
        return year.year
    current = ProgramYear.current()
    return year or (current.year if current else None)


def close_registration(actor, on=None, year=None):
    """Close registration now (by hand), or from the day after `on` (by date)."""
    year = year_number(year)
    if not ProgramYear.select().where(ProgramYear.year == year).exists():
        return Outcome(False, {"year": "year_unknown"})
    with db.atomic():
        if on is None:
            ProgramYear.update(is_open=False).where(ProgramYear.year == year).execute()
        else:
            ProgramYear.update(closes_on=on).where(ProgramYear.year == year).execute()
        audit(actor, "close_registration", before=None,
                    after=on.isoformat() if on else "now", year=year)
    return Outcome(True, year=ProgramYear.get_by_id(year))


def reopen_registration(actor, until=None, year=None):
    """Open registration again, until the end of `until` (None: until closed by hand)."""
    year = year_number(year)
    if not ProgramYear.select().where(ProgramYear.year == year).exists():
        return Outcome(False, {"year": "year_unknown"})
    with db.atomic():
        ProgramYear.update(is_open=True, closes_on=until).where(ProgramYear.year == year).execute()
        audit(actor, "open_registration", after=until.isoformat() if until else "open",
                    year=year)
    return Outcome(True, year=ProgramYear.get_by_id(year))


@dataclass
class Window:
    """Whether registration is open today and its dates, for the public pages."""

    year: int = None
    is_open: bool = False
    state: str = "none"  # open, not_yet, ended, closed (by hand), none (no current year)
    opens_on: dt.date = None
    closes_on: dt.date = None

    def key(self):
        """The fields as a tuple (a page shell's key); dataclasses.astuple deep-copies each one."""
        return tuple(getattr(self, f.name) for f in fields(self))


def window(today=None, year=None):
    """A program year's registration window on `today` (default: the current year, today).

    The one rule of "open today": open by hand, not before opens_on, not after closes_on.
    """
    today = today or clock.today()
    year = ProgramYear.current() if year is None else year
    if year is None:
        return Window()
    if not year.is_open:
        state = "closed"
    elif year.opens_on and today < year.opens_on:
        state = "not_yet"
    elif year.closes_on and today > year.closes_on:
        state = "ended"
    else:
        state = "open"
    return Window(year.year, state == "open", state, year.opens_on, year.closes_on)


def first_year(today=None):
    """Make a current program year with the default pools if there is none; the year made or None."""
    if ProgramYear.current() is not None:
        return None
    with db.atomic():
        gate_reference(shared=False)  # as open_year
        year = ProgramYear.create(year=default_year(today), is_open=True, is_current=True)
        copy_pools(None, year)
    return year


def default_year(today=None):
    """The cover year being registered for: collection Sep-Nov is for next January."""
    today = today or clock.today()
    return today.year + 1 if today.month >= 9 else today.year
