"""Import of BPJS membership numbers (KPJ) from CSV or XLSX: check each row, then enrol matches."""
import re
from collections import Counter
from dataclasses import dataclass, field

from core import clock, quota
from core.identity import NikError, clean_digits, mask_nik, parse_nik
from core.program_year import year_number
from models import Registration
from ops.tabular import NIK_HEADERS, rows_below_header
from ops.tabular import ImportFileError, row_count  # noqa: F401 (for the CLI and callers)

KPJ_RE = re.compile(r"^[0-9]{8,16}$")  # BPJS's exact length is unconfirmed: digits, 8 to 16
KPJ_HEADERS = {"kpj", "no kpj", "nomor kpj", "no peserta", "nomor peserta", "kpj peserta"}
RESULTS = ("matched", "unknown_nik", "already_enrolled", "malformed", "not_approved",
           "conflict", "duplicate")
CHUNK = 500


@dataclass(slots=True)  # a report holds one per row: a million on a large file
class RowResult:
    """One row of the file: a RESULTS key, and the registration's code when one was found."""

    line: int
    result: str
    ref: str = ""
    nik: str = field(default="", repr=False)  # the string `seen` holds too: masked only when shown
    detail: str = ""
    applied: bool = False
    kpj: str = field(default="", repr=False)
    registration_id: int = field(default=None, repr=False)

    @property
    def nik_masked(self):
        """The NIK as lists show it (`6471 •••• •••• 0123`), or "" when the row had no valid one."""
        return mask_nik(self.nik) if self.nik else ""


@dataclass
class Report:
    """Every row's result, in file order."""

    rows: list
    applied: bool = False

    @property
    def counts(self):
        """{result: how many rows}, every result present."""
        counted = Counter(r.result for r in self.rows)
        return {key: counted.get(key, 0) for key in RESULTS}


def read_rows(fileobj):
    """(line, nik text, kpj text) for each non-empty row after the header."""
    for line, (nik, kpj), _cells in rows_below_header(fileobj, {"NIK": NIK_HEADERS, "KPJ": KPJ_HEADERS}):
        if nik or kpj:
            yield line, nik, kpj


def classify(chunk, year, seen, kpj_seen):
    """RowResults for a chunk of (line, nik, kpj), looked up with two queries."""
    parsed, results, today = [], [], clock.today()
    for line, nik_text, kpj_text in chunk:
        nik, kpj = clean_digits(nik_text), clean_digits(kpj_text)
        try:
            parse_nik(nik, today)
        except NikError:
            results.append(RowResult(line, "malformed", detail="nik_format"))
            continue
        if not KPJ_RE.match(kpj):
            results.append(RowResult(line, "malformed", nik=nik, detail="kpj_format"))
            continue
        parsed.append((line, nik, kpj))
    niks = [nik for _, nik, _ in parsed]
    found = {}
    candidates = Registration.select().where(
        (Registration.year == year) & Registration.nik.in_(niks))
    # The registration that counts this year first, then the newest.
    for reg in candidates.order_by(Registration.nik_active.is_null(True), Registration.id.desc()):
        found.setdefault(reg.nik, reg)
    kpj_owner = {r.kpj: r.nik for r in Registration.select(Registration.kpj, Registration.nik)
                 .where(Registration.kpj.in_([k for _, _, k in parsed]))}
    for line, nik, kpj in parsed:
        reg = found.get(nik)
        row = RowResult(line, "matched", ref=reg.ref if reg else "", nik=nik,
                        kpj=kpj, registration_id=reg.id if reg else None)
        if nik in seen:
            row.result, row.detail = "duplicate", f"line {seen[nik]}"
        elif reg is None:
            row.result = "unknown_nik"
        elif reg.status == "enrolled":
            row.result = "already_enrolled" if reg.kpj == kpj else "conflict"
            row.detail = "" if reg.kpj == kpj else "enrolled_with_other_kpj"
        elif reg.status != "approved":
            row.result, row.detail = "not_approved", reg.status
        elif kpj_owner.get(kpj, nik) != nik:
            row.result, row.detail = "conflict", "kpj_of_other_nik"
        elif kpj_seen.get(kpj, (nik,))[0] != nik:  # one number given to two NIKs in this file
            row.result, row.detail = "conflict", f"line {kpj_seen[kpj][1]}"
        seen.setdefault(nik, line)
        kpj_seen.setdefault(kpj, (nik, line))
        results.append(row)
    return sorted(results, key=lambda r: r.line)


def import_kpj(fileobj, apply=False, actor="cli", year=None, progress=None):
    """Check every row (a dry run); with apply, enrol each match through the core (SMS included)."""
    year, seen, kpj_seen, rows, chunk = year_number(year), {}, {}, [], []
    for item in read_rows(fileobj):
        chunk.append(item)
        if len(chunk) == CHUNK:
            rows += settle(classify(chunk, year, seen, kpj_seen), apply, actor, progress)
            chunk = []
    rows += settle(classify(chunk, year, seen, kpj_seen), apply, actor, progress)
    return Report(rows, applied=apply)


def settle(results, apply, actor, progress):
    """Enrol the matched rows of a chunk when applying; report progress."""
    for row in results:
        if apply and row.result == "matched":
            outcome = quota.record_membership(Registration(id=row.registration_id), row.kpj, actor)
            row.applied = outcome.ok
            if not outcome.ok:
                row.result, row.detail = "not_approved", "changed_meanwhile"
    if progress:
        progress(len(results))
    return results
