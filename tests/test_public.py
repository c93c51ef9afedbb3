"""The public web door through Flask's test client: pages, results, errors, status, cancel."""
import datetime as dt
import logging
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import OutboxMessage, Pool, ProgramYear, Registration
from tests.conftest import make_app
from tests.factories import form

CONTRACT = ("nik", "name", "birth_date", "phone", "occupation", "kelurahan",
            "decl_not_participant", "decl_income")


def text_of(response):
    return response.get_data(as_text=True)


def summary_links(response):
    return re.findall(r'<li><a href="#(\w+)">', text_of(response))


def test_home_shows_places_left_per_pool_and_how_to_register_by_sms(client):
    Pool.update(held=100).where(Pool.code == "kota-balikpapan").execute()
    page = text_of(client.get("/"))
    assert "Kota Balikpapan" in page and "7.000 dari 7.100" in page and "12.000" in page
    assert "DAFTAR#NIK#NAMA#PEKERJAAN#KELURAHAN" in page


def test_home_says_until_when_registration_is_open_or_that_it_is_closed(client):
    ProgramYear.update(closes_on=dt.date(2099, 11, 30)).execute()
    assert "Pendaftaran dibuka sampai 30 November 2099." in text_of(client.get("/"))
    ProgramYear.update(closes_on=dt.date(2020, 11, 30)).execute()
    assert "Pendaftaran sudah ditutup pada 30 November 2020." in text_of(client.get("/daftar"))
    ProgramYear.update(opens_on=dt.date(2099, 9, 1), closes_on=None).execute()
    assert "Pendaftaran dibuka mulai 1 September 2099." in text_of(client.get("/"))
    ProgramYear.update(is_open=False).execute()
    assert "Pendaftaran sedang ditutup." in text_of(client.get("/"))


def test_registration_form_uses_the_public_field_names(client):
    page = text_of(client.get("/daftar"))
    for name in CONTRACT:
        assert f'name="{name}"' in page
    # Step one names the regency; its kelurahan come with it (tests/test_regions.py).
    assert 'inputmode="numeric"' in page and 'value="64.71"' in page
    assert 'value="64.71.01.1001"' in text_of(client.get("/daftar?kabupaten=64.71"))


def test_registering_redirects_to_a_result_with_the_code(client):
    response = client.post("/daftar", data=form(1))
    reg = Registration.get()
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/daftar/hasil/{reg.id}")
    page = text_of(client.get(response.headers["Location"]))
    assert f"{reg.ref[:4]}-{reg.ref[4:]}" in page
    assert "Anda mendapat tempat" in page and "Petugas memeriksa data Anda" in page
    assert OutboxMessage.get().kind == "registered"


def test_htmx_registration_returns_only_the_result(client):
    response = client.post("/daftar", data=form(1), headers={"HX-Request": "true"})
    page = text_of(response)
    assert response.status_code == 200 and "<html" not in page and 'id="register-result"' in page
    assert "HX-Request" in response.headers["Vary"]


def test_full_pools_put_the_worker_on_the_waiting_list_with_a_number(client):
    Pool.update(capacity=0).execute()
    client.post("/daftar", data=form(1))
    page = text_of(client.get("/daftar/hasil", follow_redirects=True))
    assert "daftar tunggu" in page and "nomor 1" in page


def test_every_bad_field_is_named_in_the_summary_and_beside_the_field(client):
    response = client.post("/daftar", data={"nik": "123", "name": "R2D2", "birth_date": "31/02/1985",
                                            "phone": "555", "occupation": "x", "kelurahan": "64.71"})
    page = text_of(response)
    assert response.status_code == 422
    assert summary_links(response) == ["nik", "name", "birth_date", "phone", "occupation",
                                       "kelurahan", "decl_not_participant", "decl_income"]
    assert page.count("NIK harus 16 angka, tanpa huruf.") == 2
    assert 'value="R2D2"' in page
    assert Registration.select().count() == 0


def test_htmx_errors_come_back_as_the_form_with_status_422(client):
    response = client.post("/daftar", data={"nik": "1"}, headers={"HX-Request": "true"})
    assert response.status_code == 422 and text_of(response).startswith("\n<form") or "<form" in text_of(response)
    assert "<html" not in text_of(response)


def test_same_nik_twice_is_refused_without_revealing_the_first(client):
    client.post("/daftar", data=form(1, name="Siti Aminah", phone="081311112222"))
    response = client.post("/daftar", data=form(1, name="Orang Lain", phone="081399998888"))
    page = text_of(response)
    assert response.status_code == 422 and "sudah dipakai" in page
    assert "Siti" not in page and "1111" not in page and Registration.select().count() == 1


def test_inline_check_returns_only_the_message_for_one_field(client):
    bad = client.post("/daftar/periksa?field=nik", data={"nik": "12"})
    assert text_of(bad).strip() == '<span class="field-error" id="nik-error">NIK harus 16 angka, tanpa huruf.</span>'
    good = client.post("/daftar/periksa?field=nik", data={"nik": "6471011203850001"})
    assert text_of(good).strip() == '<span class="field-error" id="nik-error"></span>'
    assert client.post("/daftar/periksa?field=evil", data={}).status_code == 204


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dictionaries(st.sampled_from(CONTRACT + ("csrf_token", "other")),
                       st.text(max_size=3000) | st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
                       max_size=9))
