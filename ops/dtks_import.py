"""Import of the DTKS list (CSV/XLSX with a NIK column): check every row, then replace the year's list.

A file with any malformed NIK is refused whole: a list that is partly wrong would quietly leave
people off it. Like the KPJ import (ops/kpj_import.py): a dry run first, then apply.
"""
from dataclasses import dataclass, field

from core import clock, dtks
from core.identity import NikError, clean_digits, parse_nik
from core.program_year import year_number
from models import DtksNik, ProgramYear, Registration
from ops.tabular import NIK_HEADERS, cell_text, rows_below_header
from ops.tabular import ImportFileError  # noqa: F401 (for the CLI and callers)


@dataclass
class DtksReport:
    """What a DTKS file holds and would change; malformed: [(line, reason key)]."""

    niks: set = field(default_factory=set, repr=False)
    rows: int = 0
    duplicates: int = 0
    malformed: list = field(default_factory=list)
    matched: int = 0  # registrations of the year whose NIK is on the list
    declared_not_listed: int = 0  # declared DTKS, not on the list: flagged for the verifier
    applied: bool = False
    promoted: int = 0

    @property
    def ok(self):
        """Whether the file may be applied (no malformed NIK)."""
        return not self.malformed and bool(self.niks)


def read_niks(fileobj):
    """(line, text) of the NIK column of each non-empty row after the header."""
    for line, (text,), cells in rows_below_header(fileobj, {"NIK": NIK_HEADERS}):
        if text.strip() or any(cell_text(c) for c in cells):
            yield line, text


def check(fileobj, year=None):
    """A DtksReport of the file (nothing changes)."""
    year, report, today = year_number(year), DtksReport(), clock.today()
    for line, text in read_niks(fileobj):
        report.rows += 1
        nik = clean_digits(text)
        try:
            parse_nik(nik, today)
        except NikError as error:
            report.malformed.append((line, error.code))
            continue
        if nik in report.niks:
            report.duplicates += 1
        report.niks.add(nik)
    # A year has tens of thousands of registrations and a list may have millions of NIKs: one
    # pass over the year's registrations, not a query per few hundred NIKs of the list.
    year_niks = Registration.select(Registration.nik, Registration.declared_dtks).where(
        Registration.year == year).tuples()
    for nik, declared in year_niks:
        listed = nik in report.niks
        report.matched += listed
        report.declared_not_listed += declared and not listed
    return report


def import_dtks(fileobj, apply=False, actor="cli", year=None):
    """Check the file; with apply and no malformed NIK, make it the year's DTKS list."""
    report = check(fileobj, year)
    if apply and report.ok:
        outcome = dtks.replace_list(report.niks, actor, year_record(year))
        report.applied, report.promoted = outcome.ok, len(outcome.promoted)
    return report


def year_record(year):
    """The ProgramYear for a number (None: the current one)."""
    return ProgramYear.get_or_none(ProgramYear.year == year) if year else None


def listed_count(year=None):
    """How many NIKs the year's DTKS list holds."""
    return DtksNik.select().where(DtksNik.year == year_number(year)).count()
