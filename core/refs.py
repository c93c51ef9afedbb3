"""Reference codes: short, random, unambiguous when read aloud; a row inserted under a fresh one."""
import secrets

from core.text import plain
from models import Registration, db

REF_ALPHABET = "ACDEFHJKMNPRTUVWXY34679"  # no look-alikes: 0/O, 1/I/L, 2/Z, 5/S, 8/B, 6/G
REF_LENGTH = 8
TRIES = 5


def new_ref():
    """A new 8-character code from REF_ALPHABET, drawn with `secrets` (not sequential)."""
    return "".join(secrets.choice(REF_ALPHABET) for _ in range(REF_LENGTH))


def normalize_ref(text):
    """Upper-case a typed code and drop separators (`k7p3-qx9m` -> `K7P3QX9M`)."""
    return "".join(ch for ch in plain(text).upper() if ch.isalnum())[:REF_LENGTH * 2]


def format_ref(ref):
    """Show a code as `K7P3-QX9M`."""
    return f"{ref[:4]}-{ref[4:]}"


def nik_counts(year, nik):
    """True when nik already has a registration that counts in year."""
    return Registration.select().where((Registration.year == year)
                                       & (Registration.nik_active == nik)).exists()


def insert_with_fresh_ref(year, nik, before_insert=None, **values):
    """Insert a Registration under a new code in a savepoint; None if the NIK counts in year.

    before_insert() runs inside the savepoint and returns extra column values (e.g. the pool
    whose seat it took), so a refused row gives back what it took. The NIK is checked first and
    the row inserted with ON CONFLICT DO NOTHING: a failing statement would put its values
    (NIK, name, phone) into PostgreSQL's server log. RuntimeError after TRIES taken codes.
    """
    if nik_counts(year, nik):
        return None
    for _ in range(TRIES):
        with db.atomic() as savepoint:
            extra = before_insert() if before_insert else {}
            row = dict(ref=new_ref(), year=year, nik=nik, nik_active=nik, **values, **extra)
            inserted = list(Registration.insert(**row).on_conflict_ignore()
                            .returning(Registration.id).execute())
            if inserted:
                return Registration.get_by_id(inserted[0].id)
            savepoint.rollback()  # give back what before_insert took
        if nik_counts(year, nik):  # a twin registration got in first
            return None
    raise RuntimeError("could not draw an unused reference code")
