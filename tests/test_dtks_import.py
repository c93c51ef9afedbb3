"""The DTKS list: a dry run, then apply; only NIKs are kept; a malformed NIK refuses the whole file."""
import io

from config import DEFAULT_RULES
from core import quota
from models import DtksNik, Pool, Registration
from ops import dtks_import
from staff.flags import flags_for
from tests.factories import applicant, make_nik
from tests.staff_support import logged_in, staff_app, text  # noqa: F401

SAMARINDA = "64.72.01.1001"


def csv_file(*niks, header="No,NIK,Nama"):
    """A DTKS extract as the Dinas Sosial sends it (more columns than we keep)."""
    lines = [header] + [f"{i},{nik},Nama {i}" for i, nik in enumerate(niks, 1)]
    return io.BytesIO(("\n".join(lines) + "\n").encode())


def test_a_dry_run_counts_and_changes_nothing_then_apply_confirms_and_flags(core_app):
    on = quota.register(applicant(1, decl_dtks=True), "web", DEFAULT_RULES).registration
    claims = quota.register(applicant(2, decl_dtks=True), "web", DEFAULT_RULES).registration
    niks = [make_nik(1), make_nik(1), make_nik(3)]
    report = dtks_import.import_dtks(csv_file(*niks))
    assert (len(report.niks), report.rows, report.duplicates, report.matched,
            report.declared_not_listed, report.applied) == (2, 3, 1, 1, 1, False)
    assert DtksNik.select().count() == 0 and not Registration.get_by_id(on.id).dtks_confirmed
    assert flags_for([Registration.get_by_id(claims.id)], 64, 1, "dtks")[claims.id] == []  # no list yet
    report = dtks_import.import_dtks(csv_file(*niks), apply=True, actor="test")
    assert report.applied and DtksNik.select().count() == 2
    assert Registration.get_by_id(on.id).dtks_confirmed
    assert not Registration.get_by_id(claims.id).dtks_confirmed
    assert "dtks" in flags_for([Registration.get_by_id(claims.id)], 64, 1, "dtks")[claims.id]
    assert dtks_import.import_dtks(csv_file(*niks), apply=True).applied  # again: same list
    assert DtksNik.select().count() == 2


def test_a_malformed_nik_refuses_the_whole_file(core_app):
    dtks_import.import_dtks(csv_file(make_nik(1)), apply=True)
    report = dtks_import.import_dtks(csv_file(make_nik(2), "12345", "6471011203850000"), apply=True)
    assert not report.applied and [line for line, _key in report.malformed] == [3, 4]
    assert [n.nik for n in DtksNik.select()] == [make_nik(1)]  # the old list stands


def test_a_listed_samarinda_resident_gets_the_dtks_pool_without_declaring(core_app):
    dtks_import.import_dtks(csv_file(make_nik(1, region="647201")), apply=True)
    listed = quota.register(applicant(1, nik=make_nik(1, region="647201"), kelurahan=SAMARINDA),
                            "web", DEFAULT_RULES)
    assert listed.ok and listed.registration.pool.code == "prov-kaltim"
    assert listed.registration.dtks_confirmed
    assert Pool.get(Pool.code == "prov-kaltim").held == 1


def test_the_import_page_checks_then_applies(staff_app):
    admin = logged_in(staff_app, "ana", "admin")
    bad = admin.post("/staff/dtks", data={"file": (csv_file("12"), "dtks.csv")},
                     content_type="multipart/form-data")
    assert bad.status_code == 422 and "tidak ada yang diubah" in text(bad)
    page = text(admin.post("/staff/dtks", data={"file": (csv_file(make_nik(1)), "dtks.csv")},
                           content_type="multipart/form-data"))
    token = page.split('name="token" value="')[1].split('"')[0]
    assert "belum ada yang diubah" in page
    assert "Daftar DTKS diganti" in text(admin.post("/staff/dtks/terapkan", data={"token": token}))
    with staff_app.app_context():
        assert [n.nik for n in DtksNik.select()] == [make_nik(1)]
    assert admin.post("/staff/dtks/terapkan", data={"token": token}).status_code == 422
