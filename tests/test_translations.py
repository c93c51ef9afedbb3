"""English is a full second locale: every catalogued string has a checked translation."""
import re
from pathlib import Path

from babel.messages.pofile import read_po

CATALOG = Path(__file__).resolve().parent.parent / "translations" / "en" / "LC_MESSAGES" / "messages.po"


def test_every_string_is_translated_and_none_is_a_guess():
    with open(CATALOG, "rb") as f:
        catalog = read_po(f)
    missing = [m.id for m in catalog if m.id and not m.string]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert missing == [] and fuzzy == []


def test_placeholders_survive_translation():
    with open(CATALOG, "rb") as f:
        catalog = read_po(f)
    for message in catalog:
        if message.id and isinstance(message.id, str):
            assert sorted(re.findall(r"%\(\w+\)s", message.id)) == sorted(
                re.findall(r"%\(\w+\)s", message.string)), message.id
