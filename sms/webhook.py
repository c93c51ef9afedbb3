"""Twilio's webhooks: an inbound SMS answered with TwiML, a delivery status recorded."""
import logging
import time
import traceback
from types import SimpleNamespace

from flask import Response, g, request
from twilio.twiml.messaging_response import MessagingResponse
from werkzeug.exceptions import HTTPException

from core.identity import normalize_phone
from sms import bp, replies
from sms.door import answer
from sms.limits import over_limit
from sms.sender import record_status, render
from sms.signature import twilio_signed

log = logging.getLogger("jaring.sms")


@bp.record_once
def offer_to_staff(state):
    """Let the staff simulator use this door's own code through the app, not by importing it."""
    state.app.extensions["sms"] = SimpleNamespace(answer=answer, outbox_text=render)


def twiml(text):
    """A TwiML reply with one message (none for an empty text)."""
    reply = MessagingResponse()
    if text:
        reply.message(text)
    return Response(str(reply), mimetype="text/xml")


@bp.before_request
def _start_clock():
    """Note when the SMS door started on this request."""
    g.sms_started = time.perf_counter()


@bp.after_request
def _server_timing(response):
    """Say how long the app took (the benchmark reads this)."""
    started = g.get("sms_started")
    if started is not None:
        duration = (time.perf_counter() - started) * 1000
        response.headers["Server-Timing"] = f"app;dur={duration:.2f}"
    return response


@bp.errorhandler(Exception)
def _unexpected(error):
    """An SMS that broke something still gets a polite reply, never Twilio's error tone."""
    if isinstance(error, HTTPException):
        return error
    # Type and stack only: the message itself may quote a NIK, a name or a phone.
    log.error("sms door: unhandled %s\n%s", type(error).__name__,
              "".join(traceback.format_tb(error.__traceback__)))
    return twiml(replies.error("unknown_error"))


@bp.post("/twilio")
@twilio_signed
def inbound():
    """Twilio's webhook for an inbound SMS: answer it with TwiML."""
    phone = request.form.get("From", "")
    if over_limit(normalize_phone(phone) or phone[:20]):
        return twiml("")
    sid = request.form.get("MessageSid") or request.form.get("SmsSid")
    # A NUL can stand for GSM-7's "@"; PostgreSQL cannot store it, and no command needs it.
    return twiml(answer(phone, request.form.get("Body", "").replace("\x00", " "), sid))


@bp.post("/twilio/status")
@twilio_signed
def delivery_status():
    """Twilio's delivery report for a message we sent: record it on the outbox row."""
    record_status(request.form.get("MessageSid") or request.form.get("SmsSid", ""),
                  request.form.get("MessageStatus") or request.form.get("SmsStatus", ""),
                  request.form.get("ErrorCode", ""))
    return "", 204
