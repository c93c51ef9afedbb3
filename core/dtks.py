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


def matters(region_code, nik, year=None):
    """What a DTKS answer decides for an applicant of region_code (a kelurahan's Kemendagri code)
    with nik this year, from the year's pools and its imported DTKS list (DtksNik):

    None: nothing (no pool serving the region requires DTKS, the NIK is on the list, or there is
    no current year); "some": a pool serving it requires DTKS and another does not; "only": every
    pool serving it requires DTKS, so without DTKS there is no place (docs/design.md, "Pools").
    """
    year = year or ProgramYear.current()
    if year is None:
        return None
    serving = [p for p in Pool.of_year(year) if p.serves(region_code)]
    if not any(p.requires_dtks for p in serving):
        return None
    if DtksNik.select().where((DtksNik.year == year) & (DtksNik.nik == nik)).exists():
        return None
    return "only" if all(p.requires_dtks for p in serving) else "some"
