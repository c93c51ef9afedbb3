"""A pool's SMS name: set on the command line and the pools page, through the core, checked so that
every SMS reply naming the pool sends it whole within 160 GSM-7 characters."""
import pytest

from core import pools
from models import AuditEvent, Pool
from sms import replies
from sms.gsm import fits, gsm7_length
from sms.texts import TEXTS
from tests.staff_support import logged_in, staff_app, text  # noqa: F401 (a fixture)
from tests.test_sms_replies import LONGEST

# (typed, stored): folded like every typed text, then GSM-7 septets counted (^{}[]~|€\ are two).
GOOD = [
    ("Kota Samarinda", "Kota Samarinda"),
    ("  Kab.   PPU ", "Kab. PPU"),
    ("Kota Balikpapan Raya", "Kota Balikpapan Raya"),  # 20 characters
    ("Kota Samarinda [A]", "Kota Samarinda [A]"),  # 18 characters, 20 septets
    ("Kab\u2019 Berau", "Kab' Berau"),  # a phone keyboard's apostrophe
    ("Pénajam Ñ", "Pénajam Ñ"),  # in the GSM-7 alphabet
    ("", ""),  # none: the name, shortened by whole words
]
# (typed, message key, the staff page's words)
BAD = [
    ("Kota \U0001F334", "sms_name_format", "GSM-7"),
    ("K\u043e\u0442\u0430 Samarinda", "sms_name_format", "GSM-7"),  # Cyrillic letters
    ("Kab. Kutai Kartanegara", "sms_name_length", "paling banyak 20 karakter"),
    ("Kota Balikpapan Rayaa", "sms_name_length", "paling banyak 20 karakter"),
    ("Kota Samarinda [AB]", "sms_name_length", "dihitung dua"),  # 19 characters, 21 septets
    ("Kota Samarinda Raya€", "sms_name_length", "dihitung dua"),
]


def pool_of(code):
    return Pool.get(Pool.code == code)


def test_the_limit_is_the_room_every_reply_naming_a_pool_leaves():
    rooms = []
    for lang in ("id", "en"):
        for key, template in TEXTS[lang].items():
            if "{pool}" in template:
                values = {k: LONGEST[k] for k in replies.placeholders(template) if k != "pool"}
                rooms.append(160 - gsm7_length(replies.compose(template, dict(values, pool=""))))
    quota_line = replies.say("pool_line", "id", pool="", left=LONGEST["left"], cap=LONGEST["cap"])
    rooms.append(160 - gsm7_length(replies.say("quota", "id", items=quota_line)))
    assert pools.SMS_NAME_MAX == replies.CAPS["pool"] <= min(rooms)  # 37 in 2026: REGISTERED (id)


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("typed, stored", [g for g in GOOD if g[1]])
def test_a_good_name_is_sent_whole_and_the_reply_fits(lang, typed, stored):
    label = replies.pool_label(type("P", (), {"sms_name": stored, "name": "Kuota"})())
    reply = replies.say("registered", lang, ref="K7P3-QX9M", pool=label)
    assert f"({stored})" in reply and fits(reply)


@pytest.mark.parametrize("typed, stored", GOOD)
def test_a_good_name_on_the_command_line(runner, typed, stored):
    made = runner.invoke(args=["pool", "create", "kota-samarinda", "--name", "Kuota Kota Samarinda",
                               "--region", "64.72", "--capacity", "5", "--priority", "1",
                               "--sms-name", typed])
    assert made.exit_code == 0, made.output
    edited = runner.invoke(args=["pool", "edit", "kota-balikpapan", "--sms-name", typed])
    assert edited.exit_code == 0, edited.output
    assert pool_of("kota-samarinda").sms_name == stored and pool_of("kota-balikpapan").sms_name == stored
    created, updated = (AuditEvent.get(AuditEvent.action == a) for a in ("create_pool", "update_pool"))
    assert created.detail["sms_name"] == updated.detail["sms_name"] == stored


@pytest.mark.parametrize("typed, key, words", BAD)
def test_a_bad_name_on_the_command_line_changes_nothing(runner, typed, key, words):
    made = runner.invoke(args=["pool", "create", "kota-samarinda", "--name", "Kuota Kota Samarinda",
                               "--region", "64.72", "--capacity", "5", "--priority", "1",
                               "--sms-name", typed])
    edited = runner.invoke(args=["pool", "edit", "kota-balikpapan", "--capacity", "9", "--sms-name", typed])
    english = {"sms_name_format": "plain SMS can carry (GSM-7)",
               "sms_name_length": "at most 20 characters"}[key]
    for result in (made, edited):
        assert result.exit_code != 0 and f"sms_name: " in result.output and english in result.output
    assert not Pool.select().where(Pool.code == "kota-samarinda").exists()
    assert (pool_of("kota-balikpapan").sms_name, pool_of("kota-balikpapan").capacity) == (
        "Kota Balikpapan", 7100)
    assert not AuditEvent.select().where(AuditEvent.action.in_(["create_pool", "update_pool"])).exists()


def test_editing_without_the_option_keeps_the_name(runner):
    assert runner.invoke(args=["pool", "edit", "kota-balikpapan", "--priority", "3"]).exit_code == 0
    assert pool_of("kota-balikpapan").sms_name == "Kota Balikpapan"


@pytest.fixture
def admin(staff_app):
    return logged_in(staff_app, "ana", "admin")


NEW = {"code": "kota-samarinda", "name": "Kuota Kota Samarinda", "region": "64.72", "capacity": "5",
       "priority": "1"}
EDIT = {"name": "Kuota Kota Balikpapan", "capacity": "9", "priority": "1"}


@pytest.mark.parametrize("typed, stored", GOOD)
def test_a_good_name_on_the_pools_page(admin, typed, stored):
    assert admin.post("/staff/kuota/baru", data=dict(NEW, sms_name=typed)).status_code == 303
    assert admin.post("/staff/kuota/kota-balikpapan/ubah", data=dict(EDIT, sms_name=typed)).status_code == 303
    assert pool_of("kota-samarinda").sms_name == stored and pool_of("kota-balikpapan").sms_name == stored
    page = text(admin.get("/staff/kuota"))
    assert f'name="sms_name" value="{stored}"' in page.replace("&#39;", "'")


@pytest.mark.parametrize("typed, key, words", BAD)
def test_a_bad_name_on_the_pools_page_is_said_beside_the_pool_and_changes_nothing(admin, typed, key, words):
    made = admin.post("/staff/kuota/baru", data=dict(NEW, sms_name=typed))
    assert made.status_code == 422 and words in text(made)
    assert f'name="sms_name" value="{typed}"' in text(made)  # what was typed stays in the form
    edited = admin.post("/staff/kuota/kota-balikpapan/ubah", data=dict(EDIT, sms_name=typed))
    assert edited.status_code == 422 and words in text(edited)
    assert not Pool.select().where(Pool.code == "kota-samarinda").exists()
    assert (pool_of("kota-balikpapan").sms_name, pool_of("kota-balikpapan").capacity) == (
        "Kota Balikpapan", 7100)
    assert not AuditEvent.select().where(AuditEvent.action.in_(["create_pool", "update_pool"])).exists()


def test_the_pools_page_speaks_the_staffs_language(admin):
    admin.get("/bahasa/en")
    refused = admin.post("/staff/kuota/kota-balikpapan/ubah", data=dict(EDIT, sms_name="Kota \U0001F334"))
    assert refused.status_code == 422 and "plain SMS can carry (GSM-7)" in text(refused)
    assert "SMS name" in text(admin.get("/staff/kuota"))
