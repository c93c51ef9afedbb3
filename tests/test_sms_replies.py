"""Every reply and notice fits one SMS (160 GSM-7 characters) with the longest realistic values."""
import pytest

from core import quota
from models import Occupation, Pool, Registration
from sms import conversation, replies, status
from sms.gsm import clip, fits, gsm7_length, to_gsm7
from sms.texts import ERRORS, NOTICES, REASONS, STATUS, TEXTS
from tests.factories import applicant, make_nik
from tests.test_sms_support import OTHER_PHONE, db_context, sms_app  # noqa: F401 - fixtures
from web import texts as messages

LANGS = ("id", "en")
LONG_NAME = ("Muhammad Abdurrahman Wahyudi Saputra Nugroho Kusumawardhani "
             "Hadiningrat Prawiranegara Setiabudi")[:100]
LONGEST_REASON = max((t for table in REASONS.values() for t in table.values()), key=len)
LONGEST = {
    "name": LONG_NAME, "job": "J" * 80, "place": "P" * 80, "pool": "Kuota " + "Q" * 114,
    "ref": "K7P3-QX9M", "pos": replies.number(9_999_999), "left": replies.number(9_999_999),
    "cap": replies.number(9_999_999), "kpj": "9" * 20, "reason": LONGEST_REASON,
    "note": "catatan petugas " * 40, "options": ", ".join(["Gunung Samarinda Baru"] * 4),
    "menu": ", ".join(f"{i} {'Pekerjaan panjang'}" for i in range(1, 20)),
    "status": "terdaftar BPJS TK, KPJ " + "9" * 20, "n": 99, "nik": "0123",
    "choices": " ".join(f"{i} Kukar-Tenggarong Seberang" for i in range(1, 7)),
    "max_age": 100, "min_age": 100, "max_niks": 100,
    "contact": "C" * 80, "jkm": "Rp142,5 million", "cc": "1-500-910",
}
MAX_RULES = {"max_age": 100, "min_age": 100, "max_niks_per_phone": 100}
# Keys only the web form can produce: the SMS door takes the birth date from the NIK.
WEB_ONLY = {"birth_date_required", "birth_date_format", "birth_date_mismatch",
            "birth_date_impossible", "birth_date_order",
            "lookup_incomplete", "confirm_required", "form_expired",
            *(key for key in messages.ERRORS if key.startswith("http_"))}
OUTBOX_KINDS = ("registered", "waitlisted", "promoted", "approved", "rejected", "enrolled",
                "cancelled")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", sorted(TEXTS["id"]))
def test_every_reply_template_fits_one_sms_with_its_longest_values(lang, key):
    template = TEXTS[lang][key]
    values = {name: LONGEST[name] for name in replies.placeholders(template) if name != "items"}
    values.update({"items": ""} if "items" in replies.placeholders(template) else {})
    text = replies.compose(template, values)
    assert fits(text), (key, gsm7_length(text), text)


def test_every_language_has_every_text():
    assert set(TEXTS["en"]) == set(TEXTS["id"])
    assert set(ERRORS["en"]) == set(ERRORS["id"])
    assert set(STATUS["en"]) == set(STATUS["id"]) and set(REASONS["en"]) == set(REASONS["id"])


@pytest.mark.parametrize("lang", LANGS)
def test_every_core_error_has_a_short_sms_text(lang):
    for key in set(messages.ERRORS) - WEB_ONLY:
        assert key in ERRORS[lang], key
    for key in ERRORS[lang]:
        text = replies.compose(ERRORS[lang][key], LONGEST)
        assert fits(text, 110), (key, text)  # room left for the question that follows


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("step, keys", [
    ("nik", ("nik_required", "nik_format", "nik_date", "nik_serial", "age_too_old",
             "age_too_young")),
    ("name", ("name_required", "name_length", "name_format")),
    ("job", ("occupation_required", "occupation_invalid")),
    ("place", ("kelurahan_required", "kelurahan_invalid")),
])
def test_an_error_and_the_question_again_fit_one_sms(db_context, lang, step, keys):
    for key in keys:
        text = f"{replies.error(key, lang, MAX_RULES)} {conversation.question(step, lang, again=True)}"
        assert fits(text), (key, gsm7_length(text), text)


@pytest.mark.parametrize("kind", OUTBOX_KINDS)
def test_every_notice_fits_one_sms_with_its_longest_values(kind):
    text = replies.compose(NOTICES["id"][kind], LONGEST)
    assert fits(text), (kind, gsm7_length(text), text)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("state", sorted(STATUS["id"]))
def test_every_status_with_the_longest_values_fits_the_status_reply(lang, state):
    words = STATUS[lang][state].format(pos=LONGEST["pos"], kpj=LONGEST["kpj"], reason=LONGEST_REASON)
    assert fits(replies.compose(TEXTS[lang]["status_one"], dict(LONGEST, status=words)))


def test_a_long_list_shows_what_fits_and_counts_the_rest():
    parts = [f"Kuota {'Q' * 60} {i}" for i in range(10)]
    text = replies.say_list("quota", "id", parts)
    assert fits(text) and "lagi)" in text


def test_menu_of_many_long_occupations_still_fits(db_context):
    for i in range(20):
        Occupation.create(code=f"o{i}", name_id="Pekerja " + "x" * 70, name_en="Worker " + "x" * 70,
                          agency="Disnaker", position=100 + i)
    for lang in LANGS:
        assert fits(conversation.question("job", lang))
        assert fits(f"{replies.error('occupation_invalid', lang)} "
                    f"{conversation.question('job', lang, again=True)}")


def test_confirmation_with_the_longest_name_and_places_fits(db_context):
    Occupation.create(code="panjang", name_id="O" * 80, name_en="O" * 80, agency="Disnaker")
    data = {"lang": "id", "nik": make_nik(1), "name": LONG_NAME, "job": "panjang",
            "place": "64.71.03.1005", "dtks": False}
    text = conversation.advance("+6281234567890", data, {})
    assert text.startswith("Muhammad Abdurra.., OOOO") and "Gunung Samarinda Baru" in text
    assert fits(text)


def test_cek_of_five_registrations_with_long_names_fits(db_context, sms_app):
    Pool.update(capacity=0).execute()
    for n in range(5):
        outcome = quota.register(applicant(n, name=LONG_NAME, phone=OTHER_PHONE), "web")
        if n < 2:
            quota.cancel(outcome.registration, "worker:web")
    assert Registration.select().count() == 5
    assert fits(status.status_list(OTHER_PHONE, "id")) and fits(status.status_list(OTHER_PHONE, "en"))


def test_kuota_with_long_pool_names_and_big_numbers_fits(db_context):
    Pool.update(name="Kuota " + "Pemerintah Daerah " * 6, capacity=9_999_999).execute()
    assert fits(status.places("id")) and fits(status.places("en"))


@pytest.mark.parametrize("text, length", [
    ("Halo", 4), ("{}", 4), ("€", 2), ("a[b]c~d\\e^f|g", 19), ("Ñoño ü é à", 10), ("", 0),
    ("😀", None), ("\u201cBudi\u201d", None), ("\u2013", None), ("\u00e2", None),
])
def test_gsm7_length_counts_extension_characters_twice_and_refuses_ucs2(text, length):
    assert gsm7_length(text) == length


def test_text_from_people_is_made_gsm7_before_it_is_sent_back():
    assert to_gsm7("\u201cSiti\u201d \u2013 N\u00e2\u00eff 😀") == '"Siti" - Naif ?'
    assert clip("a" * 200, 20) == "a" * 18 + ".." and fits(clip("€" * 100, 160))
