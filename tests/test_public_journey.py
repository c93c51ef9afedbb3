"""Issue 11 through Flask's test client: confirmation URL, cover, help, privacy, status, data."""
import gzip

import pytest

from models import OutboxMessage, Pool, Registration
from tests.conftest import make_app
from tests.factories import form

GZIP = {"Accept-Encoding": "gzip"}


def text_of(response):
    return response.get_data(as_text=True)


def test_the_confirmation_has_its_own_url_pushed_for_htmx(client):
    response = client.post("/daftar", data=form(1), headers={"HX-Request": "true"})
    reg = Registration.get()
    assert response.headers["HX-Push-Url"] == f"/daftar/hasil/{reg.id}"
    page = text_of(client.get(f"/daftar/hasil/{reg.id}"))
    assert f"{reg.ref[:4]}-{reg.ref[4:]}" in page and "Budi Santoso" in page


def test_the_confirmation_says_sms_went_to_the_number_what_happens_next_and_when(client):
    location = client.post("/daftar", data=form(1)).headers["Location"]
    page = text_of(client.get(location))
    assert "Kode ini juga kami kirim lewat SMS ke 0812 **** 0001" in page
    assert "Apa selanjutnya" in page and "Desember" in page and "Perlindungan mulai Januari" in page
    assert 'href="/manfaat"' in page


def test_the_confirmation_is_shown_only_to_the_browser_that_registered(app, client):
    location = client.post("/daftar", data=form(1)).headers["Location"]
    stranger = app.test_client()
    response = stranger.get(location)
    assert response.status_code == 302 and response.headers["Location"].endswith("/daftar")
    reg = Registration.get()
    assert reg.ref[:4] not in text_of(stranger.get(location, follow_redirects=True))


def test_home_states_who_free_what_places_button_income_limit_and_sms_fallback(client):
    page = text_of(client.get("/"))
    for part in ('id="who"', 'id="free"', 'id="what"', 'id="places"', 'id="cta"'):
        assert part in page
    assert "Rp3.701.508" in page and "UMK 2025" in page and 'href="/manfaat"' in page
    assert "Nomor SMS program belum tersedia" in page


def test_income_limit_and_sms_number_are_configured_not_written_in(sqlite_url):
    app = make_app(sqlite_url, INCOME_LIMIT=3_900_000, INCOME_YEAR=2026, TWILIO_FROM="+628111222333")
    page = text_of(app.test_client().get("/"))
    assert "Rp3.900.000" in page and "UMK 2026" in page and "+628111222333" in page
    assert "Rp3.900.000" in text_of(app.test_client().get("/daftar"))


def test_english_pages_say_quota_and_show_english_sms_keywords(client):
    client.set_cookie("lang", "en")
    page = text_of(client.get("/"))
    assert "REGISTER#" in page and "CHECK" in page and "BENEFITS" in page and "DAFTAR#" not in page
    assert "pool" not in page.lower()


def test_benefits_page_gives_figures_with_their_source_and_how_to_claim(client):
    page = text_of(client.get("/manfaat"))
    for part in ("Rp42.000.000", "Rp20.000.000", "Rp12.000.000", "24 bulan", "Rp10.000.000",
                 "2 anak", "3 tahun", "JMO", "175", "KTP", "KPJ", "PP 82/2019", "Permenaker 5/2021"):
        assert part in page, part


def test_help_contact_in_every_public_footer_and_privacy_linked_from_the_form(sqlite_url):
    app = make_app(sqlite_url, HELP={"office": "Disnaker Balikpapan", "phone": "0812-1111-2222",
                                     "hours": "Senin-Jumat"})
    client = app.test_client()
    for path in ("/", "/daftar", "/status", "/manfaat", "/privasi", "/nowhere"):
        page = text_of(client.get(path))
        assert "Disnaker Balikpapan" in page and 'href="tel:081211112222"' in page, path
    assert 'href="/privasi"' in text_of(client.get("/daftar")).split("register-form")[1]
    privacy = text_of(client.get("/privasi"))
    assert "NIK" in privacy and "Siapa yang melihat" in privacy and "Berapa lama" in privacy


def test_the_two_declarations_have_different_messages(client):
    response = client.post("/daftar", data={})
    page = text_of(response)
    assert "belum menjadi peserta BPJS Ketenagakerjaan. Peserta" in page
    assert "penghasilan Anda tidak melebihi batas ini" in page


def test_only_the_nik_is_checked_inline(client):
    page = text_of(client.get("/daftar"))
    assert page.count("/daftar/periksa") == 1 and "field=nik" in page


def look_up(client, reg, by_code=True):
    data = {"nik": reg.nik}
    data.update({"ref": reg.ref} if by_code else {"birth_date": "1985-03-12"})
    return text_of(client.get(client.post("/status", data=data).headers["Location"]))


def test_status_of_a_rejection_gives_the_reason_and_what_to_do(client):
    client.post("/daftar", data=form(1))
    Registration.update(status="rejected", reject_reason="income").execute()
    page = look_up(client, Registration.get())
    assert "Penghasilan di atas batas program." in page and "hubungi kantor bantuan" in page
    assert "Kembali ke halaman utama" in page


def test_waiting_list_status_says_the_position_and_what_moves_it(client):
    Pool.update(capacity=0).execute()
    client.post("/daftar", data=form(1))
    page = look_up(client, Registration.get())
    assert "nomor 1 di daftar tunggu" in page and "kuota ditambah" in page


def test_enrolled_status_links_to_the_cover(client):
    client.post("/daftar", data=form(1))
    Registration.update(status="enrolled", kpj="12345678901").execute()
    assert 'href="/manfaat"' in look_up(client, Registration.get()).split("<main")[1].split("<footer")[0]


def test_cancel_comes_after_the_main_action(client):
    client.post("/daftar", data=form(1))
    page = look_up(client, Registration.get())
    assert page.index("Kembali ke halaman utama") < page.index("Batalkan pendaftaran")


def test_after_sending_the_code_the_page_says_so_and_offers_it_no_more(client):
    client.post("/daftar", data=form(1))
    page = look_up(client, Registration.get(), by_code=False)
    assert "Kirim kode lewat SMS" in page
    client.post("/status/kirim-kode")
    client.post("/status/kirim-kode")
    page = text_of(client.get("/status?lihat=1"))
    assert "sudah dikirim lewat SMS" in page and "Kirim kode lewat SMS" not in page
    assert OutboxMessage.select().where(OutboxMessage.kind == "reference").count() == 1


def test_cancel_page_says_it_cannot_be_undone(client):
    client.post("/daftar", data=form(1))
    look_up(client, Registration.get())
    page = text_of(client.get("/status/batal"))
    assert "tidak dapat ditarik kembali" in page and "tidak bisa diulang" not in page


@pytest.mark.parametrize("path, status", [("/nowhere", 404), ("/daftar", 422)])
def test_error_pages_are_compressed_too(client, path, status):
    response = client.post(path, data={}, headers=GZIP) if status == 422 else client.get(path, headers=GZIP)
    assert response.status_code == status and response.headers["Content-Encoding"] == "gzip"
    assert b"<html" in gzip.decompress(response.data)


def test_favicon_is_an_empty_cached_answer(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 204 and response.data == b""
    assert "max-age" in response.headers["Cache-Control"]
