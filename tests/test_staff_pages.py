"""Dashboard, pools and year, accounts, audit log, assisted registration and the SMS simulator."""
import datetime as dt
import re

import pytest

from core import clock
from models import AuditEvent, Pool, ProgramYear, Registration, SmsInbound, StaffUser
from sms.door import answer
from tests.factories import form
from tests.staff_support import (  # noqa: F401
    PASSWORD,
    logged_in,
    login,
    registered,
    staff,
    staff_app,
    text,
)
from web.paging import PAGE_SIZE

PAGES = ["/staff", "/staff/dasbor", "/staff/kuota", "/staff/akun", "/staff/audit", "/staff/daftar",
         "/staff/simulator", "/staff/r/1", "/staff/r/1/tolak", "/staff/akun/1"]


@pytest.fixture
def admin(staff_app):
    return logged_in(staff_app, "ana", "admin")


def events(action):
    return list(AuditEvent.select().where(AuditEvent.action == action).order_by(AuditEvent.id))


def test_no_staff_page_has_inline_script_or_style(admin, staff_app):
    registered(1)
    for url in PAGES + ["login"]:
        page = text(staff_app.test_client().get("/staff/masuk") if url == "login" else admin.get(url))
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), url
        assert not re.search(r"<style|\sstyle=|\son\w+=", page), url
        assert re.search(r'<link rel="stylesheet" href="/static/staff\.css\?v=[0-9a-f]{12}">', page), url


def test_the_dashboard_draws_svg_charts_each_with_its_numbers_in_a_table(admin):
    registered(1)
    registered(2, name="Siti Aminah", occupation="nelayan")
    registered(3, name="Rudi Hartono", kelurahan="64.71.02.1001")
    page = text(admin.get("/staff/dasbor"))
    assert page.count("<svg") == 6 and len(re.findall(r'<div class="vh[ a-z-]*"><table>', page)) == 6
    assert page.count('aria-hidden="true"') >= 6
    tables = dict(re.findall(r"<caption>(.*?)</caption>(.*?)</table>", page, re.S))
    assert re.search(r"Kuota Kota Balikpapan</th><td class=\"n\">3</td><td class=\"n\">7.100", tables[
        "Kursi terisi dari kapasitas per kuota"])
    assert re.search(r"Balikpapan Timur</th><td class=\"n\">2<", tables["Pendaftaran per kecamatan"])
    assert re.search(r"Nelayan</th><td class=\"n\">1<", tables["Pendaftaran per pekerjaan"])
    assert re.search(r"Web</th><td class=\"n\">3<", tables["Pendaftaran per jalur"])
    today = clock.today().strftime("%d/%m")  # the program's day (WITA), not the server's
    assert re.search(rf"{today}</th><td class=\"n\">3<", tables["Pendaftaran per hari (30 hari terakhir)"])


def test_the_dashboard_counts_the_waiting_list_per_pool(admin):
    Pool.update(capacity=0).execute()
    registered(1, decl_dtks=True)
    registered(2, name="Siti Aminah", kelurahan="64.72.01.1001", decl_dtks=True)  # Samarinda
    tables = dict(re.findall(r"<caption>(.*?)</caption>(.*?)</table>", text(admin.get("/staff/dasbor")), re.S))
    waiting = tables["Daftar tunggu yang dapat masuk ke tiap kuota"]
    assert re.search(r"Kuota Kota Balikpapan</th><td class=\"n\">1<", waiting)
    assert re.search(r"Kuota Provinsi Kalimantan Timur</th><td class=\"n\">2<", waiting)


def test_an_admin_sets_a_capacity_through_the_core(admin):
    response = admin.post("/staff/kuota/kota-balikpapan/kapasitas", data={"capacity": "7500"})
    assert response.status_code == 303
    assert Pool.get(Pool.code == "kota-balikpapan").capacity == 7500
    [event] = events("set_capacity")
    assert (event.actor, event.before, event.after) == ("staff:ana", "7100", "7500")


def test_more_capacity_promotes_the_waiting_list(admin):
    Pool.update(capacity=0).execute()
    waiting = registered(1)
    admin.post("/staff/kuota/kota-balikpapan/kapasitas", data={"capacity": "1"})
    assert Registration.get_by_id(waiting.id).status == "pending"
    assert "1 orang naik dari daftar tunggu" in text(admin.get("/staff/kuota"))


@pytest.mark.parametrize("value, message", [("0", "di bawah jumlah kursi"), ("-5", "angka bulat"),
                                            ("banyak", "angka bulat"), ("99999999", "angka bulat")])
