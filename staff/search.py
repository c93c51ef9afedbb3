"""The queue's search box: a NIK, a phone number, a reference code or the start of a name."""
from peewee import fn

from core.identity import clean_digits, normalize_phone
from core.refs import REF_ALPHABET, REF_LENGTH, normalize_ref
from core.text import plain
from models import Registration

NAME_PROBE = 2000  # up to this many name matches are found by the name index, then paged by id


def search_condition(text):
    """NIK, phone, reference code or the start of a name, whichever the text looks like."""
    text = plain(text)  # `Ma’ruf` typed on a phone finds `Ma'ruf` (core/text.py)
    digits = clean_digits(text)
    if len(digits) == 16 and digits.isdigit():
        return found_by(Registration.nik == digits)
    phone = normalize_phone(text)
    if phone:
        return found_by(Registration.phone == phone)
    condition = name_condition(text.lower())
    ref = normalize_ref(text)
    if len(ref) == REF_LENGTH and all(ch in REF_ALPHABET for ch in ref):
        condition = condition | (Registration.ref == ref)
    return condition


def found_by(condition):
    """The few rows condition finds through its own index (a NIK's, a phone's), then paged by id.

    Written as `year = ? AND nik = ? ORDER BY id`, SQLite without statistics walked the year index
    in id order and read every row of the year to find one NIK (300-600 ms at a million rows).
    """
    return Registration.id.in_(Registration.select(Registration.id).where(condition))


def name_condition(name):
    """Names starting with name: by id when few match (the name index finds them), else a scan filter."""
    lowered = fn.LOWER(Registration.name)
    # The range uses the lower(name) index; the exact prefix test guards odd collations.
    prefix = (lowered >= name) & (lowered < name + "\uffff") & (fn.SUBSTR(lowered, 1, len(name)) == name)
    matching = Registration.select(Registration.id).where(prefix)
    if matching.limit(NAME_PROBE + 1).count() <= NAME_PROBE:
        return Registration.id.in_(matching)  # the database looks these few up, in id order
    # A common name: matches are dense, so walking the queue in id order finds a page quickly.
    return prefix
