"""DTKS by SMS (issue 9): asked only when the core says it changes the place, answered by number
or by word, or given at the end of DAFTAR#…; the reply says which place and why.

Default pools (core/program_year.py): `kota-balikpapan` serves 64.71 (priority 1, anyone);
`prov-kaltim` serves all of 64 (priority 2, DTKS only). Manggar is in Balikpapan, Rawa Makmur in
Samarinda, which only the provincial pool serves.
"""
import pytest

from core import dtks, pools
from models import Pool, ProgramYear, Registration, SmsSession
from sms.gsm import fits
from tests.factories import make_nik
from tests.test_sms_support import Handset, db_context, handset, sms_app  # noqa: F401 - fixtures

NIK = make_nik(1)
MANGGAR, RAWA_MAKMUR = "64.71.01.1001", "64.72.01.1001"
ASKED = "Apakah Anda terdaftar di DTKS (Data Terpadu Kesejahteraan Sosial)? Sebagian kuota hanya " \
        "untuk warga DTKS. Balas angka: 1 Ya 2 Tidak"
AGAIN = "Jawaban tidak dikenal. Terdaftar di DTKS? Balas angka: 1 Ya 2 Tidak"
REFUSED = "Maaf, kuota wilayah Anda hanya untuk warga yang terdaftar di DTKS. Salah jawab? Ketik " \
          "DAFTAR lagi."
YES_WORDS = ["1", "YA", "ya", "Y", "Iya", "Ya.", " 1 ", "DTKS", "sudah"]
NO_WORDS = ["2", "TIDAK", "tidak", "T", "t", "No", "n", "Tdk", "belum", "Tidak."]


def full(code):
    """No seat left in a pool of the current year."""
    Pool.update(capacity=0).where(Pool.code == code).execute()


def daftar(place, tail=""):
    """The one-shot registration for NIK with place (and a trailing DTKS field)."""
    return f"DAFTAR#{NIK}#Budi Santoso#1#{place}{tail}"


# (kelurahan, pool made full first, answer, what the reply says, pool of the seat or None: waiting)
ANSWERS = [
    ("Rawa Makmur", None, "1", "Berhasil. Kode: ", "prov-kaltim"),
    ("Manggar", None, "1", "Anda dapat tempat (Kota Balikpapan)", "kota-balikpapan"),
    ("Manggar", None, "2", "Tempat Anda: Kota Balikpapan, tunggu cek petugas. Kuota khusus DTKS "
     "dilewati karena Anda tidak di DTKS.", "kota-balikpapan"),
    ("Manggar", "kota-balikpapan", "1", "Anda dapat tempat (Prov. Kaltim)", "prov-kaltim"),
    ("Manggar", "kota-balikpapan", "2", "Tercatat di daftar tunggu no. 1. Kode: ", None),
    ("Rawa Makmur", "prov-kaltim", "1", "Tercatat di daftar tunggu no. 1. Kode: ", None),
]


@pytest.mark.parametrize("place, filled, answer, says, seat", ANSWERS)
def test_the_dtks_answer_decides_the_pool_and_the_reply_says_which_and_why(
        handset, db_context, place, filled, answer, says, seat):
    if filled:
        full(filled)
    assert handset.send(daftar(place)) == ASKED
    assert "Budi Santoso, Ojek online" in handset.send(answer)
    reply = handset.send("YA")
    assert says in reply and fits(reply), reply
    reg = Registration.get()
    assert (reg.pool.code if reg.pool else None) == seat
    assert reg.declared_dtks == (answer == "1") and not reg.dtks_confirmed
    assert ("dilewati karena Anda tidak di DTKS" in reply) == (answer == "2")


def test_a_waiting_worker_off_dtks_is_told_the_dtks_pool_was_skipped(handset, db_context):
    full("kota-balikpapan")
    handset.send(daftar("Manggar"))
    handset.send("TIDAK")
    reply = handset.send("YA")
    assert reply.startswith("Tercatat di daftar tunggu no. 1. Kode: ") and fits(reply)
    assert "Kuota khusus DTKS dilewati karena Anda tidak di DTKS. Kami SMS jika ada tempat." in reply
    assert Registration.get().status == "waitlisted"


