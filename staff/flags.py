"""Read-only warnings for a verifier, computed for a whole page of registrations in two queries."""
from collections import defaultdict

from flask_babel import lazy_gettext as _l
from peewee import JOIN, ValuesList, fn

from core.clock import local
from core.identity import NikError, age_on, parse_nik
from models import DtksNik, Registration

FLAGS = {
    "region": _l("KTP dari kabupaten/kota lain"),
    "nik": _l("Tanggal lahir atau jenis kelamin beda dengan NIK"),
    "phone": _l("Nomor HP dipakai untuk beberapa NIK"),
    "age": _l("Mendekati batas usia"),
    "duplicate": _l("Mungkin orang yang sama (nama dan tanggal lahir sama)"),
    "dtks": _l("Menyatakan terdaftar DTKS, tetapi tidak ada di daftar DTKS yang diimpor"),
}


def other_regency(reg):
    """The NIK was issued in another regency/city than the kelurahan chosen."""
    return f"{reg.nik[:2]}.{reg.nik[2:4]}" != reg.region_id[:5]


def nik_disagrees(reg):
    """The NIK's birth date or sex differs from what was entered (or the NIK cannot be read)."""
    try:
        nik = parse_nik(reg.nik, local(reg.created_at).date())
    except NikError:
        return True
    given = reg.birth_date
    return (nik.birth_date.day, nik.birth_date.month, nik.birth_date.year % 100) != (
        given.day, given.month, given.year % 100) or nik.sex != reg.sex


def near_age_limit(reg, max_age, years):
    """Within `years` of the maximum age (or past it) on the day of registration."""
    return age_on(reg.birth_date, local(reg.created_at).date()) >= max_age - years


def shared_phones(regs):
    """Phones of these registrations that registered more than one NIK in the same year."""
    niks = defaultdict(set)
    # Only the phone in SQL: given the year too, SQLite may pick the (unselective) year index.
    query = (Registration.select(Registration.phone, Registration.year, Registration.nik)
             .where(Registration.phone.in_({r.phone for r in regs})).tuples())
    for phone, year, nik in query.iterator():
        niks[(phone, year)].add(nik)
    return {(phone, year) for (phone, year), found in niks.items() if len(found) > 1}


def same_people(regs):
    """(name lowered, birth date) pairs of these registrations that more than one NIK holds."""
    lowered = fn.LOWER(Registration.name)
    # The page's pairs as a VALUES list, each looked up in the (birth_date, lower(name)) index.
    # CROSS JOIN keeps the list the outer loop on SQLite (it never reorders one); on its own, SQLite
    # chose to walk the whole index once the list had some 200 pairs. Two IN lists instead made it
    # try every date with every name; an OR of the pairs cost peewee more to write than SQLite to
    # run. SQLite's lower() folds ASCII letters only, so names differing in the case of other
    # letters are missed: a flag lost, never a wrong one.
    asked = ValuesList(sorted({(r.birth_date, r.name.lower()) for r in regs})).alias("asked")
    query = (Registration.select(Registration.birth_date, lowered).from_(asked).join(Registration, JOIN.CROSS)
             .where((Registration.birth_date == asked.c.column1) & (lowered == asked.c.column2))
             .group_by(Registration.birth_date, lowered)
             .having(fn.COUNT(fn.DISTINCT(Registration.nik)) > 1))
    return {(name, birth) for birth, name in query.tuples()}


def flags_for(regs, max_age, age_years, only=None):
    """{registration id: [flag keys]} for a page of registrations (only one kind when asked)."""
    regs = list(regs)
    if not regs:
        return {}
    wanted = set(FLAGS) if only in (None, "any") else {only}
    phones = shared_phones(regs) if "phone" in wanted else set()
    people = same_people(regs) if "duplicate" in wanted else set()
    listed = ({y for (y,) in DtksNik.select(DtksNik.year).where(
        DtksNik.year.in_({r.year_id for r in regs})).distinct().tuples()} if "dtks" in wanted else set())
    checks = {
        "region": other_regency,
        "nik": nik_disagrees,
        "phone": lambda reg: (reg.phone, reg.year_id) in phones,
        "age": lambda reg: near_age_limit(reg, max_age, age_years),
        "duplicate": lambda reg: (reg.name.lower(), reg.birth_date) in people,
        # Only once a list was imported for the year: before that, nobody is on it.
        "dtks": lambda reg: reg.declared_dtks and not reg.dtks_confirmed and reg.year_id in listed,
    }
    return {reg.id: [key for key, check in checks.items() if key in wanted and check(reg)] for reg in regs}


def nik_codes(nik):
    """The regency and kecamatan codes a NIK was issued in: ("64.72", "64.72.01")."""
    return f"{nik[:2]}.{nik[2:4]}", f"{nik[:2]}.{nik[2:4]}.{nik[4:6]}"


def nik_place(nik, names):
    """Where a NIK was issued, named from names ({code: (level, name)}): `Kota Samarinda, Sungai Kunjang`."""
    codes = nik_codes(nik)
    named = [names[c][1] for c in codes if c in names]
    return ", ".join(named) or codes[1]
