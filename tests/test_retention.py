"""Retention: a program year's personal data is kept until 31 December of the year + N, then purged.

Real databases: the core purge on SQLite and PostgreSQL, the `flask purge` command on a SQLite file
whose bytes are read afterwards.
"""
import datetime as dt
import os
import re
import subprocess
import sys

import pytest

from config import DEFAULT_RULES, ROOT, SettingError
from core import clock, dtks, program_year, quota, retention
from core.reverification import confirm
from core.seats import seat_problems
from models import AuditEvent, DtksNik, OutboxMessage, ProgramYear, Registration, Reverification
from models import SmsInbound, SmsLanguage, SmsSession, db
from tests.conftest import make_app
from tests.factories import applicant, make_nik

FIRST = 2027  # the seeded program year: the machine's clock is in late 2026
NOTE = "catatan rahasia tentang Sri"


def person(n, name):
    return applicant(n, name=name)


def three_years():
    """2027 (enrolled, rejected with a note, cancelled, pending), 2028 and 2029; returns {who: reg}.

    Ani enrols in 2027 and is confirmed again in 2028; Eko registers in 2027 and again in 2029;
    Sri, Citra and Dodi only in 2027. Dodi and Eko chose English by SMS.
    """
    assert ProgramYear.current().year == FIRST
    regs = {who: quota.register(person(n, name), "web", DEFAULT_RULES).registration
            for n, (who, name) in enumerate([("ani", "Ani Wulandari"), ("sri", "Sri Purgawati"),
                                             ("citra", "Citra Lestari"), ("dodi", "Dodi Hapusan"),
                                             ("eko", "Eko Prasetyo")], start=1)}
    assert quota.approve(regs["ani"], "staff:t").ok
    assert quota.record_membership(regs["ani"], "26000000001", "staff:t").ok
    assert quota.reject(regs["sri"], "staff:t", "income", NOTE).ok
    assert quota.cancel(regs["citra"], "worker:web").ok
    assert dtks.replace_list([regs["ani"].nik, regs["dodi"].nik], "staff:t").ok
    for who in ("dodi", "eko"):
        SmsLanguage.create(phone=regs[who].phone, lang="en")
    assert program_year.open_year(FIRST + 1, "staff:t").ok  # Ani waits for re-verification
    [entry] = Reverification.of_year(FIRST + 1)
    assert confirm(entry.id, "staff:t").ok
    assert program_year.open_year(FIRST + 2, "staff:t").ok
    assert quota.register(person(5, "Eko Prasetyo"), "web", DEFAULT_RULES).ok
    return {who: Registration.get_by_id(r.id) for who, r in regs.items()}


@pytest.mark.parametrize("today, retention_years, due", [
    (dt.date(2032, 12, 31), 5, []),
    (dt.date(2033, 1, 1), 5, [2027]),
    (dt.date(2034, 1, 1), 5, [2027, 2028]),
    (dt.date(2099, 1, 1), 5, [2027, 2028]),  # never the current year, however late
    (dt.date(2029, 1, 1), 1, [2027]),
    (dt.date(2028, 12, 31), 1, []),
    (dt.date(2033, 1, 1), 6, []),
])
def test_a_year_is_due_the_day_after_it_is_kept_until(core_app, today, retention_years, due):
    program_year.open_year(FIRST + 1, "t"), program_year.open_year(FIRST + 2, "t")
    assert retention.due_years(retention_years, today) == due
    assert retention.kept_until(FIRST, retention_years) == dt.date(FIRST + retention_years, 12, 31)


@pytest.mark.parametrize("utc, due", [
    ("2032-12-31T15:59", []),  # 23:59 WITA on the last kept day
    ("2032-12-31T16:00", [2027]),  # 1 January 2033, 00:00 WITA
])
def test_the_day_is_the_programs_day_not_the_servers(core_app, monkeypatch, utc, due):
    program_year.open_year(FIRST + 1, "t")
    moment = dt.datetime.fromisoformat(utc).replace(tzinfo=dt.timezone.utc)
    monkeypatch.setattr(clock, "utc_now", lambda: moment)
    assert retention.due_years(5) == due


