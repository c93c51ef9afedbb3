"""The DTKS list of a program year: which NIKs are on it, and the registrations it confirms.

Only the NIKs are kept (what matching needs); a new list replaces the year's old one. A waiting
applicant newly confirmed may take a seat of a pool that requires DTKS, in the same transaction.
"""
from core.journal import audit
from core.outcome import Outcome, fail, retrying
from core.seats import fill_seats
from models import DtksNik, Pool, ProgramYear, Registration, db


@retrying
def replace_list(niks, actor, year=None):
    """Make `niks` (16-digit strings) the year's DTKS list; mark registrations; Outcome(promoted)."""
    year = year or ProgramYear.current()
    if year is None:
        return fail("form", "year_unknown")
    niks = sorted(set(niks))
    with db.atomic():
        DtksNik.delete().where(DtksNik.year == year).execute()
        marks = f"({db.param}, {db.param})"
        # One prepared statement for every NIK: a list has tens of thousands.
        db.cursor().executemany(f"INSERT INTO dtksnik (year, nik) VALUES {marks}",
                                [(year.year, nik) for nik in niks])
        on_list = DtksNik.select(DtksNik.nik).where(DtksNik.year == year)
        Registration.update(dtks_confirmed=Registration.nik.in_(on_list)).where(
            Registration.year == year).execute()
        confirmed = Registration.select().where(
            (Registration.year == year) & Registration.dtks_confirmed).count()
        audit(actor, "dtks_import", after=str(len(niks)), year=year.year, confirmed=confirmed)
        promoted = []
        for pool in Pool.of_year(year).where(Pool.requires_dtks == True):  # noqa: E712
            promoted += fill_seats(pool)
    return Outcome(True, year=year, carried=confirmed, promoted=promoted)
