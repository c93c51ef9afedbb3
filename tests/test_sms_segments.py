"""How many segments Twilio bills a text as: GSM-7 160/153, UCS-2 70/67, no character split."""
import pytest

from sms import replies
from sms.gsm import segments
from sms.texts import ERRORS, TEXTS
from tests.test_sms_replies import LONGEST


@pytest.mark.parametrize("text, expected", [
    ("", (1, "gsm7")),
    ("a" * 160, (1, "gsm7")),
    ("a" * 161, (2, "gsm7")),
    ("a" * 306, (2, "gsm7")),
    ("a" * 307, (3, "gsm7")),
    ("€" * 80, (1, "gsm7")),            # each takes an escape: 160 septets
    ("a" * 152 + "€" * 5, (2, "gsm7")),  # 162 septets; the escape pair moves whole to part two
    ("a" * 152 + "€" + "a" * 153, (3, "gsm7")),  # 152 + pair would be 154: the pair starts part two
    ("ã" * 70, (1, "ucs2")),             # one character outside GSM-7 makes the whole text UCS-2
    ("ã" * 71, (2, "ucs2")),
    ("Sudah terdaftar ✓" + "a" * 60, (2, "ucs2")),
    ("😀" * 35, (1, "ucs2")),            # a surrogate pair is two UTF-16 units
    ("a" * 66 + "😀" + "a" * 4, (2, "ucs2")),
])
def test_segments_follow_the_gsm_and_ucs2_part_sizes(text, expected):
    assert segments(text) == expected


# Issue 9's SMS texts (the DTKS question, the place prompts, the replies that say a DTKS-only pool
# was skipped) with their longest values: each is billed as one GSM-7 SMS in both languages.
ISSUE_9_TEXTS = ("ask_place", "again_place", "place_regency", "place_choice", "place_choice_any",
                 "ask_dtks", "again_dtks", "dtks_unclear", "registered_no_dtks",
                 "waitlisted_no_dtks")


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("key", ISSUE_9_TEXTS)
def test_issue_9_texts_are_one_gsm7_sms(lang, key):
    template = TEXTS[lang][key]
    text = replies.compose(template, {n: LONGEST[n] for n in replies.placeholders(template)})
    assert segments(text) == (1, "gsm7"), (key, text)
    again = f"{TEXTS[lang]['dtks_unclear']} {TEXTS[lang]['again_dtks']}"
    assert segments(again) == (1, "gsm7") and segments(ERRORS[lang]["dtks_required"]) == (1, "gsm7")
