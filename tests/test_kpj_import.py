"""Import of KPJ membership numbers: dry run, apply through the core, idempotent re-import."""
import io

import openpyxl
import pytest

from config import DEFAULT_RULES
from core import quota
from models import AuditEvent, OutboxMessage, Registration, db
from ops import kpj_import
from tests.factories import applicant, make_nik


def registered(n, approve=True):
    """A registration through the core, approved unless told otherwise."""
    reg = quota.register(applicant(n), "web", DEFAULT_RULES).registration
    if approve:
        assert quota.approve(reg, "staff:test").ok
    return reg


def csv_file(*rows, header="NIK,KPJ"):
    """A CSV upload as the page would get it (a binary file object)."""
    return io.BytesIO(("\n".join((header,) + rows) + "\n").encode("utf-8"))


def results(report):
    """[(line, result)] of a report."""
    return [(r.line, r.result) for r in report.rows]


def mixed_file():
    """Two matches, an unknown NIK, a malformed row, a repeated NIK, a pending registration."""
    spaced = f"{make_nik(2)[:4]} {make_nik(2)[4:]}"  # typed with a space, KPJ with dashes
    return csv_file(f"{make_nik(1)},26000000001", f"{spaced},2600-0000-002",
                    f"{make_nik(77)},26000000077", "12345,26000000009", f"{make_nik(1)},26000000001",
                    f"{make_nik(3)},26000000003")


def test_dry_run_reports_every_row_and_changes_nothing(core_app):
    one, two, three = registered(1), registered(2), registered(3, approve=False)
    outbox, audits = OutboxMessage.select().count(), AuditEvent.select().count()
    report = kpj_import.import_kpj(mixed_file())
    assert results(report) == [(2, "matched"), (3, "matched"), (4, "unknown_nik"), (5, "malformed"),
                               (6, "duplicate"), (7, "not_approved")]
    assert report.rows[0].ref == one.ref and report.rows[1].ref == two.ref
    assert report.rows[5].detail == "pending" and report.rows[4].detail == "line 2"
    assert report.counts["matched"] == 2 and not report.applied
    assert {r.status for r in Registration.select()} == {"approved", "pending"}
    assert OutboxMessage.select().count() == outbox and AuditEvent.select().count() == audits


def test_apply_enrols_each_match_through_the_core_and_queues_the_number_by_sms(core_app):
    one, two = registered(1), registered(2)
    report = kpj_import.import_kpj(mixed_file(), apply=True, actor="staff:admin")
    assert [r.applied for r in report.rows] == [True, True, False, False, False, False]
    for reg, kpj in ((one, "26000000001"), (two, "26000000002")):
        reg = Registration.get_by_id(reg.id)
        assert (reg.status, reg.kpj) == ("enrolled", kpj)
        sms = OutboxMessage.get((OutboxMessage.registration == reg)
                                & (OutboxMessage.kind == "enrolled"))
        assert sms.params["kpj"] == kpj
        event = AuditEvent.get((AuditEvent.registration == reg) & (AuditEvent.action == "enroll"))
        assert event.actor == "staff:admin"


def test_importing_the_same_file_again_changes_nothing(core_app):
    registered(1), registered(2)
    kpj_import.import_kpj(mixed_file(), apply=True)
    outbox, audits = OutboxMessage.select().count(), AuditEvent.select().count()
    again = kpj_import.import_kpj(mixed_file(), apply=True)
    assert results(again)[:2] == [(2, "already_enrolled"), (3, "already_enrolled")]
    assert not any(r.applied for r in again.rows)
    assert OutboxMessage.select().count() == outbox and AuditEvent.select().count() == audits


def test_a_different_number_for_an_enrolled_member_is_a_conflict(core_app):
    one, two = registered(1), registered(2)
    kpj_import.import_kpj(csv_file(f"{make_nik(1)},26000000001"), apply=True)
    other_number, someone_elses = f"{make_nik(1)},26000000999", f"{make_nik(2)},26000000001"
    report = kpj_import.import_kpj(csv_file(other_number, someone_elses), apply=True)
    assert [(r.result, r.detail) for r in report.rows] == [
        ("conflict", "enrolled_with_other_kpj"), ("conflict", "kpj_of_other_nik")]
    assert Registration.get_by_id(one.id).kpj == "26000000001"
    assert Registration.get_by_id(two.id).status == "approved"


