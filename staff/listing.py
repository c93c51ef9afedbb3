"""The queue's filters, search and keyset pages, read from the query string and scoped to the user."""
from dataclasses import asdict, dataclass

from peewee import SQL, fn

from identity import clean_digits, normalize_phone
from models import STATUSES, Occupation, Pool, Region, Registration
from quota import REF_ALPHABET, REF_LENGTH, normalize_ref
from staff.flags import FLAGS

PAGE_SIZE = 50
CHANNELS = ("web", "sms", "assisted")
FLAG_SCAN_LIMIT = 400  # rows looked at per page when filtering on flags (see flagged_page)
FLAG_BATCH = 50
NAME_PROBE = 2000  # up to this many name matches are fetched by the name index, then paged by id


@dataclass
class Filters:
    """What the queue shows; every field is a plain string from the query string."""

    status: str = "pending"
    pool: str = ""
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
    districts: dict
    places: dict
    occupations: dict

    @classmethod
    def load(cls, year):
        """Read the small reference tables once per request."""
        regions = list(Region.select())
        return cls(
            pools={p.code: p for p in Pool.of_year(year)},
            districts={r.code: r.name for r in regions if r.level == "district"},
            places={r.code: r.name for r in regions if r.level in ("village", "regency")},
            occupations={o.code: o for o in Occupation.menu()})


def read_filters(args, choices):
    """Filters from the query string; anything unknown falls back to its default."""
    allowed = {"status": set(STATUSES) | {"all"}, "pool": choices.pools, "kecamatan": choices.districts,
               "kelurahan": choices.places, "occupation": choices.occupations, "channel": CHANNELS,
               "flag": set(FLAGS) | {"any"}}
    values = {}
    for name, options in allowed.items():
        value = args.get(name, "")[:40]
        if value in options:
            values[name] = value
    values["q"] = " ".join(args.get("q", "")[:100].split())
    return Filters(**values)


def scoped(query, user):
    """Only what this account may see: an operator's kelurahan (or own entries), a verifier's agency."""
    if user.role == "operator":
        return query.where((Registration.region == user.kelurahan_id) | (Registration.assisted_by == user.id))
    if user.role == "verifier" and user.agency:
        codes = [o.code for o in Occupation.select(Occupation.code).where(Occupation.agency == user.agency)]
        return query.where(Registration.occupation.in_(codes))
    return query


def search_condition(text):
    """NIK, phone, reference code or the start of a name, whichever the text looks like."""
    digits = clean_digits(text)
    if len(digits) == 16 and digits.isdigit():
        return Registration.nik == digits
    phone = normalize_phone(text)
    if phone:
        return Registration.phone == phone
    condition = name_condition(text.lower())
    ref = normalize_ref(text)
    if len(ref) == REF_LENGTH and all(ch in REF_ALPHABET for ch in ref):
        condition = condition | (Registration.ref == ref)
    return condition


def name_condition(name):
    """Names starting with name: by id when few match (the name index finds them), else a scan filter."""
    lowered = fn.LOWER(Registration.name)
    # The range uses the lower(name) index; the exact prefix test guards odd collations.
    prefix = (lowered >= name) & (lowered < name + "\uffff") & (fn.SUBSTR(lowered, 1, len(name)) == name)
    found = [r.id for r in Registration.select(Registration.id).where(prefix).limit(NAME_PROBE + 1)]
    if len(found) <= NAME_PROBE:
        return Registration.id.in_(found)
    # A common name: matches are dense, so walking the queue in id order finds a page quickly.
    return prefix


def filtered(user, f, choices, year):
    """Registrations of the year matching the filters and the search, within the user's scope."""
    query = scoped(Registration.select().where(Registration.year == year), user)
    if f.status != "all":
        query = query.where(Registration.status == f.status)
    if f.pool:
        query = query.where(Registration.pool == choices.pools[f.pool].id)
    if f.kecamatan:  # written exactly as the index's expression (migrations/0002), literals and all
        query = query.where(fn.SUBSTR(Registration.region, SQL("1"), SQL("8")) == f.kecamatan)
    for name in ("kelurahan", "occupation", "channel"):
        if value := getattr(f, name):
            column = Registration.region if name == "kelurahan" else getattr(Registration, name)
            query = query.where(column == value)
    if f.q:
        query = query.where(search_condition(f.q))
    return query


def page(query, after, flag=None, flags_of=None):
    """(rows, flags by id, id to continue after or None): oldest first, after a keyset cursor."""
    if flag:
        return flagged_page(query, after, flag, flags_of)
    rows = list(query.where(Registration.id > after).order_by(Registration.id).limit(PAGE_SIZE + 1))
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return rows, flags_of(rows), rows[-1].id if more else None


def flagged_page(query, after, flag, flags_of):
    """Scan forward in batches keeping flagged rows; stop after FLAG_SCAN_LIMIT rows so a page stays fast."""
    kept, flags, scanned, cursor = [], {}, 0, after
    while len(kept) < PAGE_SIZE and scanned < FLAG_SCAN_LIMIT:
        batch = list(query.where(Registration.id > cursor).order_by(Registration.id).limit(FLAG_BATCH))
        if not batch:
            cursor = None
            break
        found = flags_of(batch, flag)
        for reg in batch:
            cursor, scanned = reg.id, scanned + 1
            if found[reg.id]:
                kept.append(reg)
                flags[reg.id] = found[reg.id]
                if len(kept) == PAGE_SIZE:
                    break
    if cursor is not None and not query.where(Registration.id > cursor).exists():
        cursor = None
    if flag != "any":  # the rows shown carry all their flags, not only the one searched for
        flags = flags_of(kept)
    return kept, flags, cursor


def capped_count(query, cap=1000):
    """How many rows match, counting no further than cap (cheap on a million rows)."""
    return query.select(Registration.id).order_by().limit(cap).count()


def read_cursor(value):
    """The keyset cursor from the query string: a non-negative id, else 0."""
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 19 else 0
