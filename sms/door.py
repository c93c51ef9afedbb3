"""One inbound SMS in, one reply out: exactly once per MessageSid, through the quota core."""
import threading
import time
from contextlib import nullcontext

from peewee import IntegrityError, OperationalError, SqliteDatabase

import quota
from identity import normalize_phone
from models import ProgramYear, SmsInbound, SmsOptOut, SmsSession, db
from sms import conversation, replies
from sms.commands import code_and_nik, parse

NEW_COMMANDS = ("register", "check", "quota")
# SQLite has one writer at a time, and its busy handler sleeps up to 100 ms between tries; this
# process's threads queue here instead and go the moment the one before them is done.
SQLITE_WRITER = threading.Lock()


def writing():
    """Hold this process's SQLite writer turn (PostgreSQL locks rows, so it needs none)."""
    return SQLITE_WRITER if isinstance(db.obj, SqliteDatabase) else nullcontext()


def respond(phone, body, sid=None):
    """The reply to one SMS; a MessageSid seen before gets the stored reply and changes nothing."""
    sid = (sid or "").strip()[:40] or None
    phone = normalize_phone(phone) or (phone or "").strip()[:20]
    command = parse(body)
    seen = stored(sid)
    if seen is not None:
        return seen
    if reads_only(command, phone):
        # Nothing to change but the record: the write lock is held for one INSERT only.
        return remember(sid, phone, dispatch(phone, command))
    for _ in range(3):
        try:
            # One transaction: the message's effects and its record commit together or not at all.
            with writing(), db.atomic():
                seen = stored(sid)
                if seen is not None:
                    return seen
                reply = dispatch(phone, command)
                if sid:
                    SmsInbound.create(sid=sid, phone=phone, reply=reply)
                return reply
        except IntegrityError:
            continue  # a copy of this message was handled by another worker at the same moment
        except OperationalError:
            time.sleep(0.05)  # locked for too long, or PostgreSQL picked this one to break a deadlock
    seen = stored(sid)
    if seen is None:
        raise RuntimeError("the message could not be handled")
    return seen


def stored(sid):
    """The reply already given to this MessageSid, or None."""
    seen = SmsInbound.get_or_none(SmsInbound.sid == sid) if sid else None
    return None if seen is None else seen.reply


def reads_only(command, phone):
    """Whether answering changes nothing: help, or a look-up by a phone with no conversation."""
    if command.name == "help":
        return True
    return command.name in ("quota", "check", "text", "yes", "no") and not (
        SmsSession.select().where(SmsSession.phone == phone).exists())


def remember(sid, phone, reply):
    """Store the reply given to sid; if a copy of the message was faster, give its reply."""
    if sid:
        try:
            with writing():
                SmsInbound.create(sid=sid, phone=phone, reply=reply)
        except IntegrityError:
            return stored(sid) or reply
    return reply


def dispatch(phone, command):
    """Route a message: opt-out and help first, then commands, then the conversation."""
    session, expired = conversation.load(phone)
    lang = command.lang or (session.data.get("lang") if session else None) or "id"
    if command.name == "stop":
        SmsOptOut.insert(phone=phone).on_conflict_ignore().execute()
        conversation.end(phone)
        return replies.say("stopped", lang)
    if command.name == "start":
        SmsOptOut.delete().where(SmsOptOut.phone == phone).execute()
        return replies.say("started", lang)
    if command.name == "help":
        return replies.say("session_help" if session else "help", lang)
    if command.name == "cancel" and not command.args and session is not None:
        conversation.end(phone)
        step_left = "cancel_kept" if session.step == "cancel" else "left"
        return replies.say(step_left, lang, ref=replies.pretty_ref(session.data.get("ref")))
    if command.name in NEW_COMMANDS or command.name == "cancel":
        if session is not None:
            conversation.end(phone)
        return run(command, phone, lang)
    if session is not None:
        return conversation.answer(session, command, phone)
    return replies.say("expired" if expired else "unknown", lang)


def run(command, phone, lang):
    """A command that starts afresh: DAFTAR, CEK, BATAL <kode>, KUOTA."""
    if command.name == "register":
        return conversation.start(phone, command.args, lang)
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
        return conversation.ask_cancel(phone, reg, lang)
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
    pools = [p for p in quota.places_left() if p.active]
    if not pools:
        return replies.error("registration_closed", lang)
    parts = [replies.say("pool_line", lang, pool=replies.pool_label(p.name),
                         left=replies.number(p.left, lang), cap=replies.number(p.capacity, lang))
             for p in pools]
    key = "quota" if quota.registration_open(year) else "quota_closed"
    return replies.say_list(key, lang, parts)
