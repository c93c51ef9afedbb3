"""CEK, BATAL, KUOTA, INFO, STOP and START by SMS; a phone sees only its own registrations."""
import pytest

from core import quota, refs
from models import OutboxMessage, Pool, Registration, SmsOptOut
from tests.factories import make_nik
from tests.test_sms_support import (  # noqa: F401 - fixtures
    OTHER_PHONE,
    PHONE,
    Handset,
    db_context,
    handset,
    sms_app,
)


def register(handset, n=1, name="Budi Santoso"):
    """Register NIK n from handset by SMS; return the registration."""
    handset.send(f"DAFTAR#{make_nik(n)}#{name}#1#Manggar#TIDAK")
    handset.send("YA")
    return Registration.get(Registration.nik == make_nik(n))


def test_cek_without_registrations_says_so(handset, db_context):
    assert "Belum ada pendaftaran dari nomor HP ini" in handset.send("CEK")


def test_cek_lists_the_registrations_of_this_phone_only(handset, db_context):
    mine = [register(handset, 1, "Budi Santoso"), register(handset, 2, "Siti Aminah")]
    theirs = register(Handset(handset.client, OTHER_PHONE), 3, "Ani Wati")
    reply = handset.send("cek")
    for reg in mine:
        assert refs.format_ref(reg.ref) in reply
    assert "Siti Aminah: dapat tempat, tunggu pemeriksaan" in reply
    assert refs.format_ref(theirs.ref) not in reply and "Ani" not in reply


def test_cek_with_a_code_shows_that_registration(handset, db_context):
    reg = register(handset)
    reply = handset.send(f"CEK {refs.format_ref(reg.ref).lower()}")
    assert reply == f"{refs.format_ref(reg.ref)} Budi Santoso: dapat tempat, tunggu pemeriksaan."


def test_cek_shows_the_place_on_the_waiting_list(handset, db_context):
    Pool.update(capacity=0).execute()
    register(handset, 1)
    reg = register(handset, 2)
    assert "daftar tunggu no. 2" in handset.send(f"CEK {reg.ref}")


def test_another_phones_code_is_not_found_without_its_nik(handset, db_context):
    theirs = register(Handset(handset.client, OTHER_PHONE), 3, "Ani Wati")
    assert "Data tidak ditemukan" in handset.send(f"CEK {theirs.ref}")
    assert "Data tidak ditemukan" in handset.send(f"CEK {theirs.ref} {make_nik(4)}")
    assert "Ani Wati: dapat tempat" in handset.send(f"CEK {theirs.ref} {make_nik(3)}")


def test_status_words_follow_the_core(handset, db_context):
    reg = register(handset)
    quota.approve(reg, "staff:test")
    assert "disetujui" in handset.send(f"CEK {reg.ref}")
    quota.record_membership(reg, "23011234567", "staff:test")
    assert "terdaftar BPJS TK, KPJ 23011234567" in handset.send(f"CEK {reg.ref}")
    other = register(handset, 2)
    quota.reject(other, "staff:test", "not_resident", "Alamat KTP di Samarinda")
    assert "ditolak: bukan warga sesuai KTP" in handset.send(f"CEK {other.ref}")


def test_batal_asks_then_cancels_and_gives_the_seat_back(handset, db_context):
    reg = register(handset)
    held = Pool.get(Pool.code == "kota-balikpapan").held
    ask = handset.send(f"BATAL {refs.format_ref(reg.ref)}")
    assert "Batalkan pendaftaran" in ask and "Budi Santoso" in ask and "YA" in ask
    assert Registration.get_by_id(reg.id).status == "pending"
    assert "sudah dibatalkan" in handset.send("ya")
    assert Registration.get_by_id(reg.id).status == "cancelled"
    assert Pool.get(Pool.code == "kota-balikpapan").held == held - 1
    # The reply told this phone; no second SMS about it.
    assert OutboxMessage.select().where(OutboxMessage.kind == "cancelled").count() == 0


def test_batal_answered_tidak_keeps_the_registration(handset, db_context):
    reg = register(handset)
    handset.send(f"BATAL {reg.ref}")
    assert "Tidak jadi dibatalkan" in handset.send("TIDAK")
    assert Registration.get_by_id(reg.id).status == "pending"


def test_batal_from_another_phone_needs_the_nik_and_tells_the_owner(handset, db_context):
    reg = register(handset)
    stranger = Handset(handset.client, OTHER_PHONE)
    assert "Data tidak ditemukan" in stranger.send(f"BATAL {reg.ref}")
    stranger.send(f"BATAL {reg.ref} {reg.nik}")
    assert "sudah dibatalkan" in stranger.send("YA")
    notice = OutboxMessage.get(OutboxMessage.kind == "cancelled")
    assert notice.phone == PHONE


@pytest.mark.parametrize("body, says", [
    ("BATAL", "Ketik BATAL <kode>"), ("BATAL K7P3-QX9M", "Data tidak ditemukan"),
    ("CANCEL K7P3-QX9M", "Pesan tidak dikenali"),
])
def test_batal_without_a_valid_code_explains(handset, db_context, body, says):
    assert says in handset.send(body)


def test_a_cancelled_registration_cannot_be_cancelled_again(handset, db_context):
    reg = register(handset)
    quota.cancel(reg, "worker:web")
    assert handset.send(f"BATAL {reg.ref}") == "Pendaftaran ini tidak dapat dibatalkan lagi."


def test_kuota_tells_the_places_left(handset, db_context):
    assert "Kota Balikpapan 7.100 dari 7.100; Prov. Kaltim 12.000 dari 12.000" in handset.send("KUOTA")
    register(handset)
    assert "Kota Balikpapan 7.099 dari 7.100" in handset.send("kuota")
    assert "Balikpapan 7,099 of 7,100" in handset.send("QUOTA")


def test_kuota_says_when_registration_is_closed(handset, db_context):
    Pool.update(is_open=False).execute()
    assert handset.send("KUOTA") == "Maaf, pendaftaran sedang ditutup."


@pytest.mark.parametrize("word", ["INFO", "info", "BANTUAN", "Help"])
def test_help_words_answer_with_the_commands(handset, word):
    reply = handset.send(word)
    assert ("DAFTAR" in reply or "REGISTER" in reply) and "STOP" in reply


@pytest.mark.parametrize("word", ["STOP", "BERHENTI", "stop", "STOPALL", "UNSUBSCRIBE", "END",
                                  "QUIT", "REVOKE", "OPTOUT", "CANCEL"])
def test_every_opt_out_word_stops_notifications(handset, db_context, word):
    handset.send(word)
    assert SmsOptOut.get_or_none(SmsOptOut.phone == PHONE) is not None


@pytest.mark.parametrize("word", ["MULAI", "START", "mulai"])
def test_start_words_resume_notifications(handset, db_context, word):
    handset.send("STOP")
    reply = handset.send(word)
    assert "aktif lagi" in reply or "on again" in reply
    assert SmsOptOut.get_or_none(SmsOptOut.phone == PHONE) is None


@pytest.mark.parametrize("body", ["halo", "", "   ", "😀🙏", "apa kabar pak?", "1234", "ya"])
def test_anything_else_gets_a_short_help(handset, body):
    assert handset.send(body).startswith("Pesan tidak dikenali. Ketik DAFTAR")
