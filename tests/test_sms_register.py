"""Registering by SMS: in one message or guided, through the same core and rules as the web."""
import datetime as dt

import pytest

from core import refs
from models import (
    OutboxMessage,
    Pool,
    ProgramYear,
    Registration,
    SmsOptOut,
    SmsSession,
    db,
)
from tests.factories import form, make_nik
from tests.test_sms_support import (  # noqa: F401 - fixtures
    BASE,
    PHONE,
    TOKEN,
    Handset,
    db_context,
    handset,
    sms_app,
)

NIK = make_nik(1)


def register_in_one(handset, nik=NIK, name="Budi Santoso", job="1", place="Manggar", dtks="2"):
    """DAFTAR#…, the answer to "on DTKS?" (2: Tidak), then YA; return the summary asked to
    confirm and the reply to YA."""
    assert "DTKS" in handset.send(f"DAFTAR#{nik}#{name}#{job}#{place}")
    return handset.send(dtks), handset.send("YA")


def test_one_message_registration_asks_to_confirm_then_registers(handset, db_context):
    summary, done = register_in_one(handset)
    assert "Budi Santoso, Ojek online, Manggar" in summary and "YA" in summary
    reg = Registration.get()
    assert f"Kode: {refs.format_ref(reg.ref)}" in done and "Tempat Anda: Kota Balikpapan" in done
    assert (reg.channel, reg.status, reg.phone, reg.nik) == ("sms", "pending", PHONE, NIK)
    assert not reg.declared_dtks and not reg.dtks_confirmed
    assert reg.birth_date == dt.date(1985, 3, 12) and reg.region_id == "64.71.01.1001"
    assert reg.declared_not_participant and reg.declared_income
    # The reply is the confirmation: no second SMS through the outbox.
    assert OutboxMessage.select().count() == 0


@pytest.mark.parametrize("body", [
    f"daftar*{NIK}*Budi Santoso*ojol*manggar", f"Daftar, {NIK}, Budi Santoso, Ojek online, MANGGAR",
    f"  DAFTAR #{NIK}#  budi  santoso #1# 64.71.01.1001 ", f"DAFTAR {NIK} Budi Santoso 1 Manggar",
    f"DAFTAR {NIK[:4]} {NIK[4:8]} {NIK[8:12]} {NIK[12:]} Budi Santoso ojol manggar",
    f"DAFTAR#{NIK}#Budi Santoso#ojol#Mangar",
])
def test_one_message_registration_tolerates_separators_case_and_spacing(handset, db_context, body):
    assert "DTKS" in handset.send(body)
    assert "Ojek online, Manggar" in handset.send("2")
    assert "Kode:" in handset.send("ya")
    assert Registration.get().nik == NIK


def test_guided_registration_takes_seven_messages(handset, db_context):
    assert "NIK" in handset.send("DAFTAR")
    assert "nama" in handset.send(NIK)
    assert "1 Ojek online" in handset.send("Siti Aminah")
    assert "Ketik nama kelurahan/desa" in handset.send("3")
    assert "terdaftar di DTKS" in handset.send("gunungsamarinda")
    assert "Siti Aminah, Nelayan, Gunung Samarinda" in handset.send("2")
    assert "Kode:" in handset.send("YA")
    assert handset.sent == 7
    reg = Registration.get()
    assert (reg.name, reg.occupation_id, reg.region_id, reg.channel) == (
        "Siti Aminah", "nelayan", "64.71.03.1002", "sms")
    assert SmsSession.select().count() == 0


@pytest.mark.parametrize("bad, says", [
    ("1234", "NIK harus 16 angka"), ("6471013203850001", "bukan tanggal lahir"),
    ("6471011203850000", "tidak boleh 0000"),
    (make_nik(1, birth=dt.date(1950, 1, 1)), "paling tinggi 64 tahun"),
    (make_nik(1, birth=dt.date(2015, 1, 1)), "paling rendah 18 tahun"),
])
def test_a_wrong_nik_is_explained_and_asked_again(handset, db_context, bad, says):
    handset.send("DAFTAR")
    reply = handset.send(bad)
    assert says in reply and "Ketik lagi NIK" in reply
    assert "nama" in handset.send(NIK)