def test_a_bad_capacity_is_refused_with_a_reason(admin, value, message):
    registered(1)
    response = admin.post("/staff/kuota/kota-balikpapan/kapasitas", data={"capacity": value})
    assert response.status_code == 422 and message in text(response)
    assert Pool.get(Pool.code == "kota-balikpapan").capacity == 7100


def test_an_admin_closes_and_opens_a_pool(admin):
    admin.post("/staff/kuota/prov-kaltim/status", data={"open": "0"})
    assert not Pool.get(Pool.code == "prov-kaltim").is_open
    admin.post("/staff/kuota/prov-kaltim/status", data={"open": "1"})
    assert Pool.get(Pool.code == "prov-kaltim").is_open
    assert [e.action for e in AuditEvent.select().where(AuditEvent.actor == "staff:ana")
            .order_by(AuditEvent.id)][-2:] == ["close_pool", "open_pool"]
    assert admin.post("/staff/kuota/nope/status", data={"open": "1"}).status_code == 422


def test_an_admin_closes_and_reopens_registration_for_the_year(admin):
    admin.post("/staff/tahun/status", data={"open": "0"})
    assert not ProgramYear.current().is_open
    assert "Pendaftaran</strong>" not in text(admin.get("/staff/kuota"))
    admin.post("/staff/tahun/status", data={"open": "1", "until": "2099-11-30"})
    year = ProgramYear.current()
    assert year.is_open and year.closes_on == dt.date(2099, 11, 30)
    assert [e.action for e in events("close_registration") + events("open_registration")] == [
        "close_registration", "open_registration"]
    assert admin.post("/staff/tahun/status", data={"open": "1", "until": "kapan"}).status_code == 422


def test_an_admin_creates_an_account_that_can_log_in(admin, staff_app):
    response = admin.post("/staff/akun", data={"username": "olga", "role": "operator",
                                               "kelurahan": "64.71.01.1001", "password": PASSWORD})
    assert response.status_code == 303
    user = staff("olga")
    assert (user.role, user.kelurahan_id) == ("operator", "64.71.01.1001")
    assert events("account_create")[-1].actor == "staff:ana"
    assert login(staff_app.test_client(), "olga").status_code == 303


@pytest.mark.parametrize("data, message", [
    ({"username": "olga", "role": "operator", "password": PASSWORD}, "terikat pada satu kelurahan"),
    ({"username": "o", "role": "verifier", "password": PASSWORD}, "3-64 karakter"),
    ({"username": "olga", "role": "raja", "password": PASSWORD}, "Pilih peran"),
    ({"username": "olga", "role": "verifier", "password": "pendek"}, "paling sedikit 12"),
    ({"username": "ana", "role": "verifier", "password": PASSWORD}, "sudah dipakai"),
])
def test_a_bad_account_is_refused_with_the_reason_beside_the_field(admin, data, message):
    response = admin.post("/staff/akun", data=data)
    assert response.status_code == 422 and message in text(response)
    assert StaffUser.select().count() == 1 and PASSWORD not in text(response)


def test_an_admin_disables_unlocks_and_resets_an_account(admin, staff_app):
    verifier = logged_in(staff_app, "vera", "verifier")
    user = staff("vera")
    admin.post(f"/staff/akun/{user.id}", data={"role": "verifier", "agency": "DPPP"})
    assert not staff("vera").active and staff("vera").agency == "DPPP"
    assert verifier.get("/staff").status_code == 303  # its session ended
    response = admin.post(f"/staff/akun/{user.id}", data={"role": "verifier", "active": "1", "unlock": "1",
                                                          "password": "sandi-baru-yang-panjang"})
    assert response.status_code == 303
    assert login(staff_app.test_client(), "vera", "sandi-baru-yang-panjang").status_code == 303
    assert [e.after for e in events("account_update")] == ["verifier (nonaktif)", "verifier"]
    assert events("account_update")[1].detail["password_changed"] is True


def test_the_audit_log_lists_actions_newest_first_and_filters(admin):
    reg = registered(1)
    admin.post(f"/staff/r/{reg.id}/setujui")
    page = text(admin.get("/staff/audit"))
    actions = re.findall(r"<td>staff:ana</td><td>(\w+)</td>", page)
    assert actions[:2] == ["approve", "login"]
    assert "pending → approved" in page
    only = text(admin.get("/staff/audit?action=approve"))
    assert "<td>approve</td>" in only and "<td>login</td>" not in only
    by_ref = text(admin.get(f"/staff/audit?ref={reg.ref.lower()}"))
    assert "<td>register</td>" in by_ref and "<td>login</td>" not in by_ref
    assert "<td>login</td>" not in text(admin.get("/staff/audit?actor=someone"))
    assert text(admin.get("/staff/audit?since=2999-01-01")).count("<td>staff:") == 0


