"""Pools for any region: create one, change its name, SMS name, capacity, priority, DTKS rule or
shares.

A pool serves a province or a regency (a Kemendagri code prefix); a kecamatan- or kelurahan-level
pool would overlap the regency pools oddly, so it is refused. Capacity never goes below the
seats held (core/quota.py's set_capacity does that change). A pool taking more registrations a
second than one counter row allows keeps its seats in K shares (core/seats.py).
"""
import re

from config import region_settings
from core import quota
from core.gsm7 import gsm7_length
from core.hotsql import gate_reference
from core.journal import audit
from core.outcome import Outcome, fail, retrying
from core.seats import MAX_SHARES, fill_seats, lock_for_change, lock_pool, set_counters
from core.text import plain
from models import Pool, ProgramYear, Region, db

CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
POOL_LEVELS = ("province", "regency")
MAX_CAPACITY = 9_999_999
# Septets an SMS reply gives a pool's name (sms/replies.py caps it so): sent whole, every reply
# naming it fits 160 (tests/test_pool_sms_name.py: the tightest, REGISTERED in Indonesian, leaves 37).
SMS_NAME_MAX = 20


def check_region(code, provinces=None):
    """Message key for a pool region that is unknown, outside the provinces or too small; else None."""
    provinces = provinces or region_settings()["REGION_PROVINCES"]
    region = Region.get_or_none(Region.code == (code or "").strip())
    if region is None or region.code.split(".")[0] not in provinces:
        return "region_unknown"
    if region.level not in POOL_LEVELS:
        return "pool_region_level"
    return None


def check_numbers(capacity, priority):
    """{field: key} for a capacity or priority that is not a whole number in range."""
    errors = {}
    if not isinstance(capacity, int) or not 0 <= capacity <= MAX_CAPACITY:
        errors["capacity"] = "capacity_format"
    if not isinstance(priority, int) or not 1 <= priority <= 99:
        errors["priority"] = "priority_format"
    return errors


def check_sms_name(sms_name):
    """(the name as typed, folded; message key or None): GSM-7 only, at most SMS_NAME_MAX septets."""
    text = plain(sms_name)
    length = gsm7_length(text)
    if length is None:
        return text, "sms_name_format"
    return text, "sms_name_length" if length > SMS_NAME_MAX else None


def check_shares(shares):
    """{field: key} for a number of shares that is not a whole number from 1 to MAX_SHARES."""
    ok = isinstance(shares, int) and not isinstance(shares, bool) and 1 <= shares <= MAX_SHARES
    return {} if ok else {"shares": "shares_format"}


@retrying
def create_pool(code, name, region, capacity, priority, requires_dtks, actor, provinces=None,
                sms_name="", shares=1):
    """Add a pool to the current year (seats go at once to those waiting that it serves);
    shares: counters its seats are kept in (1–64)."""
    code, name, region = (code or "").strip().lower(), " ".join((name or "").split()), (region or "").strip()
    errors = check_numbers(capacity, priority) | check_shares(shares)
    if not CODE_RE.match(code):
        errors["code"] = "pool_code_format"
    if not 2 <= len(name) <= 120:
        errors["name"] = "pool_name_required"
    if key := check_region(region, provinces):
        errors["region"] = key
    sms_name, key = check_sms_name(sms_name)
    if key:
        errors["sms_name"] = key
    year = ProgramYear.current()
    if year is None:
        errors["form"] = "year_unknown"
    if errors:
        return Outcome(False, errors)
    with db.atomic():
        gate_reference(shared=False)  # a new pool may serve someone: before its trigger
        if Pool.select().where((Pool.year == year) & (Pool.code == code)).exists():
            return fail("code", "pool_code_taken")
        pool = Pool.create(code=code, name=name, year=year, region_prefix=region, capacity=capacity,
                           held=0, priority=priority, is_open=True, requires_dtks=bool(requires_dtks),
                           sms_name=sms_name)
        if shares > 1:
            set_counters(pool, capacity, shares)
        audit(actor, "create_pool", after=code, pool=code, region=region, capacity=capacity,
              priority=priority, requires_dtks=bool(requires_dtks), sms_name=sms_name, shares=shares)
        promoted = fill_seats(pool)
    return Outcome(True, pool=Pool.get_by_id(pool.id), promoted=promoted)


@retrying
def update_pool(code, name, capacity, priority, requires_dtks, actor, sms_name=None, shares=None):
    """Change a pool of the current year; capacity never below the seats held; sms_name None: kept;
    shares (1–64, None: as it is) rebuilds its counters from the seats held."""
    name = " ".join((name or "").split())
    errors = check_numbers(capacity, priority) | (check_shares(shares) if shares is not None else {})
    if not 2 <= len(name) <= 120:
        errors["name"] = "pool_name_required"
    sms_name, key = (None, None) if sms_name is None else check_sms_name(sms_name)
    if key:
        errors["sms_name"] = key
    if errors:
        return Outcome(False, errors)
    year = ProgramYear.current()
    with db.atomic() as txn:
        pool = Pool.get_or_none((Pool.code == code) & (Pool.year == year))
        if pool is None:
            return fail("pool", "pool_unknown")
        pool = lock_for_change(pool.id)
        if capacity < pool.seats_held:
            return fail("capacity", "capacity_below_held")
        sms_name = pool.sms_name if sms_name is None else sms_name
        changes = {Pool.name: name, Pool.priority: priority, Pool.sms_name: sms_name}
        if bool(requires_dtks) != pool.requires_dtks:
            # Only then: the change may open the pool to someone, and takes the reference gate.
            changes[Pool.requires_dtks] = bool(requires_dtks)
            gate_reference(shared=False)
        Pool.update(changes).where(Pool.id == pool.id).execute()
        audit(actor, "update_pool", pool=code, name=name, priority=priority,
              requires_dtks=bool(requires_dtks), sms_name=sms_name)
        outcome = quota.set_capacity(code, capacity, actor, year) if capacity != pool.capacity else None
        if outcome is not None and not outcome.ok:  # held grew meanwhile: undo the whole change
            txn.rollback()
            return outcome
        if shares is not None and shares != pool.shares:
            set_shares(code, shares, actor, year)
        promoted = outcome.promoted if outcome else fill_seats(Pool.get_by_id(pool.id))
    return Outcome(True, pool=Pool.get_by_id(pool.id), promoted=promoted)


@retrying
def set_shares(code, shares, actor, year=None):
    """Keep a pool's seats in `shares` counters (1–64), rebuilt in one transaction from the
    registrations holding its seats, free seats spread evenly; error key `shares_format`."""
    if errors := check_shares(shares):
        return Outcome(False, errors)
    with db.atomic():
        year = year or ProgramYear.current()
        pool = Pool.get_or_none((Pool.code == code) & (Pool.year == year))
        if pool is None:
            return fail("pool", "pool_unknown")
        pool = lock_pool(pool.id)
        before = pool.shares
        set_counters(pool, pool.capacity, shares)
        audit(actor, "set_shares", before=str(before), after=str(shares), pool=pool.code)
        promoted = fill_seats(pool)  # none, unless a seat was free beside a waiter before
    return Outcome(True, pool=Pool.get_by_id(pool.id), promoted=promoted)