def test_wrong_answers_are_explained_and_asked_again(handset, db_context):
    handset.send(f"DAFTAR#{NIK}")
    assert "Nama hanya boleh huruf" in handset.send("B0di 123")
    handset.send("Budi")
    assert "Pekerjaan tidak dikenal. Balas angka: 1 Ojek online" in handset.send("42")
    handset.send("ojol")
    assert "Kelurahan/desa tidak dikenal" in handset.send("Jakarta Selatan")
    maybe = handset.send("sepinggan r")  # Sepinggan Raya, or Sepinggan?
    assert maybe == "Kelurahan/desa mana? Balas angka: 1 Sepinggan Raya 2 Sepinggan"
    assert "Kelurahan/desa tidak dikenal" in handset.send("9")  # not one of the numbers offered
    assert "DTKS" in handset.send("Gunung Sari Ulu")
    assert handset.send("mungkin") == "Jawaban tidak dikenal. Terdaftar di DTKS? Balas angka: 1 Ya 2 Tidak"
    assert "Budi, Ojek online, Gunung Sari Ulu" in handset.send("2")


def test_one_message_with_a_bad_field_continues_as_a_conversation(handset, db_context):
    reply = handset.send(f"DAFTAR#{NIK}#Budi Santoso#99#Manggar#TIDAK")
    assert reply.startswith("Pekerjaan tidak dikenal")
    assert "Budi Santoso, Nelayan, Manggar" in handset.send("3")  # the DTKS answer was kept


def test_tidak_at_the_confirmation_stores_nothing(handset, db_context):
    handset.send(f"DAFTAR#{NIK}#Budi Santoso#1#Manggar#TIDAK")
    assert "tidak dikirim" in handset.send("TIDAK")
    assert Registration.select().count() == 0 and SmsSession.select().count() == 0


def test_anything_but_ya_or_tidak_at_the_confirmation_asks_again(handset, db_context):
    handset.send(f"DAFTAR#{NIK}#Budi Santoso#1#Manggar#TIDAK")
    assert handset.send("mungkin") == "Balas YA untuk daftar, atau TIDAK untuk berhenti tanpa daftar."
    assert "Kode:" in handset.send("YA")


def test_batal_leaves_the_conversation(handset, db_context):
    handset.send("DAFTAR")
    handset.send(NIK)
    assert "dihentikan" in handset.send("batal")
    assert SmsSession.select().count() == 0
    assert "tidak dikenali" in handset.send("Budi Santoso")


def test_a_new_command_leaves_the_conversation_and_is_answered(handset, db_context):
    handset.send("DAFTAR")
    assert "Sisa tempat" in handset.send("KUOTA")
    assert SmsSession.select().count() == 0


def test_stop_in_the_middle_of_a_conversation_opts_out_and_ends_it(handset, db_context):
    handset.send(f"DAFTAR#{NIK}#Budi Santoso#1#Manggar")
    assert "tidak akan menerima SMS" in handset.send("STOP")
    assert SmsOptOut.get_by_id(PHONE) and SmsSession.select().count() == 0
    assert Registration.select().count() == 0


def test_help_in_the_middle_of_a_conversation_keeps_it(handset, db_context):
    handset.send("DAFTAR")
    assert "sedang mendaftar" in handset.send("INFO")
    assert "nama" in handset.send(NIK)


def test_a_conversation_expires(handset, db_context):
    handset.send("DAFTAR")
    SmsSession.update(expires_at=dt.datetime(2000, 1, 1)).execute()
    assert "Waktu pengisian habis" in handset.send(NIK)
    assert SmsSession.select().count() == 0