@pytest.mark.parametrize("until, shown", [("2000-01-01", 0), ("9999-12-31", 1)])
def test_the_audit_log_filters_until_a_day_even_the_last_possible_one(admin, until, shown):
    response = admin.get(f"/staff/audit?actor=ana&until={until}")
    assert response.status_code == 200 and text(response).count("<td>login</td>") == shown


def test_the_audit_log_pages_back_in_time(admin):
    for i in range(PAGE_SIZE + 5):
        AuditEvent.create(actor="staff:x", action="login")
    page = text(admin.get("/staff/audit?actor=x"))
    assert page.count("<td>staff:x</td>") == PAGE_SIZE
    older = re.search(r'href="([^"]+)" rel="next"', page).group(1).replace("&amp;", "&")
    assert text(admin.get(older)).count("<td>staff:x</td>") == 5


def test_the_audit_log_cannot_be_changed_through_the_pages(staff_app):
    rules = [r for r in staff_app.url_map.iter_rules() if r.rule.startswith("/staff/audit")]
    assert rules and all(r.methods <= {"GET", "HEAD", "OPTIONS"} for r in rules)


def test_an_operator_registers_a_worker_as_an_assisted_registration(staff_app):
    operator = logged_in(staff_app, "olga", "operator", kelurahan="64.71.01.1002")
    assert 'value="64.71.01.1002" selected' in text(operator.get("/staff/daftar"))
    response = operator.post("/staff/daftar", data=form(1))
    assert response.status_code == 303
    reg = Registration.get()
    assert (reg.channel, reg.assisted_by_id, reg.status) == ("assisted", staff("olga").id, "pending")
    assert response.headers["Location"] == f"/staff/r/{reg.id}"
    assert "Terdaftar dengan kode" in text(operator.get(response.headers["Location"]))
    assert events("register")[0].actor == "staff:olga"


def test_the_assisted_form_has_the_public_form_fields_and_its_errors(staff_app):
    operator = logged_in(staff_app, "olga", "operator", kelurahan="64.71.01.1001")
    public = set(re.findall(r'name="(\w+)"', text(staff_app.test_client().get("/daftar"))))
    assisted = set(re.findall(r'name="(\w+)"', text(operator.get("/staff/daftar"))))
    assert public <= assisted
    response = operator.post("/staff/daftar", data=form(1, nik="123"))
    assert response.status_code == 422 and "NIK harus 16 angka" in text(response)
    assert Registration.select().count() == 0


def test_the_simulator_answers_as_the_sms_door_does_and_is_audited(admin):
    response = admin.post("/staff/simulator", data={"phone": "0812 3456 7890", "body": "KUOTA"})
    assert response.status_code == 200
    expected = answer("+6281234567890", "KUOTA")
    assert expected in text(response).replace("&amp;", "&")
    [event] = events("sms_simulator")
    assert event.actor == "staff:ana" and event.detail["phone"] == "0812-••••-7890"
    assert "KUOTA" not in str(event.detail)


def test_the_simulator_registers_through_the_sms_door_once_per_message(admin):
    def send(body, page):
        sid = re.search(r'name="sid" value="(SIM[0-9a-f]{32})"', text(page)).group(1)
        return sid, admin.post("/staff/simulator", data={"phone": "081234567890", "body": body, "sid": sid})

    def last_reply(response):
        return re.findall(r'<li class="out"><span class="vh">Balasan: </span>(.*?)</li>', text(response))[-1]

    _, asked = send("DAFTAR#6471011203850002#Budi Santoso#ojol#Manggar#TIDAK", admin.get("/staff/simulator"))
    assert "Balas YA" in last_reply(asked)
    sid, done = send("YA", asked)
    again = admin.post("/staff/simulator", data={"phone": "081234567890", "body": "YA", "sid": sid})
    assert "Berhasil. Kode:" in last_reply(done) and last_reply(again) == last_reply(done)
    reg = Registration.get(Registration.channel == "sms")
    assert (reg.phone, reg.name, Registration.select().count()) == ("+6281234567890", "Budi Santoso", 1)
    assert SmsInbound.get(SmsInbound.sid == sid).phone == "+6281234567890"


def test_the_simulator_keeps_the_conversation_on_the_page(admin):
    first = admin.post("/staff/simulator", data={"phone": "081234567890", "body": "INFO"})
    said = re.findall(r'name="(said|heard)" value="([^"]*)"', text(first))
    data = {"phone": "081234567890", "body": "KUOTA", "said": [v for k, v in said if k == "said"],
            "heard": [v for k, v in said if k == "heard"]}
    second = admin.post("/staff/simulator", data=data, headers={"HX-Request": "true"})
    page = text(second)
    assert page.startswith('<section id="simulator"') and page.count('<li class="in">') == 2


