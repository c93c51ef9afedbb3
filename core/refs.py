"""Reference codes: short, random, unambiguous when read aloud; a row inserted under a fresh one."""
import secrets

from core.hotsql import insert_unless_taken
from core.text import plain
from models import Registration, now

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


def insert_with_fresh_ref(year, nik, before_insert=None, give_back=None, nik_checked=False,
                          **values):
    """Insert a Registration under a new code; the Registration, or None if the NIK counts in year.

    before_insert() returns extra column values (e.g. the pool whose seat it took); when a unique
    key refuses the row, give_back(extra) undoes it in the same transaction (no savepoint: two
    statements fewer per registration). The NIK is checked first and the row inserted with
    ON CONFLICT DO NOTHING: a failing statement would put its values (NIK, name, phone) into
    PostgreSQL's server log and abort the transaction. The Registration returned is built from
    the values inserted, not read back. nik_checked: the caller has just found, in this
    transaction, that the NIK does not count. RuntimeError after TRIES taken codes.
    """
    if not nik_checked and nik_counts(year, nik):
        return None
    for _ in range(TRIES):
        extra = before_insert() if before_insert else {}
        stamp = now()
        row = dict(ref=new_ref(), year=year, nik=nik, nik_active=nik, created_at=stamp,
                   updated_at=stamp, **values, **extra)
        row, new_id = insert_unless_taken(Registration, row)
        if new_id is not None:
            registration = Registration(id=new_id, **row)
            registration._dirty.clear()  # as if read back: nothing to save
            return registration
        if give_back:
            give_back(extra)
        if nik_counts(year, nik):  # a twin registration got in first
            return None
    raise RuntimeError("could not draw an unused reference code")
