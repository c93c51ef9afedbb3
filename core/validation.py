"""Field rules for an application: what is wrong with each field, as message keys."""
import datetime as dt
import re
from dataclasses import dataclass

from core import clock, refcache
from core.dates import DateError, parse_date
from core.identity import NikError, age_on, check_phone, parse_nik
from core.text import plain
from models import Occupation, Region

NAME_RE = re.compile(r"^[^\W\d_]+(?:[ .'\-,][^\W\d_]*)*\.?$")
DECLARATIONS = ("decl_not_participant", "decl_income")
FIELDS = ("nik", "name", "birth_date", "phone", "occupation", "kelurahan") + DECLARATIONS


@dataclass
class Applicant:
    """What a worker gives, as plain strings and booleans from either door."""

    nik: str = ""
    name: str = ""
    birth_date: str = ""  # as typed (core/dates.py reads it); empty means "take it from the NIK" (SMS door)
    phone: str = ""
    occupation: str = ""
    kelurahan: str = ""
    decl_not_participant: bool = False
    decl_income: bool = False
    decl_dtks: bool = False


@dataclass
class Clean:
    """An application whose every field passed."""

    nik: object
    name: str
    birth_date: dt.date
    phone: str
    occupation: Occupation
    region: Region


def clean_name(text):
    """Fold phone-keyboard apostrophes, dashes and spaces (core/text.py); return '' for nothing."""
    return plain(text)


def check_name(text):
    """Message key for a bad name, or None."""
    name = clean_name(text)
    if not name:
        return "name_required"
    if len(name) < 2 or len(name) > 100:
        return "name_length"
    if not NAME_RE.match(name):
        return "name_format"
    return None


def parse_birth_date(text, today=None):
    """Return (date, None) for a birth date as people write it, or (None, error key):
    'birth_date_required', 'birth_date_format', 'birth_date_impossible' or 'birth_date_order'."""
    try:
        return parse_date(text, today), None
    except DateError as e:
        return None, "birth_" + e.code


def check_birth_date(text, nik, today=None):
    """Return (date, error key): the date given must agree with the NIK's day and month."""
    given, err = parse_birth_date(text, today)
    if err:
        return None, err
    if nik is not None and (given.day, given.month, given.year % 100) != (
            nik.birth_date.day, nik.birth_date.month, nik.birth_date.year % 100):
        return given, "birth_date_mismatch"
    return given, None


def find_region(code, reference=None):
    """A region a worker may choose as domicile: a village, or a regency without loaded villages."""
    return (reference or refcache.snapshot()).domicile((code or "").strip())


# Refusals read from reference data: a snapshot that is out of date could give them wrongly.
REFERENCE_REFUSALS = {("occupation", "occupation_invalid"), ("kelurahan", "kelurahan_invalid")}


def from_reference(errors):
    """Whether any of errors {field: key} was read from reference data (confirm before refusing)."""
    return any(item in REFERENCE_REFUSALS for item in errors.items())


def validate(applicant, rules, today=None, birth_from_nik=False, reference=None):
    """Return (errors {field: key}, Clean or None) for an application.

    Occupations and regions come from reference, a refcache snapshot whose caller confirms it
    (core/quota.py's register); without one, from this process's snapshot, and a refusal read
    from it is checked against the database's generation before it is returned.
    """
    if reference is not None:
        return check_fields(applicant, rules, today, birth_from_nik, reference)
    snap = refcache.snapshot()
    errors, clean = check_fields(applicant, rules, today, birth_from_nik, snap)
    if from_reference(errors) and not refcache.still_current(snap):
        errors, clean = check_fields(applicant, rules, today, birth_from_nik,
                                     refcache.snapshot(force=True))
    return errors, clean


def check_fields(applicant, rules, today, birth_from_nik, reference):
    """validate() against one snapshot of the reference data."""
    today = today or clock.today()
    errors = {}
    nik = None
    try:
        nik = parse_nik(applicant.nik, today)
    except NikError as e:
        errors["nik"] = e.code
    if err := check_name(applicant.name):
        errors["name"] = err
    if birth_from_nik:
        birth = nik.birth_date if nik else None
    else:
        birth, err = check_birth_date(applicant.birth_date, nik, today)
        if err:
            errors["birth_date"] = err
    phone, err = check_phone(applicant.phone)
    if err:
        errors["phone"] = err
    occupation = reference.occupation((applicant.occupation or "").strip())
    if occupation is None:
        errors["occupation"] = "occupation_required" if not applicant.occupation else "occupation_invalid"
    region = find_region(applicant.kelurahan, reference)
    if region is None:
        errors["kelurahan"] = "kelurahan_required" if not applicant.kelurahan else "kelurahan_invalid"
    for field in DECLARATIONS:
        if not getattr(applicant, field):
            errors[field] = "declaration_required"
    if birth is not None and "birth_date" not in errors:
        age = age_on(birth, today)
        if age > rules["max_age"]:
            errors["birth_date"] = "age_too_old"
        elif age < rules["min_age"]:
            errors["birth_date"] = "age_too_young"
    if errors:
        return errors, None
    return {}, Clean(nik=nik, name=clean_name(applicant.name), birth_date=birth, phone=phone,
                     occupation=occupation, region=region)