def test_purging_a_year_anonymises_its_people_and_keeps_its_counts(core_app):
    regs = three_years()
    today = dt.date(FIRST + 7, 1, 1)  # 2027 and 2028 are due with 5 years; 2029 is current
    before = {r.id: (r.year_id, r.status, r.pool_id, r.region_id, r.occupation_id, r.sex)
              for r in Registration.select()}
    planned = [retention.counts(y, 5, today) for y in (FIRST, FIRST + 1)]
    assert [(c.registrations, c.reverifications, c.dtks_niks, c.languages) for c in planned] == [
        (5, 0, 2, 1), (1, 1, 0, 0)]  # Dodi's language goes; Eko registered again in 2029
    assert planned[0].audit_details == 2  # Ani's KPJ and Sri's note
    for year, plan in zip((FIRST, FIRST + 1), planned):
        outcome = retention.purge_year(year, "cli", 5, today)
        assert outcome.ok and outcome.counts == plan
    for r in Registration.select().where(Registration.year < FIRST + 2):
        assert (r.nik, r.nik_active, r.name, r.phone, r.kpj, r.reject_note, r.birth_date) == (
            "", None, "", "", None, None, retention.PURGED_BIRTH_DATE)
    after = {r.id: (r.year_id, r.status, r.pool_id, r.region_id, r.occupation_id, r.sex)
             for r in Registration.select()}
    assert after == before and seat_problems() == []
    assert Registration.get(Registration.year == FIRST + 2).name == "Eko Prasetyo"
    assert DtksNik.select().count() == 0 and Reverification.select().count() == 0
    assert [(s.phone, s.lang) for s in SmsLanguage.select()] == [(regs["eko"].phone, "en")]
    purged_sms = OutboxMessage.select().where(OutboxMessage.registration.in_(list(before)))
    assert {(m.phone, str(m.params)) for m in purged_sms if m.registration.year_id < FIRST + 2} == {("", "{}")}
    reject = AuditEvent.get((AuditEvent.action == "reject") & (AuditEvent.registration == regs["sri"]))
    assert reject.detail == {"reject_reason": "income"}
    enrol = AuditEvent.get((AuditEvent.action == "enroll") & (AuditEvent.registration == regs["ani"]))
    assert enrol.detail is None
    purges = list(AuditEvent.select().where(AuditEvent.action == "purge").order_by(AuditEvent.id))
    assert [(p.actor, p.after, p.detail["year"], p.detail["retention_years"]) for p in purges] == [
        ("cli", "5", FIRST, 5), ("cli", "1", FIRST + 1, 5)]
    again = retention.purge_year(FIRST, "cli", 5, today)
    assert again.ok and again.counts.total == 0


def test_a_year_that_is_not_due_is_refused_and_nothing_changes(core_app):
    regs = three_years()
    outcome = retention.purge_year(FIRST + 1, "cli", 5, dt.date(FIRST + 6, 12, 31))
    assert outcome.errors == {"year": "year_not_due"}
    assert Registration.get_by_id(regs["sri"].id).name == "Sri Purgawati"
    assert not AuditEvent.select().where(AuditEvent.action == "purge").exists()


# --- the command, on a SQLite file --------------------------------------------------------------

@pytest.fixture
def on_file(sqlite_url, tmp_path, monkeypatch):
    """The app on a SQLite file with three years of data, its clock on 1 January 2034 (WITA)."""
    app = make_app(sqlite_url)
    with app.app_context(), db.connection_context():
        regs = three_years()
        SmsInbound.create(sid="SMold", phone=regs["dodi"].phone, reply="DAFTAR Dodi Hapusan",
                          created_at=dt.datetime(2027, 12, 31, 12))  # 20:00 WITA
        SmsInbound.create(sid="SMnew", phone=regs["eko"].phone, reply="KUOTA",
                          created_at=dt.datetime(2027, 12, 31, 16))  # 1 January 2028 WITA: kept
        SmsSession.create(phone=regs["dodi"].phone, step="name", data={"name": "Dodi Hapusan"},
                          expires_at=dt.datetime(2027, 12, 1))
    moment = dt.datetime(2033, 12, 31, 16, 0, tzinfo=dt.timezone.utc)  # 2034-01-01 00:00 WITA
    monkeypatch.setattr(clock, "utc_now", lambda: moment)
    return app, regs, tmp_path / "jaring.sqlite3"


