"""Field rules for an application: what is wrong with each field, as message keys."""
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from core.identity import NikError, age_on, normalize_phone, parse_nik
from models import Occupation, Region

NAME_RE = re.compile(r"^[^\W\d_]+(?:[ .'\-,][^\W\d_]*)*\.?$")
DECLARATIONS = ("decl_not_participant", "decl_income")
FIELDS = ("nik", "name", "birth_date", "phone", "occupation", "kelurahan") + DECLARATIONS


@dataclass
class Applicant:
    """What a worker gives, as plain strings and booleans from either door."""

    nik: str = ""
    name: str = ""
    birth_date: str = ""  # YYYY-MM-DD; empty means "take it from the NIK" (SMS door)
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
    """Fold whitespace and Unicode forms; return '' for nothing."""
    text = unicodedata.normalize("NFC", text or "")
    return " ".join(text.split())


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


def parse_birth_date(text):
    """A YYYY-MM-DD date, or None."""
    try:
        return dt.date.fromisoformat((text or "").strip()[:10]) if len((text or "").strip()) == 10 else None
    except ValueError:
        return None


def check_birth_date(text, nik):
    """Return (date, error key): the date given must agree with the NIK's day and month."""
    if not (text or "").strip():
        return None, "birth_date_required"
    given = parse_birth_date(text)
    if given is None:
        return None, "birth_date_format"
    if nik is not None and (given.day, given.month, given.year % 100) != (
            nik.birth_date.day, nik.birth_date.month, nik.birth_date.year % 100):
        return given, "birth_date_mismatch"
    return given, None


def find_region(code):
    """A region a worker may choose as domicile: a village, or a regency without loaded villages."""
    region = Region.get_or_none(Region.code == (code or "").strip())
    if region is None or region.level not in ("village", "regency"):
        return None
    if region.level == "regency" and Region.villages_of(region.code).exists():
        return None
    return region


def validate(applicant, rules, today=None, birth_from_nik=False):
    """Return (errors {field: key}, Clean or None) for an application."""
    today = today or dt.date.today()
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
        birth, err = check_birth_date(applicant.birth_date, nik)
        if err:
            errors["birth_date"] = err
    phone = normalize_phone(applicant.phone)
    if phone is None:
        errors["phone"] = "phone_required" if not (applicant.phone or "").strip() else "phone_invalid"
    occupation = Occupation.get_or_none(Occupation.code == (applicant.occupation or "").strip())
    if occupation is None:
        errors["occupation"] = "occupation_required" if not applicant.occupation else "occupation_invalid"
    region = find_region(applicant.kelurahan)
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
