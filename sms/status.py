"""What a phone may see by SMS: CEK (its own registrations) and KUOTA (places left)."""
import re

from core import program_year, quota
from core.dates import MONTH_OF
from core.identity import clean_digits, mask_nik
from core.validation import parse_birth_date
from models import ProgramYear
from sms import confirm, replies
from sms.commands import code_and_nik

DATE_LIKE = re.compile(r"^\d{1,4}(?:\s*[./\-\s]\s*\d{1,4}){2}$")


def look_up(command, phone, lang):
    """CEK, CEK <kode> [NIK], BATAL <kode> [NIK] (which asks YA first) and KUOTA."""
    if command.name == "quota":
        return places(lang)
    if command.name == "check" and (by_date := nik_and_date(command.args)) is not None:
        return status_by_date(*by_date, lang)
    code, nik = code_and_nik(command.args)
    if command.name == "check" and code is None and nik is None:
        return status_list(phone, lang)
    reg = own(phone, code, nik)
    if command.name == "cancel":
        if code is None:
            return replies.say("cancel_usage", lang)
        if reg is None:
            return replies.say("not_found", lang)
        if reg.status not in quota.CANCELLABLE:
            return replies.error("cannot_cancel", lang)
        return confirm.ask_cancel(phone, reg, lang)
    if reg is None:
        return replies.say("not_found", lang)
    return replies.say("status_one", lang, ref=replies.pretty_ref(reg.ref), name=reg.name,
                       status=describe(reg, lang))


def own(phone, code, nik):
    """The registration with this code made from this phone, or matching the NIK given with it."""
    if not code:
        return None
    mine = quota.of_phone(phone, code)
    if mine:
        return mine[0]
    return quota.find_own(nik, ref=code) if nik else None


def describe(reg, lang):
    """A registration's status in a few words, with its place on the waiting list."""
    return replies.status_text(reg, quota.status(reg).position, lang)


def status_list(phone, lang):
    """CEK: every registration made from this phone, newest first."""
    regs = quota.of_phone(phone)
    if not regs:
        return replies.say("status_none", lang)
    parts = [f"{replies.pretty_ref(r.ref)} {replies.clip(r.name, 12)}: {describe(r, lang)}"
             for r in regs]
    return replies.say_list("status_list", lang, parts)


def places(lang):
    """KUOTA: seats left in each pool of the current year."""
    year = ProgramYear.current()
    pools = [p for p in quota.current_pools() if p.is_open]
    if not pools:
        return replies.error("registration_closed", lang)
    parts = [replies.say("pool_line", lang, pool=replies.pool_label(p),
                         left=replies.number(p.left, lang), cap=replies.number(p.capacity, lang))
             for p in pools]
    key = "quota" if program_year.window(year=year).is_open else "quota_closed"
    return replies.say_list(key, lang, parts)


def nik_and_date(tokens):
    """(NIK, the words after it) when CEK gives a 16-digit NIK and then something written as a
    date: groups split by - / . or spaces, or a month's name (8 bare digits may be a code)."""
    if len(tokens) < 2 or len(clean_digits(tokens[0])) != 16 or not clean_digits(tokens[0]).isdigit():
        return None
    rest = " ".join(tokens[1:])
    if not (DATE_LIKE.match(rest) or any(w.lower() in MONTH_OF for w in re.split(r"[\s./-]+", rest))):
        return None
    return clean_digits(tokens[0]), rest


def status_by_date(nik, date_text, lang):
    """CEK <NIK> <birth date>: only whether a registration exists, as on the web (anyone with a
    KTP copy knows both; the status needs the code, or the phone that registered)."""
    birth, key = parse_birth_date(date_text)
    if key:  # a date we cannot read is said to be so, never answered as "not found"
        return replies.say("date_hint", lang)
    reg = quota.find_own(nik, birth_date=birth)
    if reg is None:
        return replies.say("not_found_date", lang)
    return replies.say("status_exists", lang, nik=mask_nik(reg.nik)[-4:])