@pytest.mark.parametrize("answer", NO_WORDS)
def test_tidak_where_only_a_dtks_pool_serves_says_so_at_once_and_stores_nothing(
        handset, db_context, answer):
    handset.send(daftar("Rawa Makmur"))
    assert handset.send(answer) == REFUSED
    assert Registration.select().count() == 0 and SmsSession.select().count() == 0


@pytest.mark.parametrize("answer", YES_WORDS)
def test_every_way_of_saying_yes_declares_dtks(handset, db_context, answer):
    handset.send(daftar("Rawa Makmur"))
    assert "Budi Santoso, Ojek online, Rawa Makmur" in handset.send(answer)
    assert SmsSession.get().data["dtks"] is True


@pytest.mark.parametrize("answer", NO_WORDS)
def test_every_way_of_saying_no_declares_no_dtks(handset, db_context, answer):
    handset.send(daftar("Manggar"))
    assert "Budi Santoso, Ojek online, Manggar" in handset.send(answer)
    assert SmsSession.get().data["dtks"] is False


@pytest.mark.parametrize("bad", ["3", "0", "mungkin", "tidak tahu", "ya tidak", "12", "Manggar"])
def test_a_bad_answer_is_asked_again_and_nothing_is_stored(handset, db_context, bad):
    handset.send(daftar("Rawa Makmur"))
    assert handset.send(bad) == AGAIN
    session = SmsSession.get()
    assert session.step == "dtks" and "dtks" not in session.data
    assert Registration.select().count() == 0
    assert "Rawa Makmur" in handset.send("1")


def test_the_question_waits_in_the_reminders(handset, db_context):
    handset.send(daftar("Manggar"))
    assert handset.send("INFO") == ("Anda sedang mendaftar; ketik BATAL untuk berhenti. Terdaftar "
                                    "di DTKS? Balas angka: 1 Ya 2 Tidak")
    assert "dihentikan" in handset.send("BATAL")
    assert Registration.select().count() == 0 and SmsSession.select().count() == 0


def test_a_nik_on_the_imported_dtks_list_is_not_asked(handset, db_context):
    assert dtks.replace_list([NIK], "test").ok
    assert "Budi Santoso, Ojek online, Rawa Makmur" in handset.send(daftar("Rawa Makmur"))
    assert "(Prov. Kaltim)" in handset.send("YA")
    reg = Registration.get()
    assert reg.dtks_confirmed and not reg.declared_dtks and reg.pool.code == "prov-kaltim"


def test_no_question_where_no_pool_serving_the_place_requires_dtks(handset, db_context):
    Pool.update(requires_dtks=False).execute()
    assert "Budi Santoso, Ojek online, Manggar" in handset.send(daftar("Manggar"))


# The one-shot's optional last field: (body, DTKS declared, what the first reply starts with).
ONE_SHOT = [
    (daftar("Rawa Makmur", "#DTKS"), True, "Budi Santoso, Ojek online, Rawa Makmur."),
    (daftar("Rawa Makmur", "#ya"), True, "Budi Santoso, Ojek online, Rawa Makmur."),
    (daftar("Rawa Makmur", "# Y "), True, "Budi Santoso, Ojek online, Rawa Makmur."),
    (daftar("Rawa Makmur", "#YES"), True, "Budi Santoso, Ojek online, Rawa Makmur."),
    (f"DAFTAR*{NIK}*Budi Santoso*1*Rawa Makmur*dtks", True, "Budi Santoso, Ojek online, Rawa"),
    (f"DAFTAR, {NIK}, Budi Santoso, 1, Rawa Makmur, DTKS", True, "Budi Santoso, Ojek online, Rawa"),
    (f"DAFTAR {NIK} Budi Santoso 1 Rawa Makmur DTKS", True, "Budi Santoso, Ojek online, Rawa"),
    (f"DAFTAR#{NIK}#Budi#Santoso#1#Manggar#DTKS", True, "Budi Santoso, Ojek online, Manggar."),
    (daftar("Manggar", "#TIDAK"), False, "Budi Santoso, Ojek online, Manggar."),
    (daftar("Manggar", "#t"), False, "Budi Santoso, Ojek online, Manggar."),
    (daftar("Manggar", "#NO"), False, "Budi Santoso, Ojek online, Manggar."),
    (f"DAFTAR {NIK} Budi Santoso 1 Manggar tidak", False, "Budi Santoso, Ojek online, Manggar."),
    (daftar("Rawa Makmur", "#TIDAK"), None, REFUSED),
    (daftar("Manggar"), None, ASKED),
    (daftar("Rawa Makmur"), None, ASKED),
]


