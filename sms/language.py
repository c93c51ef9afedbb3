"""The language each phone chose (BAHASA EN / BAHASA ID): replies and notifications follow it."""
from models import SmsLanguage
from sms.commands import LANGUAGES


def chosen(phone):
    """'en' or 'id' if this phone chose, else None (the keyword's language or Indonesian)."""
    row = SmsLanguage.get_or_none(SmsLanguage.phone == phone)
    return row.lang if row else None


def chosen_of(phones):
    """{phone: 'en' or 'id'} for those of phones that chose a language (one query)."""
    phones = set(phones)
    if not phones:
        return {}
    return dict(SmsLanguage.select(SmsLanguage.phone, SmsLanguage.lang).where(
        SmsLanguage.phone.in_(phones)).tuples())


def choose(phone, args, current):
    """BAHASA <EN|ID>: store the choice; without a known word, switch to the other language."""
    word = (args[0] if args else "").upper()
    lang = LANGUAGES.get(word) or ("id" if current == "en" else "en")
    SmsLanguage.insert(phone=phone, lang=lang).on_conflict(
        conflict_target=[SmsLanguage.phone], update={SmsLanguage.lang: lang}).execute()
    return lang
