"""The queue's filters, search and keyset pages, read from the query string and scoped to the user."""
import operator
from dataclasses import asdict, dataclass
from functools import reduce

from flask_babel import lazy_gettext as _l
from peewee import SQL, fn

from models import STATUSES, Occupation, Pool, Region, Registration
from staff.flags import FLAGS, nik_codes, nik_place
from staff.search import search_condition
from web.paging import PAGE_SIZE, keyset_page

CHANNELS = {"web": _l("Web"), "sms": _l("SMS"), "assisted": _l("Dibantu petugas"),
            "reverify": _l("Verifikasi ulang")}
FLAG_SCAN_LIMIT = 250  # rows looked at per page when filtering on flags (see flagged_page)
FLAG_BATCH = 50  # the first batch of them
COUNT_CAP = 1000  # the counters say "1000+" rather than count a million rows


@dataclass
class Filters:
    """What the queue shows; every field is a plain string from the query string."""

    status: str = "pending"
    pool: str = ""
    regency: str = ""
    kecamatan: str = ""
    kelurahan: str = ""
    occupation: str = ""
    channel: str = ""
    flag: str = ""
    q: str = ""

    def args(self):
        """The non-default filters, for links that keep them."""
        return {k: v for k, v in asdict(self).items() if v and v != getattr(Filters, k)}


@dataclass
class Choices:
    """The values each filter may take this year, with their names."""

    pools: dict
    regencies: dict
    districts: dict  # the kecamatan of the regency in force, for its menu (none: empty)
    places: dict  # its kelurahan and the regency itself
    occupations: dict
    regency: str = None  # the regency whose kecamatan and kelurahan the menus offer

    @classmethod
    def load(cls, year, regency=None):
        """Read the small reference tables: the regencies, and only one regency's places (if it is one).

        Kaltim's 1,154 regions are never all read: a page names its own rows (`row_names`).
        """
        regencies = dict(Region.select(Region.code, Region.name).where(Region.level == "regency").tuples())
        regency = regency if regency in regencies else None
        area = Region.area(regency) if regency else {}
        return cls(
            pools={p.code: p for p in Pool.of_year(year)},
            regencies=regencies,
            districts={c: name for c, (level, name) in area.items() if level == "district"},
            places={c: name for c, (level, name) in area.items() if level in ("village", "regency")},
            occupations={o.code: o for o in Occupation.menu()},
            regency=regency)

    def place_filter(self, name, value):
        """Whether value may be the kecamatan (or kelurahan) filter: one of the menu's, or any, looked up."""
        options = self.districts if name == "kecamatan" else self.places
        if value in options:
            return True
        if self.regency or not value:  # within a regency, only its own places
            return False
        levels = ("district",) if name == "kecamatan" else ("village", "regency")
        return Region.select().where((Region.code == value) & Region.level.in_(levels)).exists()


def row_names(regs):
    """Names a page of rows shows: {"places": kelurahan (or regency), "districts": kecamatan,
    "nik_places": where each NIK was issued}; one lookup for the page, whatever its regencies."""
    names = Region.names_of({code for r in regs for code in (r.region_id, r.region_id[:8], *nik_codes(r.nik))})
    return {"places": {c: name for c, (level, name) in names.items() if level in ("village", "regency")},
            "districts": {c: name for c, (level, name) in names.items() if level == "district"},
            "nik_places": {r.nik: nik_place(r.nik, names) for r in regs}}


def read_filters(args, choices):
    """Filters from the query string; anything unknown falls back to its default."""
    allowed = {"status": set(STATUSES) | {"all"}, "pool": choices.pools, "regency": choices.regencies,
               "occupation": choices.occupations, "channel": CHANNELS, "flag": set(FLAGS) | {"any"}}
    values = {}
    for name, options in allowed.items():
        value = args.get(name, "")[:40]
        if value in options:
            values[name] = value
    for name in ("kecamatan", "kelurahan"):
        value = args.get(name, "")[:40]
        if choices.place_filter(name, value):
            values[name] = value
    values["q"] = " ".join(args.get("q", "")[:100].split())
    return Filters(**values)


