"""Admin pages of the program year: exports, KPJ import, program years and re-verification."""
import csv
import io
import os
import re

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import program_year, quota, refs
from core.reverification import Reverification
from models import AuditEvent, OutboxMessage, Pool, ProgramYear, Registration
from ops.export_columns import COLUMNS, DEFAULTS
from tests.conftest import make_app
from tests.factories import make_nik
from tests.staff_support import (
    CHEAP_HASH,
    PASSWORD,
    logged_in,
    make_staff,
    registered,
    staff_app,  # noqa: F401 (a fixture)
    admin,  # noqa: F401 (a fixture)
    uploads,  # noqa: F401 (a fixture)
    text,
    token_of,
)

GETS = ["/staff/ekspor", "/staff/ekspor/unduh", "/staff/kpj", "/staff/tahun"]
POSTS = ["/staff/kpj", "/staff/kpj/terapkan", "/staff/tahun", "/staff/tahun/status",
         "/staff/tahun/verifikasi-ulang/konfirmasi", "/staff/tahun/verifikasi-ulang/keluarkan"]
HTMX = {"HX-Request": "true"}


def events(action):
    return list(AuditEvent.select().where(AuditEvent.action == action).order_by(AuditEvent.id))


def this_year():
    return ProgramYear.current().year


def enrolled(n):
    """A member enrolled this year (approved, then given a KPJ number through the core)."""
    reg = registered(n, "approved")
    assert quota.record_membership(reg, f"2600000000{n}", "staff:test").ok
    return Registration.get_by_id(reg.id)


