"""One inbound SMS in, one reply out: exactly once per MessageSid, through the quota core."""
import time

from flask import current_app
from peewee import OperationalError

from core.identity import normalize_phone
from models import SmsInbound, SmsOptOut, SmsSession, db
from sms import confirm, conversation, language, replies, status
from sms.commands import Command, parse

NEW_COMMANDS = ("register", "check", "quota")


def answer(phone, body, sid=None):
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
            with db.atomic():
                seen = stored(sid)
                if seen is not None:
                    return seen
                reply = dispatch(phone, command)
                if sid and not keep(sid, phone, reply):
                    raise HandledElsewhere  # undo this copy's effects
                return reply
        except HandledElsewhere:
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
    if command.name in ("help", "benefits"):
        return True
    return command.name in ("quota", "check", "text", "yes", "no") and not (
        SmsSession.select().where(SmsSession.phone == phone).exists())


def remember(sid, phone, reply):
    """Store the reply given to sid; if a copy of the message was faster, give its reply."""
    if sid:
        # A transaction, not a bare INSERT: on SQLite it queues for the write lock (database.py).
        with db.atomic():
            if not keep(sid, phone, reply):
                return stored(sid) or reply
    return reply


class HandledElsewhere(Exception):
    """Another worker stored this MessageSid first."""


def keep(sid, phone, reply):
    """Store the reply given to sid; False when a copy was stored first.

    The INSERT skips a conflict rather than fail: PostgreSQL logs a refused statement whole, and
    this one holds the phone and the reply.
    """
    query = SmsInbound.insert(sid=sid, phone=phone, reply=reply).on_conflict_ignore()
    return db.execute(query).rowcount == 1


def dispatch(phone, command):
    """Route a message: opt-out and help first, then commands, then the conversation."""
    session, expired = conversation.load(phone)
    lang = (command.lang or (session.data.get("lang") if session else None)
            or language.chosen(phone) or "id")
    if command.name == "stop":
        SmsOptOut.insert(phone=phone).on_conflict_ignore().execute()
        conversation.end(phone)
        return replies.say("stopped", lang)
    if command.name == "start":
        SmsOptOut.delete().where(SmsOptOut.phone == phone).execute()
        if session is None:
            return replies.say("started", lang)
        # Twilio's opt-in is kept, and the worker's own meaning too: YES to "Balas YA" is a yes.
        if command.meant == "yes" and session.step in conversation.YES_NO_STEPS:
            return conversation.answer(session, Command("yes", command.text), phone)
        if command.meant == "yes" and session.step not in conversation.STEPS:
            return confirm.decide(session, Command("yes", command.text), phone)
        return conversation.remind("started", session, lang)
    if command.name == "help":
        if session:
            return conversation.remind("session_help", session, lang)
        return replies.say("help", lang, contact=replies.contact(current_app.config["HELP"]))
    if command.name == "benefits":  # read-only: a conversation under way carries on after it
        return replies.benefits(current_app.config["BENEFITS"], lang)
    if command.name == "language":
        lang = language.choose(phone, command.args, lang)
        if session is not None:
            session.data["lang"] = lang
            conversation.save(phone, session.step, session.data)
        return replies.say("language", lang)
    if command.name == "cancel" and not command.args and session is not None:
        conversation.end(phone)
        step_left = "cancel_kept" if session.step == "cancel" else "left"
        return replies.say(step_left, lang, ref=replies.pretty_ref(session.data.get("ref")))
    if command.name in NEW_COMMANDS or command.name == "cancel":
        if session is not None:
            conversation.end(phone)
        if command.name == "register":
            return conversation.start(phone, command.args, lang)
        return status.look_up(command, phone, lang)
    if session is not None and session.step in conversation.STEPS:
        # YA/TIDAK is no NIK, name, job or place: ask again (it does answer "on DTKS?")
        if command.name in ("yes", "no") and session.step not in conversation.YES_NO_STEPS:
            return conversation.remind(None, session, lang)
        return conversation.answer(session, command, phone)
    if session is not None:
        return confirm.decide(session, command, phone)
    return replies.say("expired" if expired else "unknown", lang)