def in_regency(code):
    """Registrations of one regency, written as the index's expression (migrations/0005)."""
    return fn.SUBSTR(Registration.region, SQL("1"), SQL("5")) == code


def scope_parts(user):
    """The account's scope as disjoint conditions, each served in id order by an index (none: all)."""
    if user.role == "operator":  # their kelurahan, and what they entered elsewhere
        theirs = Registration.region == user.kelurahan_id
        return [theirs, (Registration.assisted_by == user.id) & ~theirs]
    parts = []
    if user.role == "verifier" and user.agency:
        codes = [o.code for o in Occupation.select(Occupation.code).where(Occupation.agency == user.agency)]
        parts = [Registration.occupation.in_(codes)]
    if user.region:  # a regency's verifier or admin: that regency only, everywhere
        parts = [part & in_regency(user.region) for part in parts] or [in_regency(user.region)]
    return parts


def scoped(query, user):
    """Only what this account may see, as one query (for one row or a list of ids)."""
    parts = scope_parts(user)
    return query.where(reduce(operator.or_, parts)) if parts else query


def filtered(user, f, choices, year):
    """Queries for the year's registrations matching the filters and search, one per scope part.

    An OR of the parts in one query would make the database sort every match to find the oldest
    fifty; each part alone walks an index in id order and stops after a page.
    """
    query = Registration.select().where(Registration.year == year)
    if f.status != "all":
        query = query.where(Registration.status == f.status)
    if f.pool:
        query = query.where(Registration.pool == choices.pools[f.pool].id)
    if f.regency:
        query = query.where(in_regency(f.regency))
    if f.kecamatan:  # written exactly as the index's expression (migrations/0002), literals and all
        query = query.where(fn.SUBSTR(Registration.region, SQL("1"), SQL("8")) == f.kecamatan)
    for name in ("kelurahan", "occupation", "channel"):
        if value := getattr(f, name):
            column = Registration.region if name == "kelurahan" else getattr(Registration, name)
            query = query.where(column == value)
    if f.q:
        query = query.where(search_condition(f.q))
    return [query.where(part) for part in scope_parts(user)] or [query]


def queue_page(queries, after, flag=None, flags_of=None):
    """(rows, flags by id, id to continue after or None): oldest first, after a keyset cursor."""
    if flag:
        return flagged_page(queries, after, flag, flags_of)
    rows, next_after = keyset_page(queries, Registration.id, after)
    return rows, flags_of(rows), next_after


def flagged_page(queries, after, flag, flags_of):
    """Scan forward in batches keeping flagged rows; stop after FLAG_SCAN_LIMIT rows so a page stays fast."""
    kept, flags, scanned, cursor = [], {}, 0, after
    while len(kept) < PAGE_SIZE and scanned < FLAG_SCAN_LIMIT:
        # A first batch the size of a page serves a queue dense with flags; the rest of the scan
        # comes in one batch: its flags cost a few statements, not a few per 50 rows.
        size = max(FLAG_BATCH, FLAG_SCAN_LIMIT - scanned) if scanned else FLAG_BATCH
        batch, more = keyset_page(queries, Registration.id, cursor, size)
        found = flags_of(batch, flag)
        for reg in batch:
            cursor, scanned = reg.id, scanned + 1
            if found[reg.id]:
                kept.append(reg)
                flags[reg.id] = found[reg.id]
                if len(kept) == PAGE_SIZE:
                    break
        if more is None and (not batch or cursor == batch[-1].id):  # the queue ends here
            cursor = None
            break
    if flag != "any":  # the rows shown carry all their flags, not only the one searched for
        flags = flags_of(kept)
    return kept, flags, cursor


def capped_count(queries, cap=COUNT_CAP):
    """How many rows match, counting no further than cap (cheap on a million rows)."""
    # In id order, as the page walks them, so the index that serves the page stops after cap rows.
    # Unordered (peewee's count() drops the order), SQLite without statistics counted a regency's
    # rows by reading substr(region) of every pending row in the province: 160 ms instead of 0.3.
    walks = [q.select(Registration.id).order_by(Registration.id).limit(cap).alias("walk") for q in queries]
    return min(sum(Registration.select(fn.COUNT(SQL("*"))).from_(walk).scalar() for walk in walks), cap)
