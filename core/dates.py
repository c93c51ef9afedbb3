"""Dates as people in Indonesia write them: day first, as the KTP prints them, or year first."""
import datetime as dt
import re

from core import clock
from core.text import plain

# Indonesian and English month names and their usual short forms (old spellings too).
MONTHS = {
    1: ("januari", "january", "jan"), 2: ("februari", "pebruari", "february", "feb", "peb"),
    3: ("maret", "march", "mar"), 4: ("april", "apr"), 5: ("mei", "may"),
    6: ("juni", "june", "jun"), 7: ("juli", "july", "jul"),
    8: ("agustus", "august", "agu", "agt", "agst", "aug", "ags"),
    9: ("september", "sept", "sep"), 10: ("oktober", "october", "okt", "oct"),
    11: ("november", "nopember", "nov", "nop"), 12: ("desember", "december", "des", "dec"),
}
MONTH_OF = {name: number for number, names in MONTHS.items() for name in names}
SEP = r"\s*[-/.,\s]\s*"
NUMERIC_DMY = re.compile(rf"^(\d{{1,2}}){SEP}(\d{{1,2}}){SEP}(\d{{2}}|\d{{4}})$")
NUMERIC_YMD = re.compile(rf"^(\d{{4}}){SEP}(\d{{1,2}}){SEP}(\d{{1,2}})$")
NAMED_DMY = re.compile(rf"^(\d{{1,2}}){SEP}([a-z]+){SEP}(\d{{2}}|\d{{4}})$")
NAMED_MDY = re.compile(rf"^([a-z]+){SEP}(\d{{1,2}}){SEP}(\d{{4}})$")  # March 12, 1985
COMPACT = re.compile(r"^\d{8}$")  # 12031985 typed on a numeric keypad
EARLIEST = 1900


class DateError(ValueError):
    """A date that cannot be read; `.code` says why: 'date_format', 'date_impossible' (no such
    day, such as 31-02) or 'date_order' (month past 12 where the day goes: month-first)."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def full_year(text, today):
    """A year as written; two digits mean the latest such year not after today."""
    year = int(text)
    if len(text) == 2:
        year += 2000 if 2000 + year <= today.year else 1900
    return year


def make(year, month, day):
    """The date, or DateError: month-first order, or a day the calendar lacks."""
    if month > 12 and 1 <= day <= 12:
        raise DateError("date_order")
    if year < EARLIEST:
        raise DateError("date_impossible")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DateError("date_impossible") from None


def parse_date(text, today=None):
    """Read a date typed as 12-03-1985, 12/03/1985, 12.03.1985, 12 03 1985, 12031985, 1985-03-12,
    12 Maret 1985, 12 Mar 85 or March 12, 1985; raise DateError('date_required' or a code above)."""
    today = today or clock.today()
    value = plain(text).lower()
    if not value:
        raise DateError("date_required")
    if match := NUMERIC_YMD.match(value):
        year, month, day = (int(g) for g in match.groups())
        return make(year, month, day)
    if match := NUMERIC_DMY.match(value):
        day, month, year = match.groups()
        return make(full_year(year, today), int(month), int(day))
    if (match := NAMED_DMY.match(value)) and match.group(2) in MONTH_OF:
        day, month, year = match.groups()
        return make(full_year(year, today), MONTH_OF[month], int(day))
    if (match := NAMED_MDY.match(value)) and match.group(1) in MONTH_OF:
        month, day, year = match.groups()
        return make(int(year), MONTH_OF[month], int(day))
    if COMPACT.match(value):
        return compact(value)
    raise DateError("date_format")


def compact(digits):
    """Eight digits: day-month-year (as the KTP), else year-month-day. Never both: a year from 1900
    puts 19 or 20 where the other reading's month goes."""
    try:
        return make(int(digits[4:]), int(digits[2:4]), int(digits[:2]))
    except DateError:
        return make(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