def upload(client, body, name="kpj.csv"):
    """Send a file to the dry run."""
    data = body.encode() if isinstance(body, str) else body
    return client.post("/staff/kpj", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def masked(nik):
    """A NIK as lists show it."""
    return f"{nik[:4]} •••• •••• {nik[-4:]}"


def token_in(response):
    return re.search(r'name="token" value="([0-9a-f]{32})"', text(response)).group(1)


# --- who may use the pages -------------------------------------------------------------------

@pytest.mark.parametrize("role, place", [("operator", {"kelurahan": "64.71.01.1001"}), ("verifier", {})])
def test_only_admins_reach_the_operations_pages(staff_app, role, place):
    client = logged_in(staff_app, "budi", role, **place)
    for url in GETS:
        assert client.get(url).status_code == 403, url
    for url in POSTS:
        assert client.post(url, data={"id": "1", "open": "0", "year": "2099"}).status_code == 403, url
    anonymous = staff_app.test_client()
    for url in GETS:
        assert anonymous.get(url).headers["Location"].startswith("/staff/masuk"), url
    assert not events("export") and ProgramYear.select().count() == 1


def test_admins_see_the_new_pages_in_the_menu_and_no_inline_script_or_style(admin):
    nav = text(admin.get("/staff/kuota"))
    for url in ("/staff/tahun", "/staff/ekspor", "/staff/kpj"):
        assert f'href="{url}"' in nav
        page = text(admin.get(url))
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son\w+=", page), url


# --- exports ---------------------------------------------------------------------------------

def test_the_exports_page_counts_the_rows_and_sums_up_the_decree_list(admin):
    registered(1, "approved"), registered(2, "approved"), registered(3)
    page = text(admin.get("/staff/ekspor"))
    assert "<strong>2</strong> baris akan diekspor" in page
    assert re.search(r"<td>Balikpapan Timur</td><td>Manggar</td><td class=\"n\">2</td>", page)
    assert page.count('name="columns"') == len(COLUMNS)


def test_the_bpjs_csv_holds_the_approved_rows_in_the_bpjs_columns(admin):
    approved = [registered(1, "approved"), registered(2, "approved", name="Siti Aminah")]
    registered(3)
    response = admin.get("/staff/ekspor/unduh?kind=bpjs&format=csv-plain")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == f'attachment; filename="jaring-bpjs-{this_year()}.plain.csv"'
    header, *rows = list(csv.reader(io.StringIO(text(response))))
    assert header == [COLUMNS[k].header for k in DEFAULTS["bpjs"]]
    assert [(r[0], r[1], r[4]) for r in rows] == [(reg.nik, reg.name, "0" + reg.phone[3:]) for reg in approved]
    assert rows[0][2:4] == ["12-03-1985", "L"] and rows[0][5:7] == ["Manggar", "Balikpapan Timur"]


def test_chosen_columns_come_in_the_order_chosen(admin):
    reg = registered(1, "approved")
    response = admin.get("/staff/ekspor/unduh", query_string=[("format", "csv-plain"), ("columns", "ref"),
                                                             ("columns", "nik_tersamar,nama")])
    assert list(csv.reader(io.StringIO(text(response)))) == [
        ["KODE PENDAFTARAN", "NIK", "NAMA LENGKAP"], [reg.ref, masked(reg.nik), reg.name]]


def test_the_decree_xlsx_opens_with_its_summary_and_its_list(admin):
    registered(1, "approved"), enrolled(2), registered(3)
    response = admin.get("/staff/ekspor/unduh?kind=decree&format=xlsx")
    assert response.status_code == 200 and response.headers["Content-Disposition"].endswith('.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(response.get_data()), read_only=True)
    assert book.sheetnames == ["Rekap", "Daftar"]
    assert list(book["Rekap"].values) == [("KECAMATAN", "KELURAHAN", "JUMLAH"),
                                          ("Balikpapan Timur", "Manggar", 2)]
    header, group, *rows = list(book["Daftar"].values)
    assert list(header) == [COLUMNS[k].header for k in DEFAULTS["decree"]]
    assert group[0] == "BALIKPAPAN TIMUR / MANGGAR"
    assert [(r[0], r[5]) for r in rows] == [(1, make_nik(1)), (2, make_nik(2))]
    book.close()


def test_every_download_is_audited_without_personal_data(admin):
    registered(1, "approved")
    admin.get("/staff/ekspor/unduh?kind=bpjs&format=xlsx").get_data()
    [event] = events("export")
    assert event.actor == "staff:ana"
    assert (event.detail["kind"], event.detail["format"], event.detail["rows"]) == ("bpjs", "xlsx", 1)
    assert make_nik(1) not in str(event.detail)


@pytest.mark.parametrize("query, message", [
    ("columns=nik&columns=gaji", "Kolom tidak dikenal: gaji"), ("kind=semua", "Pilih daftar untuk BPJS"),
    ("format=pdf", "Pilih CSV untuk Excel, CSV polos atau XLSX"), ("year=1999", "Tahun program ini tidak ada"),
    ("year=x", "Tahun program ini tidak ada")])
def test_a_bad_export_choice_is_a_clear_message_not_a_file(admin, query, message):
    response = admin.get(f"/staff/ekspor/unduh?{query}")
    assert response.status_code == 422 and message in text(response)
    assert not events("export")


# --- KPJ import ------------------------------------------------------------------------------

def mixed_file():
    """Two matches, an unknown NIK, a malformed row, a pending registration."""
    return "\n".join(["NIK,No KPJ", f"{make_nik(1)},26000000001", f"{make_nik(2)},26000000002",
                      f"{make_nik(77)},26000000077", "12345,26000000009", f"{make_nik(3)},26000000003"]) + "\n"


def test_the_dry_run_reports_each_row_and_changes_nothing(admin, uploads):
    one, two, three = registered(1, "approved"), registered(2, "approved"), registered(3)
    outbox = OutboxMessage.select().count()
    response = upload(admin, mixed_file())
    page = text(response)
    assert response.status_code == 200 and "belum ada yang diubah" in page
    rows = re.findall(r'<tr class="result-(\w+)">\s*<td class="n">(\d+)</td><td>[^<]*</td>\s*'
                      r'<td>([^<]*)</td><td>([^<]*)</td>', page)
    assert rows == [("matched", "2", refs.format_ref(one.ref), masked(one.nik)),
                    ("matched", "3", refs.format_ref(two.ref), masked(two.nik)),
                    ("unknown_nik", "4", "–", masked(make_nik(77))), ("malformed", "5", "–", "–"),
                    ("not_approved", "6", refs.format_ref(three.ref), masked(three.nik))]
    assert make_nik(1) not in page and "NIK harus 16 angka" in page
    assert '<strong>2</strong> Cocok' in page and '<strong>1</strong> NIK tidak dikenal' in page
    [stored] = list(uploads.iterdir())
    assert stored.name == f"{token_in(response)}.kpj" and stored.stat().st_mode & 0o777 == 0o600
    assert {r.status for r in Registration.select()} == {"approved", "pending"}
    assert OutboxMessage.select().count() == outbox


def test_apply_enrols_the_matches_and_tells_them_by_sms(admin, uploads):
    one, two = registered(1, "approved"), registered(2, "approved")
    token = token_in(upload(admin, mixed_file()))
    response = admin.post("/staff/kpj/terapkan", data={"token": token})
    assert response.status_code == 200 and "Hasil penerapan" in text(response)
    assert "<strong>2</strong> pendaftaran kini terdaftar" in text(response)
    for reg, kpj in ((one, "26000000001"), (two, "26000000002")):
        reg = Registration.get_by_id(reg.id)
        assert (reg.status, reg.kpj) == ("enrolled", kpj)
        assert OutboxMessage.get((OutboxMessage.registration == reg) & (OutboxMessage.kind == "enrolled"))
        enrol = AuditEvent.get((AuditEvent.registration == reg) & (AuditEvent.action == "enroll"))
        assert enrol.actor == "staff:ana"
    assert list(uploads.iterdir()) == []
    again = admin.post("/staff/kpj/terapkan", data={"token": token})
    assert again.status_code == 422 and "sudah diterapkan atau sudah kedaluwarsa" in text(again)


def test_applying_the_same_file_again_changes_nothing(admin):
    registered(1, "approved"), registered(2, "approved")
    first, second = token_in(upload(admin, mixed_file())), token_in(upload(admin, mixed_file()))
    admin.post("/staff/kpj/terapkan", data={"token": first})
    outbox, audits = OutboxMessage.select().count(), AuditEvent.select().count()
    response = admin.post("/staff/kpj/terapkan", data={"token": second})
    assert "<strong>0</strong> pendaftaran kini terdaftar" in text(response)
    assert "<strong>2</strong> Sudah terdaftar" in text(response)
    assert OutboxMessage.select().count() == outbox and AuditEvent.select().count() == audits
    recheck = text(upload(admin, mixed_file()))
    assert "Tidak ada baris yang dapat diterapkan" in recheck and 'name="token"' not in recheck


def test_an_xlsx_file_is_read_like_a_csv(admin):
    reg = registered(1, "approved")
    book = openpyxl.Workbook()
    book.active.append(["No", "NIK Peserta", "Nomor KPJ"])
    book.active.append([1, int(reg.nik), 26000000001])  # Excel keeps a NIK as a number
    data = io.BytesIO()
    book.save(data)
    response = upload(admin, data.getvalue(), "kpj.xlsx")
    assert '<strong>1</strong> Cocok' in text(response) and refs.format_ref(reg.ref) in text(response)


@pytest.mark.parametrize("body, status, message", [
    (b"\xff\xfe\x00garbage\x00", 422, "Berkas tidak dapat dibaca"),
    (b"nama,alamat\nBudi,Jl. Mawar\n", 422, "kolom NIK dan KPJ"),
    (b"PK\x03\x04not really a zip", 422, "Berkas tidak dapat dibaca"),
])
def test_a_file_that_cannot_be_used_gets_a_clear_message(admin, uploads, body, status, message):
    response = upload(admin, body)
    assert response.status_code == status and message in text(response)
    assert not uploads.exists() or list(uploads.iterdir()) == []


def test_the_upload_form_needs_a_file(admin):
    response = admin.post("/staff/kpj", data={}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Pilih berkas CSV atau XLSX" in text(response)
    assert "paling banyak 32 MB, sekitar 959.000 baris" in text(admin.get("/staff/kpj"))


@pytest.mark.parametrize("token", ["../jaring.sqlite3", "../../etc/passwd", "%s/../%s", "/etc/passwd",
                                   "A" * 32, "0" * 31 + "/", "0" * 32 + "\n", "", "%s.kpj"])
def test_a_token_that_is_not_a_stored_upload_is_refused(admin, uploads, tmp_path, token):
    registered(1, "approved")
    real = token_in(upload(admin, mixed_file()))
    (tmp_path / "outside.kpj").write_text(mixed_file())
    response = admin.post("/staff/kpj/terapkan", data={"token": token.replace("%s", real)})
    assert response.status_code == 422 and "Unggah lagi" in text(response)
    assert Registration.get(Registration.nik == make_nik(1)).status == "approved"
    assert (uploads / f"{real}.kpj").exists() and (tmp_path / "outside.kpj").exists()


def test_uploads_older_than_a_few_hours_are_swept(admin, uploads):
    registered(1, "approved")
    stale = uploads / f"{token_in(upload(admin, mixed_file()))}.kpj"
    hours_ago = stale.stat().st_mtime - 4 * 3600
    os.utime(stale, (hours_ago, hours_ago))
    fresh = token_in(upload(admin, mixed_file()))
    assert [p.name for p in uploads.iterdir()] == [f"{fresh}.kpj"]


# --- program years and re-verification -------------------------------------------------------

def test_an_admin_opens_a_new_year_and_last_years_members_wait_for_re_verification(admin):
    old = this_year()
    member = enrolled(1)
    response = admin.post("/staff/tahun", data={"year": str(old + 1), "closes_on": f"{old + 1}-11-30",
                                                "confirm": "1"})
    assert response.status_code == 303 and response.headers["Location"] == "/staff/tahun"
    year = ProgramYear.current()
    assert (year.year, year.closes_on.isoformat()) == (old + 1, f"{old + 1}-11-30")
    assert Pool.of_year(year).count() == 2
    assert not ProgramYear.get_by_id(old).is_open
    assert events("open_year")[-1].actor == "staff:ana"
    page = text(admin.get("/staff/tahun"))
    assert f"Tahun program {old + 1} dibuka: 2 kuota, 1 anggota perlu verifikasi ulang." in page
    assert member.name in page and masked(member.nik) in page and member.nik not in page


@pytest.mark.parametrize("data, field, message", [
    ({"year": "{old}"}, "year", "Tahun program ini sudah ada"),
    ({"year": "26"}, "year", "4 angka"),
    ({"year": "{new}", "copy_from": "1999"}, "copy_from", "Tahun program ini tidak ada"),
    ({"year": "{new}", "opens_on": "2030-09-01", "closes_on": "2030-08-31"}, "closes_on",
     "tidak boleh sebelum"),
    ({"year": "{new}", "opens_on": "1 September"}, "opens_on", "Tulis tanggal seperti"),
    ({"year": "{new}", "confirm": ""}, "confirm", "Centang untuk memastikan"),
])
def test_opening_a_year_is_refused_with_a_reason_beside_the_field(admin, data, field, message):
    old = this_year()
    data = {"confirm": "1", **{k: v.format(old=old, new=old + 1) for k, v in data.items()}}
    response = admin.post("/staff/tahun", data=data)
    page = text(response)
    assert response.status_code == 422 and f'<a href="#{field}">' in page and message in page
    assert f'value="{data["year"]}"' in page
    assert ProgramYear.select().count() == 1 and this_year() == old


def test_an_admin_closes_registration_after_a_date_then_now_and_reopens_it(admin):
    assert admin.post("/staff/tahun/status", data={"open": "0", "on": "2099-11-30"}).status_code == 303
    year = ProgramYear.current()
    assert year.is_open and year.closes_on.isoformat() == "2099-11-30"
    assert "ditutup setelah 30/11/2099" in text(admin.get("/staff/tahun"))
    admin.post("/staff/tahun/status", data={"open": "0"})
    assert not ProgramYear.current().is_open
    admin.post("/staff/tahun/status", data={"open": "1"})
    year = ProgramYear.current()
    assert year.is_open and year.closes_on is None
    assert [e.after for e in events("close_registration")] == ["2099-11-30", "now"]
    for data in ({"open": "0", "on": "besok"}, {"open": "1", "until": "2099-02-30"}, {"open": "ya"}):
        assert admin.post("/staff/tahun/status", data=data).status_code == 422


def new_year_with_members(*numbers):
    """Members enrolled this year, then a new year: they are on its re-verification list."""
    members = [enrolled(n) for n in numbers]
    assert program_year.open_year(this_year() + 1, "staff:test").ok
    return members, list(Reverification.of_year(this_year()))


def test_confirming_a_member_inline_gives_a_new_approved_registration(admin):
    [member], [entry] = new_year_with_members(1)
    response = admin.post("/staff/tahun/verifikasi-ulang/konfirmasi", data={"id": entry.id}, headers=HTMX)
    page = text(response)
    assert response.status_code == 200 and page.startswith(f'<li id="v-{entry.id}"') and "Dikonfirmasi" in page
    new = Registration.get((Registration.year == this_year()) & (Registration.nik == member.nik))
    assert (new.status, new.channel) == ("approved", "reverify") and refs.format_ref(new.ref) in page
    assert Reverification.get_by_id(entry.id).status == "confirmed"
    assert events("reverify")[-1].actor == "staff:ana"
    again = admin.post("/staff/tahun/verifikasi-ulang/konfirmasi", data={"id": entry.id}, headers=HTMX)
    assert again.status_code == 422 and "tidak lagi menunggu verifikasi ulang" in text(again)
    queue = text(admin.get("/staff?status=approved&channel=reverify"))
    assert new.name in queue and "Verifikasi ulang" in queue


def test_confirming_without_javascript_goes_back_to_the_list(admin):
    _, [entry] = new_year_with_members(1)
    response = admin.post("/staff/tahun/verifikasi-ulang/konfirmasi",
                          data={"id": entry.id, "next": "/staff/tahun?status=open"})
    assert response.status_code == 303 and response.headers["Location"] == "/staff/tahun?status=open"
    assert "Dikonfirmasi. Kode pendaftaran baru" in text(admin.get(response.headers["Location"]))


def test_confirming_without_a_free_seat_says_so_and_changes_nothing(admin):
    _, [entry] = new_year_with_members(1)
    Pool.update(capacity=0).where(Pool.year == this_year()).execute()
    response = admin.post("/staff/tahun/verifikasi-ulang/konfirmasi", data={"id": entry.id}, headers=HTMX)
    assert response.status_code == 422 and "Tidak ada kursi kosong" in text(response)
    assert Reverification.get_by_id(entry.id).status == "open"


def test_dropping_a_member_needs_a_reason_and_keeps_it(admin):
    _, [entry, other] = new_year_with_members(1, 2)
    refused = admin.post("/staff/tahun/verifikasi-ulang/keluarkan", data={"id": entry.id}, headers=HTMX)
    assert refused.status_code == 422 and "Pilih alasan" in text(refused)
    response = admin.post("/staff/tahun/verifikasi-ulang/keluarkan", data={"id": entry.id, "reason": "moved"})
    assert response.status_code == 303 and response.headers["Location"] == "/staff/tahun"
    dropped = Reverification.get_by_id(entry.id)
    assert (dropped.status, dropped.reason) == ("dropped", "moved")
    assert events("reverify_drop")[-1].detail["reason"] == "moved"
    page = text(admin.get("/staff/tahun?status=dropped"))
    assert f'id="v-{entry.id}"' in page and f'id="v-{other.id}"' not in page and "Pindah domisili" in page


@pytest.mark.parametrize("rev_id", ["", "abc", "99999", "99999999999999999999", "-1", "١"])
def test_an_unknown_entry_is_not_found(admin, rev_id):
    new_year_with_members(1)
    for url in POSTS[-2:]:
        assert admin.post(url, data={"id": rev_id, "reason": "moved"}).status_code == 404


@pytest.mark.parametrize("query", ["status=nope&after=x", "after=99999999999999999999", "status=all&after=-5"])
def test_an_odd_list_query_shows_a_list(admin, query):
    assert admin.get(f"/staff/tahun?{query}").status_code == 200


FIELDS = ["kind", "format", "columns", "year", "file", "token", "copy_from", "opens_on", "closes_on", "confirm",
          "open", "on", "until", "id", "reason", "next", "status", "after"]
ODD = st.text(max_size=300) | st.sampled_from(["", "0", "1", "-1", "9" * 30, "\x00", "../x", "2025-02-30",
                                              "bpjs", "decree", "xlsx", "nik,gaji", "20261", "2099"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(url=st.sampled_from(GETS + POSTS), post=st.booleans(), htmx=st.booleans(),
       data=st.dictionaries(st.sampled_from(FIELDS), ODD, max_size=8))
def test_no_input_to_the_new_pages_gives_a_server_error(admin, url, post, htmx, data):
    headers = HTMX if htmx else {}
    response = admin.post(url, data=data, headers=headers) if post else admin.get(url, query_string=data,
                                                                                   headers=headers)
    assert response.status_code < 500


# --- CSRF ------------------------------------------------------------------------------------

def test_the_new_forms_need_their_csrf_token(sqlite_url, tmp_path):
    app = make_app(sqlite_url, WTF_CSRF_ENABLED=True, STAFF_ARGON2=CHEAP_HASH,
                   KPJ_UPLOAD_DIR=str(tmp_path / "up"))
    make_staff(app, "admin", "admin")
    client = app.test_client()
    login = {"username": "admin", "password": PASSWORD, "csrf_token": token_of(client.get("/staff/masuk"))}
    assert client.post("/staff/masuk", data=login).status_code == 303
    for url in POSTS:
        data = {"year": "2099", "confirm": "1", "open": "0", "id": "1"}
        assert client.post(url, data=data).status_code == 400, url
    assert ProgramYear.select().count() == 1 and ProgramYear.current().is_open
    token = token_of(client.get("/staff/kpj"))
    checked = client.post("/staff/kpj", content_type="multipart/form-data",
                          data={"csrf_token": token, "file": (io.BytesIO(mixed_file().encode()), "k.csv")})
    assert checked.status_code == 200
    too_big = client.post("/staff/kpj", content_type="multipart/form-data",  # CSRF reads the body first
                          data={"csrf_token": token, "file": (io.BytesIO(b"1" * (33 * 2**20)), "k.csv")})
    assert too_big.status_code == 413 and "Berkas terlalu besar" in text(too_big)
    opened = client.post("/staff/tahun", data={"csrf_token": token_of(client.get("/staff/tahun")),
                                               "year": str(this_year() + 1), "confirm": "1"})
    assert opened.status_code == 303 and ProgramYear.select().count() == 2