def test_no_input_gives_a_server_error(client, data):
    for url in ("/daftar", "/daftar/periksa?field=nik", "/status"):
        assert client.post(url, data=data).status_code < 500


def test_a_very_large_post_is_refused_politely(client):
    response = client.post("/daftar", data={"name": "x" * 2_000_000})
    assert response.status_code == 413 and "terlalu besar" in text_of(response)


def test_status_by_nik_and_code_then_cancel_frees_the_seat(client):
    client.post("/daftar", data=form(1))
    reg = Registration.get()
    response = client.post("/status", data={"nik": reg.nik, "ref": reg.ref[:4] + "-" + reg.ref[4:]})
    assert response.status_code == 303
    page = text_of(client.get(response.headers["Location"]))
    assert "Dapat tempat, menunggu pemeriksaan" in page and "Batalkan pendaftaran" in page
    assert client.post("/status/batal", data={}).status_code == 422
    assert client.post("/status/batal", data={"confirm": "1"}).status_code == 303
    assert Registration.get().status == "cancelled" and Pool.get(Pool.code == "kota-balikpapan").held == 0


def test_status_by_nik_and_birth_date_hides_the_code_and_sends_it_by_sms(client):
    client.post("/daftar", data=form(1))
    reg = Registration.get()
    response = client.post("/status", data={"nik": reg.nik, "birth_date": "1985-03-12"})
    page = text_of(client.get(response.headers["Location"]))
    # The NIK holds the birth date: knowing both is no proof, so no status, code or cancel here.
    assert "Ada pendaftaran dengan NIK ini" in page and "Dapat tempat" not in page
    assert reg.ref[:4] not in page and "Batalkan" not in page
    assert client.get("/status/batal").status_code == 303
    assert client.post("/status/kirim-kode").status_code == 303
    assert "sudah dikirim lewat SMS" in text_of(client.get("/status?lihat=1"))
    sent = OutboxMessage.select().where(OutboxMessage.kind == "reference").get()
    assert sent.phone == reg.phone and sent.params["ref"] == reg.ref


@pytest.mark.parametrize("data", [
    {"nik": "6471011203850001", "ref": "AAAA-AAAA"},      # wrong code
    {"nik": "6471011203859999", "ref": "AAAA-AAAA"},      # unknown NIK
    {"nik": "6471011203850001", "birth_date": "1985-03-13"},
])
def test_a_failed_lookup_never_says_whether_the_nik_exists(client, data):
    client.post("/daftar", data=form(0))
    response = client.post("/status", data=data)
    assert response.status_code == 422 and "Data tidak ditemukan" in text_of(response)


def test_cancel_without_a_lookup_goes_back_to_the_form(client):
    assert client.post("/status/batal", data={"confirm": "1"}).status_code == 303


def test_healthz_reports_the_database(client):
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}


def test_pages_carry_a_strict_content_security_policy(client):
    csp = client.get("/daftar").headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp


def test_forms_need_a_csrf_token(sqlite_url):
    client = make_app(sqlite_url, WTF_CSRF_ENABLED=True).test_client()
    response = client.post("/daftar", data=form(1))
    assert response.status_code == 400 and "kedaluwarsa" in text_of(response)
    page = text_of(client.get("/daftar"))
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/daftar", data={**form(1), "csrf_token": token}).status_code == 303


def test_no_personal_data_in_logs(client, caplog):
    caplog.set_level(logging.DEBUG)
    data = form(7, name="Rahasia Pribadi")
    client.post("/daftar", data=data)
    client.post("/status", data={"nik": data["nik"], "birth_date": data["birth_date"]})
    logged = caplog.text
    assert data["nik"] not in logged and "Rahasia" not in logged and data["phone"][1:] not in logged


def test_english_is_a_second_locale(client):
    client.get("/bahasa/en")
    page = text_of(client.get("/daftar"))
    assert 'lang="en"' in page and "Full name" in page


@pytest.mark.parametrize("referrer", ["http://localhost//evil.example/x", "http://evil.example/x",
                                      "http://localhost/\\evil.example"])
def test_the_language_switch_never_sends_the_worker_to_another_site(client, referrer):
    response = client.get("/bahasa/en", headers={"Referer": referrer})
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("method, path, data", [
    ("POST", "/daftar", {**form(1), "kelurahan": "64.71\x00"}),
    ("POST", "/daftar", {**form(1), "name": ["Budi", "Budi\x00"]}),  # a second value of a field
    ("POST", "/daftar", {**form(1), "\x00": "x"}),  # a field's name
    ("POST", "/status", {"nik": "6471\x00", "ref": "x"}),
    ("GET", "/daftar?kabupaten=64.71%00", None),
    ("GET", "/daftar?kabupaten%00=64.71", None),
    ("GET", "/staff/?q=%00", None),
    ("GET", "/daftar%00", None),
])
def test_a_nul_character_is_refused_politely(client, method, path, data):
    response = client.open(path, method=method, data=data)
    assert response.status_code == 400 and Registration.select().count() == 0
    assert "<html" in response.get_data(as_text=True).lower()


def test_behind_tls_cookies_are_secure_and_browsers_remember_https(sqlite_url):
    client = make_app(sqlite_url, SESSION_COOKIE_SECURE=True).test_client()
    response = client.get("/daftar")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Secure" in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]
