"""Reference data read once per process: the current program year, its pools, occupations, regions.

Each database keeps a generation number (table reference_generation, one row) that triggers
(migrations/0009) raise on every change to programyear, region, occupation, or any pool column
but `held`. A process keeps one snapshot per open database and reloads it when the number it
reads differs: register() reads the number inside its transaction, in the statement that counts
the phone (core/hotsql.py), so checking costs it nothing; any other reader checks at most once
every FRESH_SECONDS.

Regions are many (1,154 rows for Kaltim alone, some 90,000 for the country), so none is read up
front: a code, the regency list, a regency's villages or kecamatan are read on first use and kept
for the snapshot's life. A snapshot's pools carry `held` as loaded: never read seats from them.
What a snapshot hands out is shared by every thread of the process: read it, never change it.

For doors (web/, public/): `snapshot()` gives the year, pools, occupations and regions of one
generation; `snapshot().generation` is the key to cache anything made from them (a rendered menu).
"""
import random
import time
from dataclasses import dataclass, field

from models import Occupation, Pool, ProgramYear, Region, db

FRESH_SECONDS = 1.0  # how stale a snapshot may be for readers other than register()
MAX_REMEMBERED = 10_000  # region look-ups kept per snapshot (misses come from anything typed)
SEAT_COLUMNS = ("held",)  # pool columns that move with seats: no trigger watches them
DOMICILE_LEVELS = ("village", "regency")


class Stale(Exception):
    """The reference data changed under an operation that read it: load it again, start over."""


def first_generation():
    """A random start (1 … 2**62): a database made or restored elsewhere never matches a cache."""
    return random.randrange(1, 2**62)


@dataclass(eq=False)
class Snapshot:
    """The reference data of one generation; regions are read as they are asked for."""

    generation: int
    year: ProgramYear  # the current program year, or None
    pools: tuple  # the year's pools by priority, open or not (`held` as loaded: never seats)
    occupations: tuple  # in menu order
    checked_at: float = field(default_factory=time.monotonic)
    _by_code: dict = field(default_factory=dict, repr=False)  # occupation code -> Occupation
    _regions: dict = field(default_factory=dict, repr=False)  # code -> Region or None
    _lists: dict = field(default_factory=dict, repr=False)  # (what, code) -> tuple or dict

    def __post_init__(self):
        self._by_code = {o.code: o for o in self.occupations}

    def occupation(self, code):
        """The Occupation with this code, or None."""
        return self._by_code.get(code)

    def region(self, code):
        """The Region with this Kemendagri code, or None (one query the first time)."""
        if code in self._regions:
            return self._regions[code]
        found = Region.get_or_none(Region.code == code)
        self._keep(self._regions, code, found)
        return found

    def domicile(self, code):
        """A region a worker may give as domicile: a village, or a regency without loaded villages."""
        region = self.region(code)
        if region is None or region.level not in DOMICILE_LEVELS:
            return None
        if region.level == "regency" and self.villages_of(region.code):
            return None
        return region

    def regencies(self):
        """Regencies and cities, by code (tuple of Region)."""
        return self._list(("regencies", ""), lambda: tuple(Region.regencies()))

    def villages_of(self, regency_code):
        """Villages (kelurahan/desa) under a regency, by code (tuple of Region)."""
        def read():
            villages = tuple(Region.villages_of(regency_code))
            for village in villages:
                self._keep(self._regions, village.code, village)
            return villages
        return self._list(("villages", regency_code), read)

    def districts_of(self, regency_code):
        """{kecamatan code: name} under a regency."""
        return self._list(("districts", regency_code), lambda: dict(
            Region.select(Region.code, Region.name).where(
                (Region.level == "district") & (Region.parent == regency_code)).tuples()))

    def _list(self, key, read):
        if key not in self._lists:
            found = read()
            self._keep(self._lists, key, found)
            return found
        return self._lists[key]

    @staticmethod
    def _keep(store, key, value):
        # Codes that exist are few; misses come from what anyone types, so keep only some.
        if value or len(store) < MAX_REMEMBERED:
            store[key] = value


_GENERATION_SQL = 'SELECT "generation" FROM "reference_generation" WHERE "id" = 1'


def read_generation():
    """The open database's reference generation now (None if its row is missing: never cache)."""
    found = db.execute_sql(_GENERATION_SQL).fetchone()
    return found[0] if found else None


def load(generation):
    """A new snapshot read from the database, labelled with a generation read just before."""
    year = ProgramYear.current()
    pools = tuple(Pool.of_year(year)) if year else ()
    return Snapshot(generation, year, pools, tuple(Occupation.menu()))


def snapshot(force=False):
    """This process's snapshot of the open database, its generation checked at most every
    FRESH_SECONDS (force: check now). Read-only: it is shared between threads."""
    database = db.obj
    current = getattr(database, "_jaring_reference", None)
    if current is not None and not force and time.monotonic() - current.checked_at < FRESH_SECONDS:
        return current
    generation = read_generation()
    if current is not None and confirm(current, generation):
        return current
    # Read after the number: at worst the data is newer than its label, and the next check
    # reloads it; it is never older than its label.
    fresh = load(generation)
    if generation is not None:
        database._jaring_reference = fresh  # one assignment: a thread sees the old or the new
    return fresh


def confirm(snap, generation):
    """Whether the database still has snap's generation (read by the caller); notes the check."""
    if generation is None or generation != snap.generation:
        return False
    snap.checked_at = time.monotonic()
    return True


def still_current(snap):
    """Whether snap is still the database's (one statement)."""
    return confirm(snap, read_generation())
