"""Read-only warnings for a verifier, computed for a whole page of registrations in a few statements."""
from flask_babel import lazy_gettext as _l

from core.clock import local_dates
from core.identity import NikError, age_on, nik_birth, parse_nik
from models import Registration, db
from staff.rows import row_of

FLAGS = {
    "region": _l("KTP dari kabupaten/kota lain"),
    "nik": _l("Tanggal lahir atau jenis kelamin beda dengan NIK"),
    "phone": _l("Nomor HP dipakai untuk beberapa NIK"),
    "age": _l("Mendekati batas usia"),
    "duplicate": _l("Mungkin orang yang sama (nama dan tanggal lahir sama)"),
    "dtks": _l("Menyatakan terdaftar DTKS, tetapi tidak ada di daftar DTKS yang diimpor"),
}


def other_regency(nik, region):
    """The NIK was issued in another regency/city than the kelurahan chosen."""
    return f"{nik[:2]}.{nik[2:4]}" != region[:5]


def nik_disagrees(nik, birth_date, sex, day):
    """The NIK's birth date or sex differs from what was entered on `day` (or the NIK cannot be read)."""
    try:
        if len(nik) == 16 and nik.isascii() and nik.isdigit():  # as the core stores it: just the digits
            read_birth, read_sex = nik_birth(nik, day)
        else:  # imported otherwise: read as if typed
            read = parse_nik(nik, day)
            read_birth, read_sex = read.birth_date, read.sex
    except NikError:
        return True
    return (read_birth.day, read_birth.month, read_birth.year % 100) != (
        birth_date.day, birth_date.month, birth_date.year % 100) or read_sex != sex


def placeholders(count, width=1):
    """`(?, ?), (?, ?)` for count rows of width values, in the open database's parameter style."""
    row = ", ".join([db.obj.param] * width)
    return ", ".join([f"({row})" if width > 1 else row] * count)


def shared_phones(rows):
    """(phone, year) of these rows' phones that registered more than one NIK in the same year."""
    phones = sorted({r.phone for r in rows})
    # Written out, not built by peewee (it cost more to write than SQLite to run). Only the phone
    # in WHERE: given the year too, SQLite may pick the (unselective) year index.
    sql = ('SELECT "t1"."phone", "t1"."year" FROM "registration" AS "t1" '
           f'WHERE "t1"."phone" IN ({placeholders(len(phones))}) '
           'GROUP BY "t1"."phone", "t1"."year" HAVING COUNT(DISTINCT "t1"."nik") > 1')
    return {(phone, year) for phone, year in db.execute_sql(sql, phones).fetchall()}


def same_people(rows):
    """(name lowered, birth date) pairs of these rows that more than one NIK holds."""
    pairs = sorted({(r.birth_date, r.name.lower()) for r in rows})
    # The pairs as a VALUES list, each looked up in the (birth_date, lower(name)) index, numbered
    # so the answer names them without reading dates back. CROSS JOIN keeps the list the outer loop
    # on SQLite (it never reorders one); on its own, SQLite chose to walk the whole index once the
    # list had some 200 pairs. Two IN lists instead made it try every date with every name. SQLite's
    # lower() folds ASCII letters only, so names differing in the case of other letters are
    # missed: a flag lost, never a wrong one.
    sql = ('SELECT "asked"."column3" FROM (VALUES ' + placeholders(len(pairs), 3) + ') AS "asked" '
           'CROSS JOIN "registration" AS "t1" '
           'WHERE "t1"."birth_date" = "asked"."column1" AND LOWER("t1"."name") = "asked"."column2" '
           'GROUP BY "asked"."column3" HAVING COUNT(DISTINCT "t1"."nik") > 1')
    params = [value for i, (birth, name) in enumerate(pairs)
              for value in (Registration.birth_date.db_value(birth), name, i)]
    return {(pairs[i][1], pairs[i][0]) for (i,) in db.execute_sql(sql, params).fetchall()}


def dtks_listed(rows):
    """The years of these rows for which a DTKS list was imported."""
    years = sorted({r.year_id for r in rows})
    sql = f'SELECT DISTINCT "year" FROM "dtksnik" WHERE "year" IN ({placeholders(len(years))})'
    return {year for (year,) in db.execute_sql(sql, years).fetchall()}


def flags_for(regs, max_age, age_years, only=None):
    """{registration id: [flag keys]} for a page of Registrations or Rows (only one kind when asked)."""
    rows = [row_of(r) for r in regs]
    if not rows:
        return {}
    wanted = set(FLAGS) if only in (None, "any") else {only}
    phones = shared_phones(rows) if "phone" in wanted else set()
    people = same_people(rows) if "duplicate" in wanted else set()
    # Only once a list was imported for the year: before that, nobody is on it. Asked only when a
    # row claims DTKS without being found on a list.
    claims = "dtks" in wanted and any(r.declared_dtks and not r.dtks_confirmed for r in rows)
    listed = dtks_listed(rows) if claims else set()
    dated = {"nik", "age"} & wanted
    oldest = max_age - age_years  # flagged from this age on, on the day of registration
    days = local_dates([r.created_at for r in rows]) if dated else [None] * len(rows)
    found = {}
    for r, day in zip(rows, days):
        keys = []  # in the order of FLAGS
        if "region" in wanted and other_regency(r.nik, r.region_id):
            keys.append("region")
        if "nik" in wanted and nik_disagrees(r.nik, r.birth_date, r.sex, day):
            keys.append("nik")
        if "phone" in wanted and (r.phone, r.year_id) in phones:
            keys.append("phone")
        if "age" in wanted and age_on(r.birth_date, day) >= oldest:
            keys.append("age")
        if "duplicate" in wanted and (r.name.lower(), r.birth_date) in people:
            keys.append("duplicate")
        if claims and r.declared_dtks and not r.dtks_confirmed and r.year_id in listed:
            keys.append("dtks")
        found[r.id] = keys
    return found


def nik_codes(nik):
    """The regency and kecamatan codes a NIK was issued in: ("64.72", "64.72.01")."""
    return f"{nik[:2]}.{nik[2:4]}", f"{nik[:2]}.{nik[2:4]}.{nik[4:6]}"


def nik_place(nik, names):
    """Where a NIK was issued, named from names ({code: (level, name)}): `Kota Samarinda, Sungai Kunjang`."""
    codes = nik_codes(nik)
    named = [names[c][1] for c in codes if c in names]
    return ", ".join(named) or codes[1]
