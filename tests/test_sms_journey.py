"""Issue 11 by SMS: MANFAAT, the help contact in INFO, BAHASA EN/ID, wording, pool names whole."""
import pytest

from models import OutboxMessage, Pool, SmsLanguage
from sms import replies, sender
from sms.gsm import fits, gsm7_length
from sms.texts import NOTICES, TEXTS
from tests.factories import make_nik
from tests.test_sms_support import db_context, handset, sms_app  # noqa: F401 - fixtures

LONG_CONTACT = {"office": "Disnaker Kota Balikpapan", "phone": "0812-3456-7890",
                "hours": "Senin-Jumat 08-16 WITA"}


@pytest.mark.parametrize("body, lang", [("MANFAAT", "id"), ("manfaat", "id"), ("BENEFITS", "en")])
def test_manfaat_says_what_jkk_and_jkm_pay_and_where_to_claim_in_one_sms(handset, body, lang):
    reply = handset.send(body)
    assert fits(reply), (gsm7_length(reply), reply)
    assert "JKK" in reply and "JKM" in reply and "175" in reply and "JMO" in reply
    assert ("Rp42 juta" if lang == "id" else "Rp42 million") in reply


def test_benefit_figures_come_from_the_one_configured_place(sms_app, handset):
    sms_app.config["BENEFITS"] = dict(sms_app.config["BENEFITS"], jkm_total=45_000_000)
    assert "Rp45 juta" in handset.send("MANFAAT")


def test_info_gives_the_configured_help_contact_within_one_sms(sms_app, handset):
    sms_app.config["HELP"] = LONG_CONTACT
    for body in ("INFO", "HELP"):
        reply = handset.send(body)
        assert fits(reply), (gsm7_length(reply), reply)
        assert "0812-3456-7890" in reply and "Disnaker Kota Balikpapan" in reply
        assert "Senin-Jumat 08-16 WITA" in reply


@pytest.mark.parametrize("lang", ["id", "en"])
def test_help_template_with_a_realistic_longest_contact_fits(lang):
    text = replies.compose(TEXTS[lang]["help"], {"contact": replies.contact(LONG_CONTACT)})
    assert fits(text) and ".." not in text, text


def test_bahasa_en_switches_every_later_reply_and_bahasa_id_switches_back(handset, db_context):
    assert "English" in handset.send("BAHASA EN")
    assert SmsLanguage.get_by_id(handset.number).lang == "en"
    assert handset.send("KUOTA").startswith("Free BPJS TK places left")
    assert "Text your NIK" in handset.send("DAFTAR")
    handset.send("BATAL")
    assert "Bahasa Indonesia" in handset.send("bahasa id")
    assert handset.send("KUOTA").startswith("Sisa tempat")


def test_notifications_follow_the_phone_language(handset, db_context):
    row = OutboxMessage(phone=handset.number, kind="approved", params={"ref": "K7P3QX9M"})
    assert sender.render(row).startswith("Jaring: pendaftaran K7P3-QX9M DISETUJUI")
    handset.send("BAHASA EN")
    assert sender.render(row).startswith("Jaring: registration K7P3-QX9M APPROVED")


def test_every_notice_exists_in_both_languages():
    assert set(NOTICES["en"]) == set(NOTICES["id"])


def test_the_confirm_question_has_no_double_negative_and_no_tidak_batal():
    for lang in ("id", "en"):
        for key in ("ask_confirm", "yes_no", "cancel_ask"):
            text = TEXTS[lang][key]
            assert "TIDAK batal" not in text and "tidak di atas" not in text
            assert "TIDAK jika tidak" not in text
    assert "TIDAK untuk berhenti" in TEXTS["id"]["ask_confirm"]


def test_pool_names_are_sent_whole_by_their_short_sms_name(handset, db_context):
    for pool in Pool.select():
        assert pool.sms_name and len(pool.sms_name) <= replies.CAPS["pool"]
    reply = handset.send("KUOTA")
    assert "Kota Balikpapan" in reply and "Prov. Kaltim" in reply and ".." not in reply
    handset.send(f"DAFTAR#{make_nik(42)}#Budi Santoso#1#Manggar#DTKS")
    assert "(Kota Balikpapan)" in handset.send("YA")


def test_a_pool_without_sms_name_is_shortened_by_whole_words():
    class Named:
        sms_name = ""
        name = "Kuota Kabupaten Penajam Paser Utara Tahap Dua"
    label = replies.pool_label(Named())
    assert len(label) <= replies.CAPS["pool"] and ".." not in label
    assert label == "Kabupaten Penajam"
