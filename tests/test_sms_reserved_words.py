"""Twilio's reserved words inside a guided SMS conversation (issue 10, kind 4): Twilio's opt-in
and opt-out are kept, and the worker hears an answer to what they meant, at every step."""
import pytest

from models import Registration, SmsOptOut, SmsSession
from tests.factories import make_nik
from tests.test_sms_support import PHONE, db_context, handset, sms_app  # noqa: F401

NIK = make_nik(1)
# The messages that bring a phone to each step of the conversation, and what that step asks
# (in Indonesian, and in English after an English word such as HELP or START).
STEPS = {
    "nik": ("DAFTAR", ("NIK", "NIK")),
    "name": (f"DAFTAR#{NIK}", ("nama lengkap", "full name")),
    "job": (f"DAFTAR#{NIK}#Budi Santoso", ("Balas angka", "Reply with a number")),
    "place": (f"DAFTAR#{NIK}#Budi Santoso#1", ("kelurahan", "kelurahan")),
    "dtks": (f"DAFTAR#{NIK}#Budi Santoso#1#Manggar", ("DTKS? Balas angka: 1 Ya", "On DTKS? Reply")),
    "confirm": (f"DAFTAR#{NIK}#Budi Santoso#1#Manggar#TIDAK",
                ("Balas YA untuk daftar", "Reply YA to register")),
}
ANSWERED = {"confirm", "dtks"}  # steps where a yes or a no is the answer asked for


@pytest.mark.parametrize("word", ["Yes", "YES", "yes.", "Yes!", " yes "])
def test_yes_at_the_confirmation_registers_and_opts_back_in(handset, db_context, word):
    SmsOptOut.insert(phone=PHONE).execute()  # stopped earlier; Twilio opts in again on YES
    handset.send(STEPS["confirm"][0])
    reply = handset.send(word)
    assert reply.startswith("Berhasil") or reply.startswith("Done"), reply
    assert Registration.select().count() == 1 and SmsSession.select().count() == 0
    assert SmsOptOut.select().count() == 0


@pytest.mark.parametrize("word", ["Yes", "YES.", " yes "])
def test_yes_to_the_dtks_question_is_a_yes_and_opts_back_in(handset, db_context, word):
    SmsOptOut.insert(phone=PHONE).execute()
    handset.send(STEPS["dtks"][0])
    assert "Balas YA untuk daftar" in handset.send(word)
    assert SmsSession.get().data["dtks"] is True and SmsOptOut.select().count() == 0
    assert handset.send("YA").startswith("Berhasil") and Registration.get().declared_dtks


@pytest.mark.parametrize("word", ["START", "Mulai", "UNSTOP", "start."])
def test_other_opt_in_words_at_the_confirmation_opt_in_and_remind(handset, db_context, word):
    SmsOptOut.insert(phone=PHONE).execute()
    handset.send(STEPS["confirm"][0])
    reply = handset.send(word)
    assert "YA" in reply and ("aktif lagi" in reply or "on again" in reply), reply
    assert SmsOptOut.select().count() == 0 and Registration.select().count() == 0
    assert SmsSession.get().step == "confirm"
    assert handset.send("YA").startswith("Berhasil")


@pytest.mark.parametrize("word", ["Yes", "YES."])
def test_yes_to_a_cancellation_cancels(handset, db_context, word):
    handset.send(STEPS["confirm"][0])
    handset.send("YA")
    ref = Registration.get().ref
    assert "Balas YA untuk membatalkan" in handset.send(f"BATAL {ref}")
    reply = handset.send(word)
    assert "sudah dibatalkan" in reply or "is cancelled" in reply, reply
    assert Registration.get().status == "cancelled"


@pytest.mark.parametrize("step,word", [
    (step, word) for step in STEPS
    for word in ("YES", "START", "MULAI", "HELP", "INFO", "BANTUAN", "YA", "TIDAK", "No")
    # at the confirmation and the DTKS question a yes or a no is the answer (tested above)
    if not (step in ANSWERED and word.upper() in ("YES", "YA", "TIDAK", "NO"))])
def test_every_step_answers_reserved_and_yes_no_words_with_its_question(handset, db_context, step, word):
    opening, questions = STEPS[step]
    handset.send(opening)
    reply = handset.send(word)
    assert any(q.lower() in reply.lower() for q in questions), reply
    session = SmsSession.get()
    assert session.step == step and Registration.select().count() == 0
    if step == "name":  # the word was not taken as the worker's name
        assert "name" not in session.data


@pytest.mark.parametrize("step", list(STEPS))
@pytest.mark.parametrize("word", ["STOP", "Berhenti", "stop.", "UNSUBSCRIBE", "CANCEL", "QUIT"])
def test_stop_words_at_every_step_opt_out_and_end_the_conversation(handset, db_context, step, word):
    handset.send(STEPS[step][0])
    reply = handset.send(word)
    assert "tidak akan menerima SMS" in reply or "no more Jaring" in reply
    assert SmsOptOut.select().count() == 1 and SmsSession.select().count() == 0
    assert Registration.select().count() == 0
