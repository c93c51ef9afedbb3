"""What people really type, through the door where they type it (issue 10, kinds 1, 2, 3 and 8):
keywords with punctuation, phone-keyboard characters, phone numbers as people write them, dates
as the KTP prints them."""
import datetime as dt
import io
import re

import pytest

from config import DEFAULT_RULES
from core import quota
from core.dates import DateError, parse_date
from core.identity import check_phone
from models import Registration, SmsSession
from ops import kpj_import
from tests.factories import applicant, form, make_nik
from tests.staff_support import logged_in, registered, staff_app, text  # noqa: F401
from tests.test_sms_support import PHONE, db_context, handset, sms_app  # noqa: F401

BORN = dt.date(1985, 3, 12)
TODAY = dt.date(2025, 11, 25)


def page(response):
    return response.get_data(as_text=True)


# --- 1. SMS keywords followed (or surrounded) by punctuation: the parser, sms/commands.py ---

@pytest.mark.parametrize("body", ["KUOTA.", "kuota?", "Kuota!", "KUOTA!!", "sisa?", "(KUOTA)",
                                  "\"kuota\"", "KUOTA :", "Kuota..."])
def test_quota_keyword_with_punctuation_is_understood(handset, body):
    assert "Sisa tempat" in handset.send(body)


@pytest.mark.parametrize("body", ["Cek?", "CEK.", "cek!", "Cek :)", "STATUS?", "cek,"])
def test_check_keyword_with_punctuation_is_understood(handset, body):
    assert "Belum ada pendaftaran dari nomor HP ini" in handset.send(body)


@pytest.mark.parametrize("body", ["DAFTAR: {nik}", "Daftar. {nik}", "daftar - {nik}", "DAFTAR:{nik}",
                                  "Daftar; {nik}", "DAFTAR! {nik}"])
def test_register_keyword_with_punctuation_keeps_the_nik(handset, db_context, body):
    assert "nama lengkap" in handset.send(body.format(nik=make_nik(1)))
    assert SmsSession.get().data["nik"] == make_nik(1)


@pytest.mark.parametrize("body", ["CEK: {ref}", "Cek {ref}.", "CEK {ref}?", "cek - {ref}!"])
def test_check_with_a_code_and_punctuation_finds_it(handset, db_context, body):
    handset.send(f"DAFTAR#{make_nik(1)}#Budi Santoso#1#Manggar#TIDAK")
    handset.send("YA")
    reg = Registration.get()
    assert "Budi Santoso: dapat tempat" in handset.send(body.format(ref=reg.ref))


# --- 2. Typographic characters from phone keyboards: one fold, core/text.py ---

TYPOGRAPHIC_NAMES = [
    ("Ma\u2019ruf Amin", "Ma'ruf Amin"),        # iPhone right single quote
    ("Ma\u2018ruf Amin", "Ma'ruf Amin"),        # left single quote
    ("Ma\u02bcruf Amin", "Ma'ruf Amin"),        # modifier letter apostrophe
    ("Ma\u00b4ruf Amin", "Ma'ruf Amin"),        # acute accent
    ("Ma`ruf Amin", "Ma'ruf Amin"),             # grave accent
    ("Siti Nur\u2013Aini", "Siti Nur-Aini"),    # en dash
    ("Siti Nur\u2014Aini", "Siti Nur-Aini"),    # em dash
    ("Siti Nur\u2011Aini", "Siti Nur-Aini"),    # non-breaking hyphen
    ("Budi\u00a0Santoso", "Budi Santoso"),      # non-breaking space
    ("Budi\u202fSantoso", "Budi Santoso"),      # narrow non-breaking space
    ("Budi\u2009Santoso", "Budi Santoso"),      # thin space
    ("Budi\u200bSantoso ", "BudiSantoso"),      # zero-width space dropped
    ("\uff22udi Santoso", "Budi Santoso"),      # full-width letter
]