@pytest.mark.parametrize("data, message", [({"phone": "12", "body": "INFO"}, "nomor HP Indonesia"),
                                           ({"phone": "081234567890", "body": " "}, "isi SMS")])
def test_the_simulator_refuses_a_bad_phone_or_an_empty_text(admin, data, message):
    response = admin.post("/staff/simulator", data=data)
    assert response.status_code == 422 and message in text(response)
    assert SmsInbound.select().count() == 0


def test_the_dashboard_counts_notifications_and_estimates_their_cost(admin, staff_app):
    from models import OutboxMessage
    staff_app.config.update(SMS_SEGMENT_PRICE=0.25, SMS_PRICE_CURRENCY="USD")
    rows = [("pending", None), ("claimed", None), ("queued", 1), ("sent", 2), ("delivered", 1),
            ("delivered", 3), ("undelivered", 1), ("failed", None), ("skipped", None)]
    OutboxMessage.insert_many([{"phone": f"+6281200000{i:03d}", "kind": "approved", "status": status,
                                "segments": segments} for i, (status, segments) in enumerate(rows)]
                              ).execute()
    page = text(admin.get("/staff/dasbor"))
    stats = re.search(r'<ul class="stats" id="sms-stats">(.*?)</ul>', page, re.S).group(1)
    found = dict((label, int(n)) for n, label in re.findall(r"<strong>(\d+)</strong> ([^<(]+)", stats))
    assert found == {"menunggu dikirim": 2, "terkirim ke Twilio": 2, "diterima ponsel": 2, "gagal": 2,
                     "tidak dikirim ": 1}
    assert "Perkiraan biaya: 2.00 USD (8 segmen × 0.25)" in page


def dashboard_tables(client, url="/staff/dasbor"):
    """({caption: table HTML}, registrations in total) of a dashboard page."""
    page = text(client.get(url))
    total = int(re.search(r"<strong>([\d.]+)</strong> pendaftaran</li>", page).group(1).replace(".", ""))
    return dict(re.findall(r"<caption>(.*?)</caption>(.*?)</table>", page, re.S)), total


@pytest.mark.parametrize("url, total, shown, hidden", [
    ("/staff/dasbor", 3, ["Balikpapan Timur</th><td class=\"n\">2<", "Palaran</th><td class=\"n\">1<",
                          "Nelayan</th><td class=\"n\">1<", "Web</th><td class=\"n\">3<"], []),
    ("/staff/dasbor?region=64.72", 1, ["Palaran</th><td class=\"n\">1<", "Nelayan</th><td class=\"n\">1<",
                                      "Web</th><td class=\"n\">1<"], ["Balikpapan Timur", "Pengemudi ojek online"]),
    ("/staff/dasbor?region=64.71", 2, ["Balikpapan Timur</th><td class=\"n\">2<", "Web</th><td class=\"n\">2<"],
     ["Palaran", "Nelayan"]),
])
def test_a_regencys_dashboard_counts_only_its_registrations(admin, url, total, shown, hidden):
    registered(1)
    registered(2, name="Siti Aminah")
    registered(3, name="Rudi Nelayan", occupation="nelayan", kelurahan="64.72.01.1001", decl_dtks=True)
    tables, counted = dashboard_tables(admin, url)
    charts = "".join(tables[c] for c in ("Pendaftaran per kecamatan", "Pendaftaran per pekerjaan",
                                         "Pendaftaran per jalur"))
    assert counted == total
    assert all(part in charts for part in shown), charts
    assert not any(part in charts for part in hidden), charts
    today = clock.today().strftime("%d/%m")  # the program's day (WITA), not the server's
    assert re.search(rf"{today}</th><td class=\"n\">{total}<", tables["Pendaftaran per hari (30 hari terakhir)"])


def test_the_dashboard_keeps_its_counts_a_minute_and_says_when(admin, monkeypatch):
    import staff.dashboard
    registered(1)
    assert dashboard_tables(admin)[1] == 1
    assert "dihitung ulang bila sudah lebih dari satu menit" in text(admin.get("/staff/dasbor"))
    registered(2, name="Siti Aminah")
    assert dashboard_tables(admin)[1] == 1  # counted less than a minute ago
    assert dashboard_tables(admin, "/staff/dasbor?region=64.71")[1] == 2  # each scope counts for itself
    monkeypatch.setattr(staff.dashboard, "FRESH_SECONDS", 0)
    assert dashboard_tables(admin)[1] == 2
