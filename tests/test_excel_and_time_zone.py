"""Exports that survive Excel, and every date people see in the program's time zone whatever the
server's TZ (issue 10, kinds 5 and 6)."""
import csv
import datetime as dt
import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from config import DEFAULT_RULES
from core import clock, quota
from models import AuditEvent, ProgramYear, Registration, db
from ops import exports
from staff.dashboard import per_day
from tests.factories import applicant, form
from tests.staff_support import logged_in, staff_app, text  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
# 06:30 WITA on 1 December is 22:30 UTC on 30 November, 17:30 in New York on 30 November.
WITA_MORNING = dt.datetime(2025, 11, 30, 22, 30)


def approved(n, **overrides):
    """A registration through the core, approved."""
    reg = quota.register(applicant(n, **overrides), "web", DEFAULT_RULES).registration
    assert quota.approve(reg, "staff:test").ok
    return Registration.get_by_id(reg.id)


@pytest.fixture
def server_tz(monkeypatch):
    """Run this process in another time zone than the program's (restored afterwards)."""
    def use(name):
        monkeypatch.setenv("TZ", name)
        time.tzset()
    yield use
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def at(monkeypatch):
    """Move the program's clock to a UTC moment."""
    def move(moment):
        monkeypatch.setattr(clock, "utc_now", lambda: moment.replace(tzinfo=dt.timezone.utc))
    return move


# --- 5. CSV for Excel: ops/exports.py ---

@pytest.mark.parametrize("value,cell", [
    ("6471011203850001", '="6471011203850001"'), ("081200000001", '="081200000001"'),
    ("12-03-1985", '="12-03-1985"'), ("01-01-2026", '="01-01-2026"'), ("26000000001", '="26000000001"'),
    ("12E45678", '="12E45678"'), ("64.71.01.1001", '="64.71.01.1001"'), ("+6281200000001", '="+6281200000001"'),
    ("Zoë Ma'ruf", "Zoë Ma'ruf"), ("Manggar", "Manggar"), ("K7P3QX9M", "K7P3QX9M"), (16800, 16800),
    ("JKK+JKM", "JKK+JKM"), ("", ""),
])
def test_excel_keeps_digit_strings_and_dates_as_written(value, cell):
    assert exports.excel_cell(value) == cell


@pytest.fixture
def admin(staff_app):
    return logged_in(staff_app, "ana", "admin")


def test_the_staff_csv_opens_in_excel_with_accents_and_whole_numbers(admin):
    reg = approved(1, name="Zoë Ma\u2019ruf")
    response = admin.get("/staff/ekspor/unduh", query_string={"kind": "bpjs", "format": "csv", "columns":
                         "nik,nama,tgl_lahir,no_hp,iuran,tgl_mulai,kode_wilayah,tgl_daftar"})
    body = response.get_data()
    assert response.status_code == 200 and body.startswith(b"\xef\xbb\xbf")
    header, row = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert header[0] == "NIK"
    year = ProgramYear.current().year
    assert row == [f'="{reg.nik}"', "Zoë Ma'ruf", '="12-03-1985"', '="081200000001"', "16800",
                   f'="01-01-{year}"', '="64.71.01.1001"',
                   f'="{clock.local(reg.created_at).strftime("%d-%m-%Y")}"']


def test_the_plain_csv_is_bare_utf8_for_machines(admin):
    reg = approved(1, name="Zoë Amin")
    response = admin.get("/staff/ekspor/unduh", query_string={"kind": "bpjs", "format": "csv-plain",
                                                              "columns": "nik,nama,no_hp"})
    body = response.get_data()
    assert not body.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(io.StringIO(body.decode("utf-8"))))[1] == [reg.nik, "Zoë Amin", "081200000001"]


@pytest.mark.parametrize("args,bom,nik_cell", [
    ([], True, '="{nik}"'), (["--format", "csv"], True, '="{nik}"'),
    (["--format", "csv-plain"], False, "{nik}"),
])
def test_cli_csv_is_for_excel_unless_plain_is_asked(app, runner, tmp_path, args, bom, nik_cell):
    with app.app_context(), db.connection_context():
        reg = approved(1)
    out = tmp_path / "b.csv"
    result = runner.invoke(args=["export", "bpjs", "-o", str(out), "--columns", "nik,nama", *args])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbf") == bom
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert rows[1] == [nik_cell.format(nik=reg.nik), "Budi Santoso"]


# --- 6. The program's time zone, whatever the server's: core/clock.py ---

@pytest.mark.parametrize("server,program,stored,expected", [
    ("America/New_York", None, WITA_MORNING, "01-12-2025"),        # the example
    ("UTC", None, WITA_MORNING, "01-12-2025"),
    ("Pacific/Kiritimati", None, dt.datetime(2025, 11, 30, 15, 30), "30-11-2025"),  # 23:30 WITA
    ("America/New_York", None, dt.datetime(2025, 11, 30, 16, 0), "01-12-2025"),     # 00:00 WITA
    ("Asia/Makassar", "Asia/Jakarta", dt.datetime(2025, 11, 30, 16, 30), "30-11-2025"),  # 23:30 WIB
    ("Europe/London", "Asia/Jayapura", dt.datetime(2025, 11, 30, 15, 30), "01-12-2025"),  # 00:30 WIT
])
def test_export_registration_day_is_the_programs_whatever_the_servers_tz(app, tmp_path, server, program,
                                                                          stored, expected):
    with app.app_context(), db.connection_context():
        reg = approved(1)
        Registration.update(created_at=stored).where(Registration.id == reg.id).execute()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JARING_", "FLASK_"))}
    env.update(TZ=server, DATABASE_URL=app.config["DATABASE_URL"], SECRET_KEY="tz-test")
    if program:
        env["JARING_TIMEZONE"] = program
    out = tmp_path / "b.csv"
    subprocess.run([sys.executable, "-m", "flask", "--app", "app", "export", "bpjs", "--format", "csv-plain",
                    "--columns", "nik,tgl_daftar", "-o", str(out)], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=120)
    assert list(csv.reader(open(out, encoding="utf-8")))[1] == [reg.nik, expected]