def test_english_keyword_gets_the_conversation_in_english(handset, db_context):
    assert "Text your NIK" in handset.send("REGISTER")
    assert "full name" in handset.send(NIK)


def test_full_pools_put_the_worker_on_the_waiting_list(handset, db_context):
    Pool.update(capacity=0).execute()
    _, done = register_in_one(handset)
    assert "daftar tunggu no. 1." in done
    assert Registration.get().status == "waitlisted"


def test_closed_registration_is_said_plainly(handset, db_context):
    handset.send(f"DAFTAR#{NIK}#Budi Santoso#1#Manggar#TIDAK")
    ProgramYear.update(is_open=False).execute()
    assert handset.send("YA") == "Maaf, pendaftaran sedang ditutup."
    assert Registration.select().count() == 0


def test_a_phone_registers_at_most_the_configured_number_of_niks(handset, db_context):
    for n in range(3):
        assert "Kode:" in register_in_one(handset, nik=make_nik(n + 1))[1]
    assert "sudah dipakai untuk 3 pendaftaran" in register_in_one(handset, nik=make_nik(9))[1]
    assert Registration.select().count() == 3


def test_a_foreign_phone_cannot_register_by_sms(sms_app, db_context):
    visitor = Handset(sms_app.test_client(), "+14155550100")
    assert "bukan nomor HP Indonesia" in visitor.send(f"DAFTAR#{NIK}#Budi Santoso#1#Manggar")
    assert SmsSession.select().count() == 0


def test_the_same_nik_twice_by_sms_is_refused(handset, db_context):
    register_in_one(handset)
    other = Handset(handset.client, "+6285298765432")
    assert "sudah terdaftar tahun ini" in register_in_one(other)[1]


@pytest.mark.parametrize("first", ["sms", "web"])
def test_sms_and_web_refuse_the_same_nik_by_the_same_rule(core_app, first):
    core_app.config.update(TWILIO_AUTH_TOKEN=TOKEN, PUBLIC_BASE_URL=BASE)
    client = core_app.test_client()
    by_sms = Handset(client)
    web_form = form(1, phone="081298765432")
    assert web_form["nik"] == NIK
    if first == "sms":
        assert "Kode:" in register_in_one(by_sms)[1]
        response = client.post("/daftar", data=web_form)
        assert response.status_code == 422
        assert "NIK ini sudah dipakai untuk mendaftar tahun ini" in response.get_data(as_text=True)
    else:
        assert client.post("/daftar", data=web_form).status_code == 303
        assert "NIK ini sudah terdaftar tahun ini" in register_in_one(by_sms)[1]
    db.connect(reuse_if_open=True)
    assert Registration.select().where(Registration.nik == NIK).count() == 1


def test_a_whole_sms_journey_works_on_each_database(core_app):
    core_app.config.update(TWILIO_AUTH_TOKEN=TOKEN, PUBLIC_BASE_URL=BASE)
    phone = Handset(core_app.test_client())
    for body in ("DAFTAR", NIK, "Budi Santoso", "1", "Manggar", "2"):
        phone.send(body)
    done = phone.send("YA", sid="SM" + "b" * 32)
    assert phone.send("YA", sid="SM" + "b" * 32) == done
    ref = done.split("Kode: ")[1][:9]
    assert f"{ref} Budi Santoso: dapat tempat" in phone.send("CEK")
    assert "Kota Balikpapan 7.099 dari 7.100" in phone.send("KUOTA")
    phone.send(f"BATAL {ref}")
    assert "sudah dibatalkan" in phone.send("YA")
    assert "tidak akan menerima" in phone.send("STOP")
    db.connect(reuse_if_open=True)
    assert Registration.get().status == "cancelled" and SmsOptOut.select().count() == 1
    assert not Registration.get().declared_dtks
    assert SmsSession.select().count() == 0