@pytest.mark.parametrize("apply", [False, True])
def test_one_number_given_to_two_niks_in_one_file_enrols_only_the_first(core_app, apply):
    one, two = registered(1), registered(2)
    same = csv_file(f"{make_nik(1)},26000000001", f"{make_nik(2)},26000000001")
    report = kpj_import.import_kpj(same, apply=apply)
    assert [(r.result, r.detail, r.applied) for r in report.rows] == [
        ("matched", "", apply), ("conflict", "line 2", False)]
    assert Registration.get_by_id(one.id).status == ("enrolled" if apply else "approved")
    assert (Registration.get_by_id(two.id).status, Registration.get_by_id(two.id).kpj) == ("approved", None)


@pytest.mark.parametrize("nik, kpj, detail", [
    ("", "26000000001", "nik_format"),
    ("647101120385000", "26000000001", "nik_format"),  # 15 digits
    ("6471019913850001", "26000000001", "nik_format"),  # day 99, month 13
    ("6471011203850001", "", "kpj_format"),
    ("6471011203850001", "KPJ-12", "kpj_format"),
    ("6471011203850001", "1234567", "kpj_format"),
])
def test_malformed_rows_say_which_field(app, nik, kpj, detail):
    with app.app_context(), db.connection_context():
        report = kpj_import.import_kpj(csv_file(f"{nik},{kpj}"), apply=True)
    assert [(r.result, r.detail) for r in report.rows] == [("malformed", detail)]


def test_an_xlsx_with_a_title_row_and_nik_stored_as_a_number_is_read(app):
    with app.app_context(), db.connection_context():
        one, two = registered(1), registered(2)
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["Hasil pendaftaran kolektif BPJS Ketenagakerjaan"])
        sheet.append(["No", "NIK", "No. KPJ", "Nama"])
        sheet.append([1, int(make_nik(1)), 26000000001, "Budi Santoso"])
        sheet.append([2, make_nik(2), "26000000002", "Budi Santoso"])
        sheet.append([None, None, None, None])
        upload = io.BytesIO()
        book.save(upload)
        upload.seek(0)
        report = kpj_import.import_kpj(upload, apply=True)
        assert results(report) == [(3, "matched"), (4, "matched")]
        assert Registration.get_by_id(one.id).kpj == "26000000001"


def test_a_semicolon_csv_from_excel_with_a_bom_is_read(app):
    with app.app_context(), db.connection_context():
        registered(1)
        upload = io.BytesIO(f"\ufeffNo;NIK;Nomor KPJ\r\n1;{make_nik(1)};26000000001\r\n".encode())
        assert results(kpj_import.import_kpj(upload)) == [(2, "matched")]
        assert not upload.closed


@pytest.mark.parametrize("content", [
    b"nama,alamat\nBudi,Manggar\n", b"PK\x03\x04 not a zip", b"\xff\xfe\x00"])
def test_a_file_without_nik_and_kpj_columns_is_refused(app, content):
    with app.app_context(), db.connection_context(), pytest.raises(kpj_import.ImportFileError):
        kpj_import.import_kpj(io.BytesIO(content))


def test_cli_dry_run_then_apply_with_progress_and_summary(app, runner, tmp_path):
    with app.app_context(), db.connection_context():
        registered(1), registered(2)
    path = tmp_path / "kpj.csv"
    path.write_bytes(mixed_file().getvalue())
    dry = runner.invoke(args=["import-kpj", str(path)])
    assert dry.exit_code == 0, dry.output
    assert "line 2: matched" in dry.stdout and "line 4: unknown_nik" in dry.stdout
    assert ("Dry run, nothing changed. Rows: 2 matched, 2 unknown nik, 1 malformed, 1 duplicate"
            in dry.stdout)
    assert "6/6" in dry.stderr and make_nik(1) not in dry.output
    applied = runner.invoke(args=["import-kpj", str(path), "--apply", "--problems-only"])
    assert applied.exit_code == 0, applied.output
    assert "line 2:" not in applied.stdout and "Applied: 2 enrolled" in applied.stdout
    again = runner.invoke(args=["import-kpj", str(path), "--apply"])
    assert "Applied: 0 enrolled" in again.stdout and "2 already enrolled" in again.stdout