def file_bytes(path):
    """The database file and its WAL, as they are on disk."""
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_the_command_shows_a_dry_run_then_applies_and_leaves_no_trace_in_the_file(on_file):
    app, regs, path = on_file
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["purge"])
    assert dry.exit_code == 0, dry.output
    assert "program year 2027: 5 registrations to anonymise" in dry.output
    assert "program year 2028: 1 registrations to anonymise" in dry.output
    assert "1 inbound messages, 1 conversations" in dry.output
    assert "Dry run, nothing changed" in dry.output and "2029, is kept until 2034-12-31" in dry.output
    secrets = [make_nik(2).encode(), b"Sri Purgawati", regs["sri"].phone.encode(), NOTE.encode(),
               b"Dodi Hapusan", regs["dodi"].phone.encode(), b"26000000001"]
    assert all(s in file_bytes(path) for s in secrets)
    with app.app_context(), db.connection_context():
        assert Registration.get_by_id(regs["sri"].id).name == "Sri Purgawati"

    with app.app_context(), db.connection_context():
        # As SQLite is built by default (Debian's turns it on): freed bytes are not zeroed.
        db.execute_sql("PRAGMA secure_delete = 0")
    done = runner.invoke(args=["purge", "--apply"])
    assert done.exit_code == 0, done.output
    assert "Applied: 6 registrations of 2 program year(s) anonymised, 2 SMS records deleted" in done.output
    assert [s for s in secrets if s in file_bytes(path)] == []
    with app.app_context(), db.connection_context():
        assert Registration.get(Registration.year == FIRST + 2).name == "Eko Prasetyo"
        assert [m.sid for m in SmsInbound.select()] == ["SMnew"]
        events = list(AuditEvent.select().where(AuditEvent.action.in_(["purge", "purge_sms"])))
        assert [e.action for e in events] == ["purge", "purge", "purge_sms"]
        assert not re.search(r"\d{16}|\+62|Sri|Dodi", str([(e.before, e.after, e.detail) for e in events]))
    again = runner.invoke(args=["purge", "--apply"])
    assert again.exit_code == 0 and "Nothing to purge." in again.output


@pytest.mark.parametrize("retention_years", [0, -1])
def test_a_retention_under_one_year_is_refused(on_file, retention_years):
    app, regs, path = on_file
    app.config["RETENTION_YEARS"] = retention_years
    result = app.test_cli_runner().invoke(args=["purge", "--apply"])
    assert result.exit_code != 0 and "must be 1 or more" in result.output
    with app.app_context(), db.connection_context():
        assert not AuditEvent.select().where(AuditEvent.action == "purge").exists()


# --- the setting, checked at start-up ----------------------------------------------------------

@pytest.mark.parametrize("value, kept_until", [
    (None, FIRST + 5), ("1", FIRST + 1), ("100", FIRST + 100), (" 7 ", FIRST + 7),
    ("0", None), ("-1", None), ("101", None), ("7970", None), ("100000", None), ("", None),
    ("lima", None), ("2.5", None),
])
def test_the_retention_setting_is_checked_at_start_up(monkeypatch, sqlite_url, value, kept_until):
    if value is not None:
        monkeypatch.setenv("JARING_RETENTION_YEARS", value)
    if kept_until is None:
        with pytest.raises(SettingError, match=r"^JARING_RETENTION_YEARS must be a whole number "
                                               r"from 1 to 100, not "):
            make_app(sqlite_url)
        return
    page = make_app(sqlite_url).test_client().get("/privasi")
    assert page.status_code == 200
    assert f"data tahun program {FIRST} disimpan sampai 31 Desember {kept_until}." in page.get_data(
        as_text=True)


def test_a_bad_retention_setting_stops_a_flask_command_with_a_clear_message(sqlite_url):
    env = {**os.environ, "JARING_RETENTION_YEARS": "0", "DATABASE_URL": sqlite_url}
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "routes"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "JARING_RETENTION_YEARS must be a whole number from 1 to 100, not '0'" in result.stderr


# --- the privacy page ---------------------------------------------------------------------------

@pytest.mark.parametrize("lang, retention_years, words", [
    ("id", 5, "disimpan selama tahun programnya dan 5 tahun sesudahnya"),
    ("id", 5, f"data tahun program {FIRST} disimpan sampai 31 Desember {FIRST + 5}."),
    ("id", 1, f"dan 1 tahun sesudahnya, untuk pemeriksaan anggaran dan arsip program. Misalnya, data "
              f"tahun program {FIRST} disimpan sampai 31 Desember {FIRST + 1}."),
    ("en", 5, "kept for its program year and 5 years after it"),
    ("en", 1, f"kept for its program year and 1 year after it, for budget audits and the program's "
              f"records. For example, the data of program year {FIRST} is kept until 31 December {FIRST + 1}."),
    ("en", 10, f"program year {FIRST} is kept until 31 December {FIRST + 10}."),
])
def test_the_privacy_page_states_the_rule_in_both_languages(sqlite_url, lang, retention_years, words):
    app = make_app(sqlite_url, RETENTION_YEARS=retention_years)
    client = app.test_client()
    client.get(f"/bahasa/{lang}")
    page = client.get("/privasi").get_data(as_text=True)
    assert words in page
    assert ("NIK, nama, tanggal lahir, nomor HP, nomor KPJ" if lang == "id"
            else "your NIK, name, date of birth, phone number, KPJ number") in page
