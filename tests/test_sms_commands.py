"""Reading an SMS: keywords in any case and with any separator, codes, NIKs, places, jobs."""
import pytest

from sms.commands import code_and_nik, parse
from sms.lookup import find_occupation, find_place
from tests.test_sms_support import db_context, sms_app  # noqa: F401 - fixtures

NIK = "6471011203850001"


@pytest.mark.parametrize("body, name", [
    ("DAFTAR", "register"), ("daftar", "register"), ("  Daftar  ", "register"), ("REG", "register"),
    ("register", "register"), ("CEK", "check"), ("cek k7p3-qx9m", "check"), ("Status", "check"),
    ("check", "check"), ("BATAL K7P3QX9M", "cancel"), ("batal", "cancel"), ("KUOTA", "quota"),
    ("quota", "quota"), ("sisa", "quota"), ("INFO", "help"), ("bantuan", "help"), ("Help", "help"),
    ("STOP", "stop"), ("berhenti", "stop"), ("stopall", "stop"), ("UNSUBSCRIBE", "stop"),
    ("YES", "start"),
    ("end", "stop"), ("QUIT", "stop"), ("revoke", "stop"), ("OPTOUT", "stop"), ("cancel", "stop"),
    ("Stop.", "stop"), ("MULAI", "start"), ("start", "start"), ("unstop", "start"),
    ("YA", "yes"), ("ya", "yes"), ("Y", "yes"), ("ok", "yes"), ("TIDAK", "no"), ("tdk", "no"),
    ("halo", "text"), ("", "text"), ("daftarkan saya", "text"), ("😀😀", "text"),
    ("CANCEL K7P3QX9M", "text"), ("stop sms", "text"),
])
def test_keyword_is_recognised_in_any_case(body, name):
    assert parse(body).name == name


@pytest.mark.parametrize("body", [
    f"DAFTAR#{NIK}#Budi Santoso#ojol#Manggar",
    f"daftar*{NIK}*Budi Santoso*ojol*Manggar",
    f"Daftar,{NIK},Budi Santoso,ojol,Manggar",
    f"  DAFTAR  #  {NIK} #  Budi   Santoso # ojol #Manggar  ",
    f"DAFTAR {NIK}#Budi Santoso#ojol#Manggar#",
    f"DAFTAR#{NIK}#Budi#Santoso#ojol#Manggar",
])
def test_one_message_registration_splits_into_its_four_fields(body):
    command = parse(body)
    assert command.name == "register"
    assert [" ".join(f.split()) for f in command.args] == [NIK, "Budi Santoso", "ojol", "Manggar"]


def test_fields_separated_by_spaces_only_are_marked_for_a_closer_look():
    assert parse(f"DAFTAR {NIK} Budi Santoso 1 Manggar").args == [
        None, NIK, "Budi", "Santoso", "1", "Manggar"]


@pytest.mark.parametrize("words, expected", [
    (["K7P3-QX9M"], ("K7P3QX9M", None)), (["k7p3qx9m"], ("K7P3QX9M", None)),
    (["K7P3", "QX9M"], ("K7P3QX9M", None)), (["K7P3QX9M", NIK], ("K7P3QX9M", NIK)),
    ([NIK, "K7P3QX9M"], ("K7P3QX9M", NIK)), (["K7P3QX9M", "6471", "0112", "0385", "0001"],
                                             ("K7P3QX9M", "6471011203850001")),
    (["34679346"], ("34679346", None)), (["34679346", NIK], ("34679346", NIK)), ([], (None, None)),
])
def test_code_and_nik_are_told_apart(words, expected):
    assert code_and_nik(words) == expected


def test_english_keywords_ask_for_english_replies():
    assert parse("REGISTER").lang == "en" and parse("HELP").lang == "en"
    assert parse("DAFTAR").lang is None and parse("INFO").lang is None


def test_very_long_bodies_are_cut_to_twilios_limit():
    assert len(parse("DAFTAR#" + "x" * 100_000).text) <= 1600


@pytest.mark.parametrize("typed, code", [
    ("Manggar", "64.71.01.1001"), ("MANGGAR", "64.71.01.1001"), ("manggar baru", "64.71.01.1004"),
    ("Gunungsamarinda", "64.71.03.1002"), ("gunung  samarinda", "64.71.03.1002"),
    ("Muararapak", "64.71.03.1004"), ("Sungainangka", "64.71.05.1010"),
    ("Sepingan", "64.71.05.1002"), ("Klandasan Ilr", "64.71.06.1004"), ("Damai", "64.71.06.1005"),
    ("64.71.01.1001", "64.71.01.1001"), ("6471011001", "64.71.01.1001"),
    ("Samarinda", "64.72"), ("Kota Samarinda", "64.72"), ("kab. paser", "64.01"),
    ("Kutai Kartanegara", "64.02"), ("Penajam Paser Utara", "64.09"),
])
def test_kelurahan_is_found_by_name_spelling_or_code(db_context, typed, code):
    assert find_place(typed).found.code == code


@pytest.mark.parametrize("typed", ["Gunung Sari", "sepinggan r"])
def test_an_unclear_kelurahan_gives_the_names_it_might_mean(db_context, typed):
    match = find_place(typed)
    assert match.found is None and len(match.maybe) >= 2


@pytest.mark.parametrize("typed", ["Jakarta", "xx", "", "6471011099"])
def test_an_unknown_place_is_not_guessed(db_context, typed):
    match = find_place(typed)
    assert match.found is None


@pytest.mark.parametrize("typed", ["64.71", "Balikpapan", "kota balikpapan"])
def test_a_regency_alone_is_found_as_a_regency_not_a_kelurahan(db_context, typed):
    match = find_place(typed)
    assert match.found.code == "64.71" and match.found.level == "regency"


@pytest.mark.parametrize("typed, code", [
    ("1", "ojol"), ("ojol", "ojol"), ("OJOL", "ojol"), ("Ojek online", "ojol"),
    ("2", "ojek-pangkalan"), ("ojek pangkalan", "ojek-pangkalan"), ("nelayan", "nelayan"),
    ("nelayn", "nelayan"), ("Fisher", "nelayan"), ("pedagang", "pedagang"), ("buruh", "buruh-harian"),
    ("PRT", "art"), ("9", "lainnya"),
])
def test_occupation_is_found_by_menu_number_code_or_name(db_context, typed, code):
    assert find_occupation(typed).code == code


@pytest.mark.parametrize("typed", ["0", "10", "ojek", "dokter", ""])
def test_an_unknown_or_unclear_occupation_is_not_guessed(db_context, typed):
    assert find_occupation(typed) is None