@pytest.mark.parametrize("utc_now,opens_on,closes_on,is_open", [
    (dt.datetime(2025, 11, 30, 16, 30), None, dt.date(2025, 11, 30), False),  # 00:30 WITA on 1 Dec
    (dt.datetime(2025, 11, 30, 15, 30), None, dt.date(2025, 11, 30), True),   # 23:30 WITA on 30 Nov
    (dt.datetime(2025, 8, 31, 16, 30), dt.date(2025, 9, 1), None, True),      # 00:30 WITA on 1 Sep
    (dt.datetime(2025, 8, 31, 15, 30), dt.date(2025, 9, 1), None, False),     # 23:30 WITA on 31 Aug
])
def test_the_registration_window_opens_and_closes_on_the_programs_days(
        client, server_tz, at, utc_now, opens_on, closes_on, is_open):
    server_tz("America/New_York")  # 11:30 or 10:30 in New York: the server's day is never the answer
    at(utc_now)
    ProgramYear.update(opens_on=opens_on, closes_on=closes_on).execute()
    response = client.post("/daftar", data=form(1))
    assert (response.status_code == 303) == is_open, response.get_data(as_text=True)[:300]
    assert Registration.select().count() == (1 if is_open else 0)


def test_staff_pages_audit_and_dashboard_use_the_programs_time(staff_app, server_tz, at):
    server_tz("America/New_York")
    admin = logged_in(staff_app, "ana", "admin")
    reg = approved(1)
    Registration.update(created_at=WITA_MORNING).where(Registration.id == reg.id).execute()
    AuditEvent.update(at=WITA_MORNING).where(AuditEvent.registration == reg.id).execute()
    at(dt.datetime(2025, 12, 1, 3, 0))  # 11:00 WITA on 1 December
    assert "01/12/2025 06:30 WITA" in text(admin.get(f"/staff/r/{reg.id}"))
    for day, shown in (("2025-12-01", True), ("2025-11-30", False)):
        page = text(admin.get("/staff/audit", query_string={"since": day, "until": day, "action": "approve"}))
        assert ("01/12/2025 06:30" in page) == shown, day
    assert per_day(reg.year, clock.today())[-1] == ("01/12", 1)


def test_todays_decisions_count_from_the_programs_midnight(staff_app, server_tz, at):
    server_tz("America/Los_Angeles")
    verifier = logged_in(staff_app, "vera", "verifier")
    reg = quota.register(applicant(1), "web", DEFAULT_RULES).registration
    at(dt.datetime(2025, 11, 30, 16, 30))  # 00:30 WITA on 1 December: the UTC day is still 30 Nov
    verifier.post(f"/staff/r/{reg.id}/setujui")
    AuditEvent.update(at=dt.datetime(2025, 11, 30, 16, 30)).where(AuditEvent.action == "approve").execute()
    at(dt.datetime(2025, 12, 1, 1, 0))  # 09:00 WITA on 1 December
    assert "<strong>1</strong> disetujui" in text(verifier.get("/staff"))


@pytest.mark.parametrize("server,program,stored,expected", [
    ("America/New_York", None, dt.datetime(2025, 11, 30, 15, 59, 59), []),  # 23:59:59 WITA, 30 Nov: 62
    ("America/New_York", None, dt.datetime(2025, 11, 30, 16, 0), ["age"]),  # 00:00 WITA, 1 Dec: 63
    ("UTC", "Asia/Jakarta", dt.datetime(2025, 11, 30, 16, 30), []),          # 23:30 WIB, 30 Nov
    ("UTC", "Asia/Jakarta", dt.datetime(2025, 11, 30, 17, 0), ["age"]),      # 00:00 WIB, 1 Dec
    ("Asia/Makassar", "Asia/Kathmandu", dt.datetime(2025, 11, 30, 18, 14), []),   # 23:59 +05:45
    ("Asia/Makassar", "Asia/Kathmandu", dt.datetime(2025, 11, 30, 18, 15), ["age"]),
])
def test_the_age_flag_counts_years_on_the_programs_day_of_registration(staff_app, server_tz, monkeypatch,
                                                                       server, program, stored, expected):
    from staff.flags import flags_for
    server_tz(server)
    if program:
        monkeypatch.setenv("JARING_TIMEZONE", program)
    reg = quota.register(applicant(1, birth=dt.date(1962, 12, 1)), "web", DEFAULT_RULES).registration
    Registration.update(created_at=stored).where(Registration.id == reg.id).execute()
    assert clock.local_dates([stored]) == [clock.local(stored).date()]
    assert flags_for([Registration.get_by_id(reg.id)], 64, 1) == {reg.id: expected}
