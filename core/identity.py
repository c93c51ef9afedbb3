"""NIK and phone-number rules: parse, validate, normalise."""
import datetime as dt
import re
from dataclasses import dataclass

import phonenumbers

from core import clock
from core.text import plain

NIK_RE = re.compile(r"^[0-9]{16}$")


@dataclass(frozen=True)
class Nik:
    """What a valid NIK says about its holder."""

    value: str
    region: str  # PP.KK.CC, where the person was first registered
    birth_date: dt.date
    sex: str  # "M" or "F"

    @property
    def regency(self):
        """The PP.KK part of the region."""
        return self.region[:5]

    @property
    def family_serial(self):
        """The last four digits."""
        return self.value[12:]


class NikError(ValueError):
    """A NIK that cannot be read; `.code` says why in a message key."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def clean_digits(text):
    """Fold full-width digits and typographic dashes/spaces to ASCII; drop spaces, dots and dashes
    typed between groups."""
    if text and text.isascii() and text.isdigit():  # the common case, e.g. each row of a DTKS list
        return text
    return re.sub(r"[\s.\-]", "", plain(text))


def parse_nik(text, today=None):
    """Read a NIK; raise NikError('nik_required'|'nik_format'|'nik_date'|'nik_serial')."""
    value = clean_digits(text)
    if not value:
        raise NikError("nik_required")
    if not NIK_RE.match(value):
        raise NikError("nik_format")
    day, month, yy = int(value[6:8]), int(value[8:10]), int(value[10:12])
    sex = "M"
    if day > 40:
        day, sex = day - 40, "F"
    today = today or clock.today()
    # The two-digit year is the most recent one that is not in the future.
    year = 2000 + yy
    try:
        birth = dt.date(year, month, day)
        if birth > today:
            birth = dt.date(year - 100, month, day)
    except ValueError:
        birth = None
    if birth is None or day == 0:
        raise NikError("nik_date")
    if value[12:] == "0000":
        raise NikError("nik_serial")
    region = f"{value[0:2]}.{value[2:4]}.{value[4:6]}"
    return Nik(value=value, region=region, birth_date=birth, sex=sex)


def mask_nik(value):
    """Show a NIK as `6471 •••• •••• 0123` for lists."""
    return f"{value[:4]} •••• •••• {value[-4:]}" if len(value) == 16 else "••••"


def age_on(birth_date, day):
    """Whole years between birth_date and day."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


# How Indonesians write one mobile number: 0811-812-345, +62 811 812 345, 62811812345,
# (0811) 812345, +62 (0) 811..., 0062 811...; groups split by spaces, dots, dashes or slashes.
PHONE_CHARS = re.compile(r"^\+?[0-9 ().\-/]+$")
MOBILE = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def check_phone(text):
    """Return (E.164 `+628…`, None) for an Indonesian mobile number, else (None, error key):
    'phone_required', 'phone_landline' (SMS cannot reach it) or 'phone_invalid'."""
    raw = plain(text)
    if not raw:
        return None, "phone_required"
    if len(raw) > 32 or not PHONE_CHARS.match(raw):
        return None, "phone_invalid"
    digits = re.sub(r"[^0-9]", "", raw)
    if raw.startswith("+") or digits.startswith("00"):
        digits = digits.lstrip("0") if digits.startswith("00") else digits
        if not digits.startswith("62"):
            return None, "phone_invalid"  # another country's number
        national = digits[2:]
    elif digits.startswith(("628", "6208")):  # the country code without its +
        national = digits[2:]
    else:
        national = digits
    national = national[1:] if national.startswith("0") else national  # +62 (0) 811, 0811
    try:
        number = phonenumbers.parse("+62" + national, None)
    except phonenumbers.NumberParseException:
        return None, "phone_invalid"
    if not phonenumbers.is_valid_number(number):
        return None, "phone_invalid"
    if phonenumbers.number_type(number) not in MOBILE:
        return None, "phone_landline"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), None


def normalize_phone(text):
    """Return an Indonesian mobile number in E.164 (`+628…`), or None if it is not one."""
    return check_phone(text)[0]


def display_phone(e164):
    """Show `+6281234567890` the way Indonesians write it: `0812-3456-7890`."""
    if not e164 or not e164.startswith("+62"):
        return e164 or ""
    national = "0" + e164[3:]
    return "-".join([national[:4], national[4:8], national[8:]]).rstrip("-")


def mask_phone(e164):
    """Hide the middle of a phone number: `0812-••••-7890`."""
    shown = display_phone(e164)
    return shown[:5] + "••••" + shown[9:] if len(shown) > 9 else "••••"