@pytest.mark.parametrize("typed,stored", TYPOGRAPHIC_NAMES)
def test_web_form_accepts_phone_keyboard_names(client, typed, stored):
    response = client.post("/daftar", data=form(1, name=typed))
    assert response.status_code == 303, page(response)
    assert Registration.get().name == stored


@pytest.mark.parametrize("typed,stored", TYPOGRAPHIC_NAMES[:9])
def test_sms_accepts_phone_keyboard_names(handset, db_context, typed, stored):
    handset.send(f"DAFTAR#{make_nik(1)}#{typed}#1#Manggar#TIDAK")
    assert "Berhasil" in handset.send("YA")
    assert Registration.get().name == stored


def test_sms_says_the_real_name_rule(handset):
    reply = handset.send(f"DAFTAR#{make_nik(1)}#R2D2#1#Manggar")
    assert "huruf, spasi, titik, koma, tanda petik (') dan tanda hubung (-)" in reply


@pytest.mark.parametrize("typed", ["\u2019{nik}", "{nik}", "{a}\u2013{b}", "{a}\u00a0{b}", "{a}\u202f{b}",
                                   "{a}\u2011{b}"])
def test_web_form_accepts_niks_and_phones_with_phone_keyboard_spaces_and_dashes(client, typed):
    nik = make_nik(1)
    nik_typed = typed.format(nik=nik, a=nik[:8], b=nik[8:]).lstrip("\u2019")
    phone_typed = typed.format(nik="081200000001", a="0812", b="00000001").lstrip("\u2019")
    response = client.post("/daftar", data=form(1, nik=nik_typed, phone=phone_typed))
    assert response.status_code == 303, page(response)
    assert (Registration.get().nik, Registration.get().phone) == (nik, "+6281200000001")


