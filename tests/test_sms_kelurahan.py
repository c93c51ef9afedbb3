"""Any Kaltim kelurahan by SMS: by name, an ambiguous name by number, a regency asks further."""
from core import pools
from models import Registration, SmsSession
from sms.gsm import fits
from tests.factories import make_nik
from tests.test_sms_support import db_context, handset, sms_app  # noqa: F401 - fixtures

NIK = make_nik(1, region="647201")


def test_an_ambiguous_kelurahan_is_resolved_by_number_through_the_signed_webhook(handset, db_context):
    assert pools.create_pool("kota-samarinda", "Kuota Kota Samarinda", "64.72", 10, 1, False, "t").ok
    reply = handset.send(f"DAFTAR#{NIK}#Budi Santoso#1#Sidomulyo")
    assert reply.startswith("Ada 4 kelurahan Sidomulyo. Balas angka: 1 Kukar-") and fits(reply)
    assert "4 Samarinda" in reply and Registration.select().count() == 0
    assert "terdaftar di DTKS" in handset.send("4")
    assert "Budi Santoso, Ojek online, Sidomulyo" in handset.send("2")
    assert SmsSession.get().data["place"] == "64.72.04.1003"  # Sidomulyo, Samarinda Ilir
    assert "Berhasil" in handset.send("YA")
    reg = Registration.get()
    assert reg.region_id == "64.72.04.1003" and reg.pool.code == "kota-samarinda"


def test_a_samarinda_resident_off_dtks_is_told_plainly_when_only_the_province_serves(handset, db_context):
    handset.send(f"DAFTAR#{NIK}#Budi Santoso#1#Rawa Makmur")
    reply = handset.send("TIDAK")
    assert reply == ("Maaf, kuota wilayah Anda hanya untuk warga yang terdaftar di DTKS. Salah "
                     "jawab? Ketik DAFTAR lagi.")
    assert Registration.select().count() == 0 and SmsSession.select().count() == 0


def test_the_most_repeated_name_still_fits_one_sms_with_every_place(handset, db_context):
    reply = handset.send(f"DAFTAR#{NIK}#Budi Santoso#1#sumber sari")
    assert fits(reply) and reply.count("Kukar-") == 3
    assert all(f"{i} " in reply for i in range(1, 7))


def test_a_regency_name_alone_asks_for_the_kelurahan_then_looks_there_first(handset, db_context):
    reply = handset.send(f"DAFTAR#{NIK}#Budi Santoso#1#Samarinda")
    assert reply == ("Kelurahan/desa mana di Kota Samarinda? Ketik nama kelurahan/desa sesuai KTP "
                     "Anda.")
    assert "DTKS" in handset.send("sidomulyo")
    assert "Budi Santoso, Ojek online, Sidomulyo" in handset.send("1")  # Samarinda's one
    assert SmsSession.get().data["place"] == "64.72.04.1003"


def test_kelurahan_anywhere_in_kaltim_by_name_case_and_spaces_folded(handset, db_context):
    reply = handset.send(f"DAFTAR#{NIK}#Budi Santoso#1#  RAWA   makmur #ya")
    assert "Budi Santoso, Ojek online, Rawa Makmur" in reply


def test_a_number_without_a_choice_offered_is_not_a_kelurahan(handset, db_context):
    handset.send(f"DAFTAR#{NIK}#Budi Santoso#1")
    assert "Kelurahan/desa tidak dikenal" in handset.send("2")
