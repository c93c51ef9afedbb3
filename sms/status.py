"""What a phone may see by SMS: CEK (its own registrations) and KUOTA (places left)."""
from core import program_year, quota
from models import ProgramYear
from sms import confirm, replies
from sms.commands import code_and_nik


def look_up(command, phone, lang):
    """CEK, CEK <kode> [NIK], BATAL <kode> [NIK] (which asks YA first) and KUOTA."""
    if command.name == "quota":
        return places(lang)
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