def full_width(text):
    """Text as a full-width (CJK) keyboard types it."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@pytest.mark.parametrize("typed", ["{a}\u2013{b}", "{a}\u2011{b}", "{a}\u00a0{b}", "{a} {b}", "{full}",
                                   "\u200b{a}{b}"])
def test_status_and_sms_read_a_code_typed_on_a_phone_keyboard(client, sms_app, typed):
    client.post("/daftar", data=form(1))
    ref = Registration.get().ref
    code = typed.format(a=ref[:4], b=ref[4:], full=full_width(ref))
    response = client.post("/status", data={"nik": make_nik(1), "ref": code})
    assert response.status_code == 303, page(response)
    from tests.test_sms_support import Handset
    reply = Handset(sms_app.test_client()).send(f"CEK {code} {make_nik(1)}")
    assert "Budi Santoso: dapat tempat" in reply, reply


@pytest.mark.parametrize("query", ["Ma\u2019ruf", "MA\u2018RUF A", "ma\u02bcruf\u00a0amin", "Ma'ruf"])
def test_staff_search_folds_phone_keyboard_characters(staff_app, query):
    verifier = logged_in(staff_app, "vera", "verifier")
    with staff_app.app_context():
        target = registered(1, name="Ma'ruf Amin")
        registered(2, name="Marni Amin")
    assert f'id="r-{target.id}"' in text(verifier.get("/staff", query_string={"q": query}))
    assert len(re.findall(r'<li id="r-', text(verifier.get("/staff", query_string={"q": query})))) == 1


@pytest.mark.parametrize("nik_cell,kpj_cell", [
    ("{a}\u2013{b}", "2600\u20110000001"), ("{a}\u00a0{b}", "26000000001\u200b"),
    ("\ufeff{nik}", "2600 0000 001"), ("{a}\u202f{b}", "\uff12\uff16000000001"),
])
def test_kpj_import_reads_niks_and_numbers_with_typographic_characters(app, nik_cell, kpj_cell):
    with app.app_context():
        reg = registered(1, status="approved")
        nik = reg.nik
        cell = nik_cell.format(nik=nik, a=nik[:8], b=nik[8:])
        content = io.BytesIO(f"NIK,KPJ\n{cell},{kpj_cell}\n".encode("utf-8"))
        report = kpj_import.import_kpj(content)
    assert [r.result for r in report.rows] == ["matched"]


# --- 3. Indonesian mobile numbers in every common form; landlines refused: core/identity.py ---

MOBILES = ["62811812345", "0811812345", "+62811812345", "0811-812-345", "0811 812 345",
           "0811.812.345", "+62 811 812 345", "+62-811-812-345", "62-811-812-345", "62 811 812 345",
           "(0811) 812345", "(0811) 812-345", "+62 (0) 811 812 345", "+62 0811 812 345",
           "620811812345", "0062811812345", "811812345", "\uff10\uff18\uff11\uff11812345",
           "0811\u2013812\u2013345", "0811\u00a0812\u00a0345"]
LANDLINES = ["0542 123456", "(0542) 765432", "+62 542 765432", "62542765432", "021-5551234",
             "+62 21 5551234"]


@pytest.mark.parametrize("typed", MOBILES)
def test_every_common_way_of_writing_a_mobile_registers_on_the_web(client, typed):
    response = client.post("/daftar", data=form(1, phone=typed))
    assert response.status_code == 303, page(response)
    assert Registration.get().phone == "+62811812345"


@pytest.mark.parametrize("typed", LANDLINES)
def test_a_landline_is_refused_saying_sms_cannot_reach_it(client, typed):
    response = client.post("/daftar", data=form(1, phone=typed))
    assert response.status_code == 422
    assert "SMS tidak sampai ke nomor ini" in page(response)
    assert Registration.select().count() == 0


@pytest.mark.parametrize("typed,key", [
    ("", "phone_required"), ("555", "phone_invalid"), ("+60 12 345 6789", "phone_invalid"),
    ("+1 415 555 0100", "phone_invalid"), ("0812 abc 345", "phone_invalid"),
    ("08123456789012345", "phone_invalid"), ("0542 123456", "phone_landline"),
])
def test_core_says_why_a_number_is_refused(typed, key):
    assert check_phone(typed) == (None, key)


def test_a_landline_by_sms_hears_why(sms_app):
    from tests.test_sms_support import Handset
    phone = Handset(sms_app.test_client(), "+62542765432")
    assert "SMS tidak sampai" in phone.send(f"DAFTAR#{make_nik(1)}#Budi Santoso#1#Manggar")


@pytest.mark.parametrize("query", ["62811812345", "0811-812-345", "+62 811 812 345", "(0811) 812345"])
def test_staff_search_finds_a_phone_written_any_way(staff_app, query):
    verifier = logged_in(staff_app, "vera", "verifier")
    with staff_app.app_context():
        target = registered(1, phone="0811812345")
        registered(2)
    assert re.findall(r'<li id="r-(\d+)"', text(verifier.get("/staff", query_string={"q": query}))) == [
        str(target.id)]


# --- 8. Dates as the KTP prints them: core/dates.py ---

BIRTH_DATES = ["12-03-1985", "12/03/1985", "12.03.1985", "12 03 1985", "1985-03-12", "12-3-1985",
               "12 Maret 1985", "12 maret 1985", "12 Mar 1985", "12-Mar-1985", "12 March 1985",
               "March 12, 1985", "12 MARET 1985", "12031985", "12-03-85", "12 / 03 / 1985",
               "12\u201303\u20131985", "12\u00a0Maret\u00a01985", "1985/03/12", "19850312"]


@pytest.mark.parametrize("typed", BIRTH_DATES)
def test_dates_as_people_write_them_are_read(typed):
    assert parse_date(typed, TODAY) == BORN


@pytest.mark.parametrize("typed,month", [
    ("1 Januari 1980", 1), ("1 Feb 1980", 2), ("1 Pebruari 1980", 2), ("1 April 1980", 4),
    ("1 Mei 1980", 5), ("1 May 1980", 5), ("1 Juni 1980", 6), ("1 Juli 1980", 7),
    ("1 Agustus 1980", 8), ("1 Agt 1980", 8), ("1 Aug 1980", 8), ("1 Sept 1980", 9),
    ("1 Oktober 1980", 10), ("1 Okt 1980", 10), ("1 Oct 1980", 10), ("1 Nopember 1980", 11),
    ("1 Desember 1980", 12), ("1 Des 1980", 12), ("1 Dec 1980", 12),
])
def test_indonesian_and_english_month_names(typed, month):
    assert parse_date(typed, TODAY) == dt.date(1980, month, 1)


@pytest.mark.parametrize("typed,code", [
    ("", "date_required"), ("kemarin", "date_format"), ("12 Maretz 1985", "date_format"),
    ("1985", "date_format"), ("12-03", "date_format"), ("31-02-1985", "date_impossible"),
    ("00-03-1985", "date_impossible"), ("12-13-1985", "date_order"), ("03/25/1985", "date_order"),
    ("32 Maret 1985", "date_impossible"), ("12-03-1885", "date_impossible"),
    ("99999999", "date_impossible"),
])
def test_unreadable_or_impossible_dates_say_why(typed, code):
    with pytest.raises(DateError) as refused:
        parse_date(typed, TODAY)
    assert refused.value.code == code


@pytest.mark.parametrize("typed", BIRTH_DATES)
def test_web_form_registers_with_a_date_as_the_ktp_prints_it(client, typed):
    response = client.post("/daftar", data=form(1, birth_date=typed))
    assert response.status_code == 303, page(response)
    assert Registration.get().birth_date == BORN


@pytest.mark.parametrize("typed,message", [
    ("31-02-1985", "tidak ada di kalender"), ("03/25/1985", "Tulis tanggal dulu, lalu bulan"),
    ("kemarin", "tanggal-bulan-tahun, misalnya 12-03-1985"),
])
def test_web_form_says_what_date_it_expects(client, typed, message):
    response = client.post("/daftar", data=form(1, birth_date=typed))
    assert response.status_code == 422 and message in page(response)
    assert Registration.select().count() == 0


def test_web_form_hint_shows_day_month_year(client):
    assert "tanggal-bulan-tahun, misalnya 12-03-1985" in page(client.get("/daftar"))
    assert "tanggal-bulan-tahun, misalnya 12-03-1985" in page(client.get("/status"))


@pytest.mark.parametrize("typed", BIRTH_DATES)
def test_status_finds_a_registration_by_a_date_as_the_ktp_prints_it(client, typed):
    client.post("/daftar", data=form(1))
    response = client.post("/status", data={"nik": make_nik(1), "birth_date": typed})
    assert response.status_code == 303, page(response)


@pytest.mark.parametrize("typed,message", [
    ("31-02-1985", "tidak ada di kalender"), ("kemarin", "Tanggal lahir tidak terbaca"),
    ("03/25/1985", "Tulis tanggal dulu"),
])
def test_status_says_the_date_is_wrong_not_that_nothing_was_found(client, typed, message):
    client.post("/daftar", data=form(1))
    response = client.post("/status", data={"nik": make_nik(1), "birth_date": typed})
    assert response.status_code == 422 and message in page(response)
    assert "Data tidak ditemukan" not in page(response)


@pytest.mark.parametrize("typed", ["12-03-1985", "12/03/1985", "12 Maret 1985", "1985-03-12",
                                   "12.03.1985", "12 Mar 85"])
def test_sms_check_by_nik_and_birth_date(handset, db_context, typed):
    assert quota.register(applicant(1), "web", DEFAULT_RULES).ok
    reply = handset.send(f"CEK {make_nik(1)} {typed}")
    # Only that it exists, as on the web: a KTP copy gives anyone both the NIK and the birth date.
    assert "Ada pendaftaran dengan NIK ...0002" in reply and "dapat tempat" not in reply


@pytest.mark.parametrize("typed", ["31-02-1985", "03/25/1985", "32 Maret 1985"])
def test_sms_check_with_a_bad_date_says_how_to_write_it(handset, typed):
    reply = handset.send(f"CEK {make_nik(1)} {typed}")
    assert "tanggal-bulan-tahun" in reply and "tidak ditemukan" not in reply