@pytest.mark.parametrize("body, declared, first", ONE_SHOT)
def test_daftar_in_one_message_with_and_without_the_dtks_field(handset, db_context, body, declared,
                                                               first):
    reply = handset.send(body)
    assert reply.startswith(first), reply
    session = SmsSession.get_or_none()
    assert (session.data.get("dtks") if session else None) == declared
    if declared is not None:
        assert handset.send("YA").startswith("Berhasil")
        reg = Registration.get()
        assert (reg.declared_dtks, reg.name) == (declared, "Budi Santoso")
    assert Registration.select().count() == (declared is not None)


def test_a_bad_field_before_the_dtks_field_keeps_the_answer(handset, db_context):
    reply = handset.send(f"DAFTAR#{NIK}#Budi Santoso#1#Rawa Mkmr Jaya#DTKS")
    assert "tidak dikenal" in reply
    assert "Budi Santoso, Ojek online, Rawa Makmur" in handset.send("Rawa Makmur")
    assert "(Prov. Kaltim)" in handset.send("YA")


def test_a_regency_pool_without_dtks_takes_a_samarinda_worker_who_says_tidak(handset, db_context):
    assert pools.create_pool("kota-samarinda", "Kuota Kota Samarinda", "64.72", 5, 1, False, "t").ok
    assert handset.send(daftar("Rawa Makmur")) == ASKED
    handset.send("2")
    reply = handset.send("YA")
    assert "Tempat Anda: Kota Samarinda" in reply and "DTKS dilewati" in reply and fits(reply)
    assert Registration.get().pool.code == "kota-samarinda"


def test_the_conversation_in_english(handset, db_context):
    handset.send("BAHASA EN")
    full("kota-balikpapan")
    assert handset.send(daftar("Manggar")) == (
        "Are you on DTKS (the social welfare register)? Some places are only for people on DTKS. "
        "Reply with a number: 1 Yes 2 No")
    assert handset.send("maybe") == "Answer not understood. On DTKS? Reply with a number: 1 Yes 2 No"
    assert "Budi Santoso, Ride-hailing, Manggar" in handset.send("No")
    reply = handset.send("YA")
    assert reply.startswith("On the waiting list, no. 1. Code: ") and fits(reply)
    assert "DTKS-only places skipped as you are not on DTKS." in reply


def test_english_tidak_where_only_dtks_pools_serve(handset, db_context):
    assert "1 Yes 2 No" in handset.send(f"REGISTER#{NIK}#Budi Santoso#1#Rawa Makmur")
    assert handset.send("2") == ("Sorry, places in your area are only for people on DTKS. Wrong "
                                 "answer? Text REGISTER again.")


# What a DTKS answer decides, by the core: (pools changed first, region, NIK listed, expected).
MATTERS = [
    ({}, MANGGAR, False, "some"),
    ({}, RAWA_MAKMUR, False, "only"),
    ({}, MANGGAR, True, None),
    ({}, RAWA_MAKMUR, True, None),
    ({"prov-kaltim": False}, MANGGAR, False, None),
    ({"prov-kaltim": False}, RAWA_MAKMUR, False, None),
    ({"kota-balikpapan": True}, MANGGAR, False, "only"),
    ({"kota-balikpapan": True}, RAWA_MAKMUR, False, "only"),
]


@pytest.mark.parametrize("rules, region, listed, expected", MATTERS)
def test_the_core_says_whether_a_dtks_answer_matters(core_app, rules, region, listed, expected):
    for code, required in rules.items():
        Pool.update(requires_dtks=required).where(Pool.code == code).execute()
    if listed:
        assert dtks.replace_list([NIK], "test").ok
    assert dtks.matters(region, NIK) == expected


def test_without_a_current_year_nothing_is_asked(core_app):
    ProgramYear.update(is_current=False).execute()
    assert dtks.matters(RAWA_MAKMUR, NIK) is None
